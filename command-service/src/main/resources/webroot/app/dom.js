/*
 * Building DOM nodes and turning the API's values into words, times and numbers for people.
 *
 * Everything the server sends reaches the page through el() and svg(), which only ever set textContent and
 * attributes: nothing from the server is parsed as HTML.
 */

export const $ = (id) => document.getElementById(id);

/**
 * A new element. attrs: 'class', 'text' (textContent), 'on<event>' handlers, anything else an attribute;
 * null, undefined and false are left out, true is an empty (boolean) attribute. Children may be nested arrays.
 */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (key === 'class') {
      node.className = value;
    } else if (key === 'text') {
      node.textContent = value;
    } else if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2), value);
    } else {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element with every attribute as given. */
export function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined) {
      node.setAttribute(key, String(value));
    }
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

/** An API constant for people: IN_PROGRESS becomes "In progress". */
export function humanise(constant) {
  if (!constant) {
    return '';
  }
  const words = String(constant).toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Milliseconds since the epoch, or null for a missing or unreadable time (never NaN). */
export function parseTime(iso) {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
export const shortTime = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** 14:02:11 today, Tue 3 Mar 14:02 otherwise. */
export function when(iso) {
  const ms = typeof iso === 'number' ? iso : parseTime(iso);
  if (ms === null) {
    return '—';
  }
  const date = new Date(ms);
  return date.toDateString() === new Date().toDateString() ? timeFormat.format(date) : dateTimeFormat.format(date);
}

/** An instant as a wall clock in an IANA zone: "Mon 7 Dec 07:40". */
export function inZone(iso, timeZone) {
  const ms = parseTime(iso);
  if (ms === null) {
    return '—';
  }
  try {
    return new Intl.DateTimeFormat(undefined, {
      weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone,
    }).format(new Date(ms));
  } catch (e) {
    return dateTimeFormat.format(new Date(ms));
  }
}

/** A rough age (45 s, 12 min, 3 h, 2 d): how old the car's data is matters, not to the second. */
export function ageText(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 90) {
    return s + ' s';
  }
  if (s < 90 * 60) {
    return Math.round(s / 60) + ' min';
  }
  if (s < 48 * 3600) {
    return Math.round(s / 3600) + ' h';
  }
  return Math.round(s / 86400) + ' d';
}

/** A number with fixed decimals, or null when the car did not send a usable number. */
export function number(value, digits) {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : null;
}

/*
 * Building DOM nodes and turning the API's values into words, times and numbers for people: the helpers both the
 * staff console and the owner app use. Each app's dom.js re-exports these with its own additions.
 *
 * Everything the server sends reaches the page through el() and svg(), which only ever set textContent and
 * attributes: nothing from the server is parsed as HTML.
 */

/** The element with this id. */
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

/** An SVG element: every attribute as given (SVG has no className or boolean attributes to special-case). */
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

/** Milliseconds since the epoch, or null for a missing or unreadable time (never NaN, which compares false). */
export function parseTime(iso) {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

// times on a 24-hour clock in the reader's own time zone, whatever the browser's locale would pick
const CLOCK = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
const timeFormat = new Intl.DateTimeFormat(undefined, { ...CLOCK, second: '2-digit' });

/** 14:02, for axes and short labels. */
export const shortTime = new Intl.DateTimeFormat(undefined, CLOCK);

/**
 * An app's when(iso): 14:02:11 today, otherwise the day (dayOptions, Intl options such as
 * { day: 'numeric', month: 'short' }) and the time, "3 Mar 14:02"; "—" for a missing time.
 */
export function whenFormat(dayOptions) {
  const dateTimeFormat = new Intl.DateTimeFormat(undefined, { ...dayOptions, ...CLOCK });
  return (iso) => {
    const ms = typeof iso === 'number' ? iso : parseTime(iso);
    if (ms === null) {
      return '—';
    }
    const date = new Date(ms);
    return date.toDateString() === new Date().toDateString() ? timeFormat.format(date) : dateTimeFormat.format(date);
  };
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

/** A signal's value with fixed decimals, or null when the car did not send a usable number. */
export function number(value, digits) {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : null;
}

/*
 * Every second: the SLA countdowns and the age of each car's data. Both are computed from a timestamp the
 * server sent, so they keep counting between pushes without asking the server again.
 */
import { clockText, parseTime } from './dom.js';
import { state } from './state.js';

/** Counting down under two minutes turns the countdown amber, before it turns red. */
const SOON_MS = 120000;

let timer = null;

export function startTicking() {
  if (!timer) {
    timer = setInterval(tick, 1000);
  }
}

export function stopTicking() {
  clearInterval(timer);
  timer = null;
}

/**
 * Updates every countdown on the page: any element with data-sla-due (in the queue and in the panels). Called
 * right after a render too, so a new row never shows an empty countdown for up to a second.
 */
export function tick() {
  const now = Date.now();
  for (const node of document.querySelectorAll('[data-sla-due]')) {
    const closed = node.dataset.closed === 'true';
    const due = parseTime(node.dataset.slaDue);
    node.classList.remove('overdue', 'soon');
    if (closed) {
      node.textContent = 'closed';
      continue;
    }
    if (due === null) {
      node.textContent = '—';
      continue;
    }
    const left = due - now;
    const seconds = Math.floor(Math.abs(left) / 1000);
    if (left < 0) {
      node.textContent = 'overdue ' + clockText(seconds);
      node.classList.add('overdue');
    } else {
      node.textContent = clockText(seconds);
      if (left < SOON_MS) {
        node.classList.add('soon');
      }
    }
  }
  for (const panel of state.panels.values()) {
    panel.tickAge();
  }
}

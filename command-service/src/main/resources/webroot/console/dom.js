/*
 * The console's words for times and tasks, with the helpers both apps share (/common/dom.js) re-exported, so the
 * console's modules import all of them from here.
 */
import { humanise, parseTime, whenFormat } from '/common/dom.js';

export * from '/common/dom.js';

/** 14:02:11 today, 3 Mar 14:02 otherwise. */
export const when = whenFormat({ day: 'numeric', month: 'short' });

/** A task's title, else its type in words, else its id. */
export function titleOf(task) {
  return (task && task.title) || humanise(task && task.type) || 'Task ' + (task && task.id);
}

/** The whole date and time with its zone, for tooltips where when() is too short to be sure. */
export function fullTime(iso) {
  const ms = parseTime(iso);
  return ms === null ? '' : new Date(ms).toString();
}

function pad(n) {
  return String(n).padStart(2, '0');
}

/** 00:00 style countdown; hours are added for long SLAs. */
export function clockText(totalSeconds) {
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return h > 0 ? h + ':' + pad(m) + ':' + pad(s) : pad(m) + ':' + pad(s);
}

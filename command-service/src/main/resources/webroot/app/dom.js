/*
 * The app's words for times, with the helpers both apps share (/common/dom.js) re-exported, so the app's modules
 * import all of them from here.
 */
import { parseTime, whenFormat } from '/common/dom.js';

export * from '/common/dom.js';

const DAY = { weekday: 'short', day: 'numeric', month: 'short' };
const DAY_AND_TIME = { ...DAY, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
const dateTimeFormat = new Intl.DateTimeFormat(undefined, DAY_AND_TIME);

/** 14:02:11 today, Tue 3 Mar 14:02 otherwise. */
export const when = whenFormat(DAY);

/** An instant as a wall clock in an IANA zone: "Mon 7 Dec 07:40". */
export function inZone(iso, timeZone) {
  const ms = parseTime(iso);
  if (ms === null) {
    return '—';
  }
  try {
    return new Intl.DateTimeFormat(undefined, { ...DAY_AND_TIME, timeZone }).format(new Date(ms));
  } catch (e) {
    return dateTimeFormat.format(new Date(ms));
  }
}

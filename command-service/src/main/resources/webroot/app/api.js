/*
 * The app's side of the API client (/common/api.js, re-exported): problems in an owner's words, and a fresh
 * Idempotency-Key for every command.
 */
import { ApiError, setUpApi } from '/common/api.js';
import { state } from './state.js';

export { API, ApiError, api, whenUnauthorized } from '/common/api.js';

/** What the banner says while the phone has no network. */
export const OFFLINE_TEXT =
  'You are offline. What you see may be out of date; nothing can be sent to the car until you are back online.';

setUpApi({
  state,
  unreachable: () => (navigator.onLine === false
    ? OFFLINE_TEXT
    : 'Cannot reach carlink. Check your connection; what you see may be out of date.'),
});

/** What went wrong, in words: the reason code when a safety check refused, else the problem's detail. */
export function problemText(error) {
  if (!(error instanceof ApiError)) {
    return String((error && error.message) || error);
  }
  if (error.status === 0) {
    return 'cannot reach carlink; check your connection and try again';
  }
  if (error.status === 429) {
    return 'too many requests just now; wait a moment and try again';
  }
  const detail = error.problem.detail || error.message;
  return detail;
}

/** A fresh Idempotency-Key, so a retried tap never starts a second command. */
export function newKey() {
  return (crypto.randomUUID && crypto.randomUUID()) || String(Date.now()) + '-' + Math.random().toString(16).slice(2);
}

/*
 * The console's side of the API client (/common/api.js, re-exported): problems in staff's words, and the open
 * panels kept in sessionStorage (per tab, gone when the tab closes).
 */
import { ApiError, setUpApi } from '/common/api.js';
import { state } from './state.js';

export { API, ApiError, api, whenUnauthorized } from '/common/api.js';

const PANELS_KEY = 'carlink.console.panels';

setUpApi({ state, unreachable: () => 'Cannot reach the server. Check the network connection; the console keeps retrying.' });

/** What went wrong, in words: the problem's detail, with the conflict spelled out. */
export function problemText(error) {
  if (!(error instanceof ApiError)) {
    return String((error && error.message) || error);
  }
  if (error.status === 0) {
    return 'cannot reach the server; check the network and try again';
  }
  const detail = error.problem.detail || error.message;
  if (error.status === 409) {
    return 'conflict (409): ' + detail;
  }
  const title = error.problem.title || 'error';
  return title.toLowerCase() + ' (' + error.status + '): ' + detail;
}

/** The ids of the tasks that had panels open, so a reload puts the staff member back where they were. */
export function loadPanelIds() {
  let saved = [];
  try {
    saved = JSON.parse(sessionStorage.getItem(PANELS_KEY)) || [];
  } catch (e) {
    saved = [];
  }
  return saved.filter((id) => Number.isFinite(id));
}

/** Remembers the ids of the open panels, in their order. */
export function savePanelIds(ids) {
  sessionStorage.setItem(PANELS_KEY, JSON.stringify(ids));
}

/** Forgets the open panels: the next person at this screen starts with none. */
export function forgetPanelIds() {
  sessionStorage.removeItem(PANELS_KEY);
}

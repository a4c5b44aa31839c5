/*
 * Talking to the API like any other client: a bearer token, JSON both ways, RFC 9457 problems turned into
 * words, and the session kept in sessionStorage (per tab, gone when the tab closes).
 */
import { hideBanner, showBanner } from './banner.js';
import { parseTime } from './dom.js';
import { state } from './state.js';

export const API = '/api/v1';
const SESSION_KEY = 'carlink.console.session';
const PANELS_KEY = 'carlink.console.panels';
/** Roles this console serves; the API enforces the same, this only turns others away with a clear message. */
export const STAFF_ROLES = new Set(['STAFF', 'ADMIN']);

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || 'HTTP ' + status);
    this.status = status;
    this.problem = problem || {};
  }
}

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

// set by main.js: the session module sits above this one, and a 401 must end the whole session
let onUnauthorized = () => {};

/** What to do when the server no longer accepts the session's token. */
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

/**
 * A call to the API: resolves to the JSON answer ({} when empty), rejects with an ApiError (status 0 when the
 * server cannot be reached). A 401 while signed in ends the session before the caller hears of it, so callers
 * only need to stay quiet about status 401.
 */
export async function api(path, options) {
  const opts = options || {};
  const headers = { Accept: 'application/json' };
  if (state.session) {
    headers.Authorization = 'Bearer ' + state.session.token;
  }
  let body;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let response;
  try {
    response = await fetch(API + path, { method: opts.method || 'GET', headers, body, cache: 'no-store' });
  } catch (e) {
    showBanner('Cannot reach the server. Check the network connection; the console keeps retrying.', 'network');
    throw new ApiError(0, { title: 'Network error', detail: 'cannot reach the server' });
  }
  hideBanner('network');
  const text = await response.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch (e) {
      json = null;
    }
  }
  if (response.status === 401 && state.session) {
    onUnauthorized();
    throw new ApiError(401, json);
  }
  if (!response.ok) {
    throw new ApiError(response.status, json || { title: response.statusText, detail: text.slice(0, 300) });
  }
  return json || {};
}

// ---------------------------------------------------------------- what survives a reload of the tab

/** The saved session, if it is a staff session that has not expired. */
export function loadSession() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(SESSION_KEY));
    if (saved && saved.token && STAFF_ROLES.has(saved.role)) {
      const expires = parseTime(saved.expiresAt);
      if (expires === null || expires > Date.now()) {
        return saved;
      }
    }
  } catch (e) {
    // an unreadable saved session is the same as none
  }
  sessionStorage.removeItem(SESSION_KEY);
  return null;
}

export function saveSession(session) {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

export function forgetSession() {
  sessionStorage.removeItem(SESSION_KEY);
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

export function savePanelIds(ids) {
  sessionStorage.setItem(PANELS_KEY, JSON.stringify(ids));
}

export function forgetPanelIds() {
  sessionStorage.removeItem(PANELS_KEY);
}

/*
 * Talking to the documented public API like any other client: a bearer token, JSON both ways, RFC 9457 problems
 * turned into words. The session is kept in localStorage (a phone app stays signed in until the token expires).
 */
import { hideBanner, showBanner } from './banner.js';
import { parseTime } from './dom.js';
import { state } from './state.js';

export const API = '/api/v1';
const SESSION_KEY = 'carlink.app.session';

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || 'HTTP ' + status);
    this.status = status;
    this.problem = problem || {};
  }
}

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

// set by main.js: a 401 must end the whole session, which sits above this module
let onUnauthorized = () => {};

export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

/**
 * A call to the API: resolves to the JSON answer ({} when empty), rejects with an ApiError (status 0 when the
 * server cannot be reached). A 401 while signed in ends the session before the caller hears of it.
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
  if (opts.idempotencyKey) {
    headers['Idempotency-Key'] = opts.idempotencyKey;
  }
  let response;
  try {
    response = await fetch(API + path, { method: opts.method || 'GET', headers, body, cache: 'no-store' });
  } catch (e) {
    showBanner(navigator.onLine === false
      ? 'You are offline. What you see may be out of date; nothing can be sent to the car until you are back online.'
      : 'Cannot reach carlink. Check your connection; what you see may be out of date.', 'network');
    throw new ApiError(0, { title: 'Network error', detail: 'cannot reach carlink' });
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

/** The saved session, if it is an owner's and has not expired. */
export function loadSession() {
  try {
    const saved = JSON.parse(localStorage.getItem(SESSION_KEY));
    if (saved && saved.token) {
      const expires = parseTime(saved.expiresAt);
      if (expires === null || expires > Date.now()) {
        return saved;
      }
    }
  } catch (e) {
    // an unreadable saved session is the same as none
  }
  localStorage.removeItem(SESSION_KEY);
  return null;
}

export function saveSession(session) {
  localStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

export function forgetSession() {
  localStorage.removeItem(SESSION_KEY);
}

/** A fresh Idempotency-Key, so a retried tap never starts a second command. */
export function newKey() {
  return (crypto.randomUUID && crypto.randomUUID()) || String(Date.now()) + '-' + Math.random().toString(16).slice(2);
}

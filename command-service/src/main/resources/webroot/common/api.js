/*
 * Talking to the API like any other client: a bearer token, JSON both ways, RFC 9457 problems as ApiErrors.
 * What differs between the apps is set once with setUpApi(); how a problem is put into words stays with each
 * app (its problemText()).
 */
import { hideBanner, showBanner } from '/common/banner.js';

export const API = '/api/v1';

/** A refused call: the HTTP status (0 when the server could not be reached) and the problem document. */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || 'HTTP ' + status);
    this.status = status;
    this.problem = problem || {};
  }
}

let settings = { state: { session: null }, unreachable: () => 'Cannot reach the server.' };
// set by main.js: the session sits above this module, and a 401 must end the whole session
let onUnauthorized = () => {};

/**
 * Says whose token to send (options.state.session, while signed in) and what the banner says when the server
 * cannot be reached (options.unreachable(), asked at that moment).
 */
export function setUpApi(options) {
  settings = options;
}

/** What to do when the server no longer accepts the session's token. */
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

/**
 * A call to the API: resolves to the JSON answer ({} when empty), rejects with an ApiError (status 0 when the
 * server cannot be reached). options: method, body (sent as JSON), idempotencyKey. A 401 while signed in ends the
 * session before the caller hears of it, so callers only need to stay quiet about status 401.
 */
export async function api(path, options) {
  const opts = options || {};
  const session = settings.state.session;
  const headers = { Accept: 'application/json' };
  if (session) {
    headers.Authorization = 'Bearer ' + session.token;
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
    showBanner(settings.unreachable(), 'network');
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
  if (response.status === 401 && settings.state.session) {
    onUnauthorized();
    throw new ApiError(401, json);
  }
  if (!response.ok) {
    throw new ApiError(response.status, json || { title: response.statusText, detail: text.slice(0, 300) });
  }
  return json || {};
}

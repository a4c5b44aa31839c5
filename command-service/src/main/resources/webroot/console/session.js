/*
 * Signing in and out, and the two views that go with it: the login form, and the workspace (queue and panels)
 * that exists only while a staff session does. Leaving the workspace stops everything it started, so nothing
 * keeps polling or streaming with a token the server no longer accepts.
 */
import {
  API, STAFF_ROLES, forgetPanelIds, forgetSession, loadPanelIds, loadSession, saveSession,
} from './api.js';
import { hideBanner } from './banner.js';
import { $, humanise, parseTime } from './dom.js';
import { closeAllPanels, openPanel } from './panel.js';
import { clearQueue, renderQueue } from './queue.js';
import { state } from './state.js';
import { connectStream, endStream } from './stream.js';
import { startTicking, stopTicking } from './tick.js';

/** Fires when the token expires, so an idle console returns to the login instead of failing at the next click. */
let expiryTimer = null;

/** Opens the workspace for a session saved in this tab (a reload), or shows the login. */
export function resumeOrSignIn() {
  state.session = loadSession();
  if (state.session) {
    enterWorkspace();
  } else {
    showLogin('');
  }
}

function showLogin(message) {
  $('workspace').hidden = true;
  $('who').hidden = true;
  $('stream-status').hidden = true;
  $('login').hidden = false;
  const error = $('login-error');
  error.textContent = message || '';
  error.hidden = !message;
  const user = $('login-username');
  if (state.session && state.session.username && !user.value) {
    user.value = state.session.username;
  }
  (user.value ? $('login-password') : user).focus();
}

export async function onLogin(event) {
  event.preventDefault();
  const username = $('login-username').value.trim();
  const password = $('login-password').value;
  const error = $('login-error');
  error.hidden = true;
  if (!username || !password) {
    error.textContent = 'Enter your username and password.';
    error.hidden = false;
    return;
  }
  const submit = $('login-submit');
  submit.disabled = true;
  submit.textContent = 'Signing in…';
  try {
    // not api(): a failed sign-in is told in this form, not in the banner, and a 401 here is a wrong password
    let response;
    try {
      response = await fetch(API + '/auth/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ username, password }),
      });
    } catch (e) {
      error.textContent = 'Cannot reach the server. Check the network connection and try again.';
      error.hidden = false;
      return;
    }
    let json = {};
    try {
      json = await response.json();
    } catch (e) {
      json = {};
    }
    if (!response.ok) {
      error.textContent = response.status === 401
        ? 'Sign-in failed: ' + (json.detail || 'wrong username or password') + '.'
        : 'Sign-in failed: ' + (json.detail || json.title || 'HTTP ' + response.status) + '.';
      error.hidden = false;
      $('login-password').select();
      return;
    }
    if (!STAFF_ROLES.has(json.role)) {
      error.textContent = 'Account "' + (json.username || username) + '" is ' + humanise(json.role || 'unknown').toLowerCase()
        + ', not service staff: this console is for service staff only. Owners use the carlink app.';
      error.hidden = false;
      return;
    }
    state.session = { token: json.token, expiresAt: json.expiresAt, username: json.username, role: json.role };
    saveSession(state.session);
    $('login-password').value = '';
    enterWorkspace();
  } finally {
    submit.disabled = false;
    submit.textContent = 'Sign in';
  }
}

function enterWorkspace() {
  $('login').hidden = true;
  $('login-error').hidden = true;
  $('workspace').hidden = false;
  $('who').hidden = false;
  $('stream-status').hidden = false;
  $('who-name').textContent = state.session.username + ' · ' + humanise(state.session.role).toLowerCase();
  clearTimeout(expiryTimer);
  const expires = parseTime(state.session.expiresAt);
  if (expires !== null) {
    // setTimeout overflows past 2^31 ms (about 24.8 days) and would fire at once
    expiryTimer = setTimeout(sessionExpired, Math.min(2147483000, Math.max(0, expires - Date.now())));
  }
  startTicking();
  connectStream();
  loadPanelIds().forEach((id) => openPanel(id, false));
  renderQueue();
  $('queue-list').focus();
}

function leaveWorkspace() {
  endStream();
  clearTimeout(expiryTimer);
  stopTicking();
  closeAllPanels();
  clearQueue();
}

/** The server turned the token down, or it ran out: back to the login, the username kept for convenience. */
export function sessionExpired() {
  if (!state.session) {
    return;
  }
  const name = state.session.username;
  leaveWorkspace();
  // only so that showLogin fills in the username; the session is over
  state.session = { username: name };
  forgetSession();
  hideBanner();
  showLogin('Session expired: please sign in again.');
  state.session = null;
}

/** Signing out also forgets the open panels: the next person at this screen starts with none. */
export function signOut() {
  leaveWorkspace();
  state.session = null;
  forgetSession();
  forgetPanelIds();
  hideBanner();
  showLogin('');
}

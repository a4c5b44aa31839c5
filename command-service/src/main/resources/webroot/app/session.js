/*
 * Signing in and out, and the session's end: when the token expires (a timer) or the server refuses it (a 401),
 * the app returns to the sign-in form saying so, stops every stream, and keeps the username for convenience.
 */
import { API, forgetSession, loadSession, saveSession } from './api.js';
import { hideBanner } from './banner.js';
import { $, humanise, parseTime } from './dom.js';
import { state } from './state.js';

let expiryTimer = null;
let onSignedIn = () => {};
let onSignedOut = () => {};

/** main.js says what starts and stops with a session. */
export function onSession(signedIn, signedOut) {
  onSignedIn = signedIn;
  onSignedOut = signedOut;
}

export function resumeOrSignIn() {
  state.session = loadSession();
  if (state.session) {
    started();
  } else {
    showLogin('');
  }
}

export function showLogin(message) {
  for (const id of ['cars', 'car']) {
    $(id).hidden = true;
  }
  $('logout-button').hidden = true;
  $('login').hidden = false;
  const error = $('login-error');
  error.textContent = message || '';
  error.hidden = !message;
  const user = $('login-username');
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
    let response;
    try {
      response = await fetch(API + '/auth/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ username, password }),
      });
    } catch (e) {
      error.textContent = 'Cannot reach carlink. Check your connection and try again.';
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
        ? 'Sign-in failed: wrong username or password.'
        : 'Sign-in failed: ' + (json.detail || json.title || 'HTTP ' + response.status) + '.';
      error.hidden = false;
      $('login-password').select();
      return;
    }
    if (json.role !== 'OWNER') {
      error.textContent = 'Account "' + (json.username || username) + '" is ' + humanise(json.role).toLowerCase()
        + ': this app is for car owners. Service staff use the console at /console/.';
      error.hidden = false;
      return;
    }
    state.session = { token: json.token, expiresAt: json.expiresAt, username: json.username, role: json.role };
    saveSession(state.session);
    $('login-password').value = '';
    started();
  } finally {
    submit.disabled = false;
    submit.textContent = 'Sign in';
  }
}

function started() {
  $('login').hidden = true;
  $('logout-button').hidden = false;
  clearTimeout(expiryTimer);
  const expires = parseTime(state.session.expiresAt);
  if (expires !== null) {
    // setTimeout overflows past 2^31 ms
    expiryTimer = setTimeout(sessionExpired, Math.min(2147483000, Math.max(0, expires - Date.now())));
  }
  onSignedIn();
}

function ended() {
  clearTimeout(expiryTimer);
  const name = state.session && state.session.username;
  state.session = null;
  forgetSession();
  hideBanner();
  onSignedOut();
  if (name && !$('login-username').value) {
    $('login-username').value = name;
  }
}

/** The server refused the token, or it ran out. */
export function sessionExpired() {
  if (!state.session) {
    return;
  }
  ended();
  showLogin('Your session has expired. Please sign in again.');
}

export function signOut() {
  ended();
  $('login-username').value = '';
  showLogin('');
}

/*
 * Signing in and out, the same flow in both apps: the sign-in form (#login with #login-form, #login-username,
 * #login-password, #login-submit and #login-error) and the sign-out button (#logout-button); a session saved so
 * that a reload keeps it; and its end when the token expires (a timer), the server refuses it (a 401) or a live
 * stream says its session ended (signed out on another device, or everywhere): back to the form saying so, the
 * username kept for convenience. Signing out ends the session on the server too, so the token is worthless after.
 * What differs between the apps is given to setUpSession().
 */
import { API } from '/common/api.js';
import { hideBanner } from '/common/banner.js';
import { $, parseTime } from '/common/dom.js';

/** Fires when the token expires, so an idle page returns to the sign-in form instead of failing at the next click. */
let expiryTimer = null;
/** What differs between the apps, as given to setUpSession(). */
let config = null;

/**
 * Wires the sign-in form and the sign-out button. options:
 * - state: the app's shared state; its session is { token, expiresAt, username, role } while signed in, else null
 * - storage, storageKey: where the session is saved (sessionStorage: per tab; localStorage: until it expires)
 * - serves(role): whether this app is for accounts of that role (others are turned away, saved or signing in)
 * - words: unreachable (text), wrongPassword(problem), refused({ username, role }), expired (text)
 * - signedIn(): what starts with a session; signedOut(how): what stops with it, how 'expired' or 'signed out'
 */
export function setUpSession(options) {
  config = options;
  $('login-form').addEventListener('submit', onLogin);
  $('logout-button').addEventListener('click', signOut);
}

/** Starts the session saved by an earlier page (a reload), or shows the sign-in form. */
export function resumeOrSignIn() {
  config.state.session = loadSession();
  if (config.state.session) {
    started();
  } else {
    showLogin('');
  }
}

function showLogin(message) {
  $('login').hidden = false;
  const error = $('login-error');
  error.textContent = message || '';
  error.hidden = !message;
  const user = $('login-username');
  (user.value ? $('login-password') : user).focus();
}

async function onLogin(event) {
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
      error.textContent = config.words.unreachable;
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
        ? config.words.wrongPassword(json)
        : 'Sign-in failed: ' + (json.detail || json.title || 'HTTP ' + response.status) + '.';
      error.hidden = false;
      $('login-password').select();
      return;
    }
    if (!config.serves(json.role)) {
      error.textContent = config.words.refused({ username: json.username || username, role: json.role });
      error.hidden = false;
      return;
    }
    config.state.session = { token: json.token, expiresAt: json.expiresAt, username: json.username, role: json.role };
    config.storage.setItem(config.storageKey, JSON.stringify(config.state.session));
    $('login-password').value = '';
    started();
  } finally {
    submit.disabled = false;
    submit.textContent = 'Sign in';
  }
}

function started() {
  $('login').hidden = true;
  $('login-error').hidden = true;
  clearTimeout(expiryTimer);
  const expires = parseTime(config.state.session.expiresAt);
  if (expires !== null) {
    // setTimeout overflows past 2^31 ms (about 24.8 days) and would fire at once
    expiryTimer = setTimeout(sessionExpired, Math.min(2147483000, Math.max(0, expires - Date.now())));
  }
  config.signedIn();
}

/** Ends the session and stops what it started; the username it had, for the form. */
function ended(how) {
  clearTimeout(expiryTimer);
  const name = config.state.session && config.state.session.username;
  config.state.session = null;
  config.storage.removeItem(config.storageKey);
  hideBanner();
  config.signedOut(how);
  return name;
}

/**
 * The server refused the token, or it ran out, or a stream said it ended (reason 'signed out' when it was signed
 * out elsewhere): back to the sign-in form, the username kept for convenience.
 */
export function sessionExpired(reason) {
  if (!config.state.session) {
    return;
  }
  const name = ended('expired');
  const user = $('login-username');
  if (name && !user.value) {
    user.value = name;
  }
  showLogin(reason === 'signed out'
    ? 'This session was signed out, here or on another device. Please sign in again.'
    : config.words.expired);
}

function signOut() {
  const token = config.state.session && config.state.session.token;
  ended('signed out');
  showLogin('');
  if (token) {
    // the server ends the session too, so a copy of the token is worthless from now on; keepalive lets the request
    // finish even if the page goes away, and a failure changes nothing here (the token still expires on its own)
    fetch(API + '/auth/logout', { method: 'POST', headers: { Authorization: 'Bearer ' + token }, keepalive: true })
      .catch(() => {});
  }
}

/** The saved session, if it is one this app serves and it has not expired. */
function loadSession() {
  try {
    const saved = JSON.parse(config.storage.getItem(config.storageKey));
    if (saved && saved.token && config.serves(saved.role)) {
      const expires = parseTime(saved.expiresAt);
      if (expires === null || expires > Date.now()) {
        return saved;
      }
    }
  } catch (e) {
    // an unreadable saved session is the same as none
  }
  config.storage.removeItem(config.storageKey);
  return null;
}

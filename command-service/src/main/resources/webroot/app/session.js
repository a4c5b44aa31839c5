/*
 * The app's side of signing in and out (/common/session.js): only owners may use it, and the session is kept in
 * localStorage (a phone app stays signed in until the token expires). On its end the app stops every stream and
 * hides the owner's cars; signing out also forgets the username, while an expired session keeps it.
 */
import { setUpSession } from '/common/session.js';
import { $, humanise } from './dom.js';
import { state } from './state.js';

export { resumeOrSignIn, sessionExpired } from '/common/session.js';

/** Wires the sign-in form and the sign-out button; main.js says what starts and stops with a session. */
export function setUpOwnerSession(signedIn, signedOut) {
  setUpSession({
    state,
    storage: localStorage,
    storageKey: 'carlink.app.session',
    serves: (role) => role === 'OWNER',
    words: {
      unreachable: 'Cannot reach carlink. Check your connection and try again.',
      wrongPassword: () => 'Sign-in failed: wrong username or password.',
      refused: (account) => 'Account "' + account.username + '" is ' + humanise(account.role).toLowerCase()
        + ': this app is for car owners. Service staff use the console at /console/.',
      expired: 'Your session has expired. Please sign in again.',
    },
    signedIn: () => {
      $('logout-button').hidden = false;
      signedIn();
    },
    signedOut: (how) => {
      signedOut();
      for (const id of ['cars', 'car', 'logout-button']) {
        $(id).hidden = true;
      }
      if (how === 'signed out') {
        $('login-username').value = '';
      }
    },
  });
}

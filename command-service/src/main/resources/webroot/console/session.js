/*
 * The console's side of signing in and out (/common/session.js): only service staff may use it, the session lives
 * in this tab, and the workspace (queue and panels) exists only while a staff session does. Leaving the workspace
 * stops everything it started, so nothing keeps polling or streaming with a token the server no longer accepts.
 */
import { setUpSession } from '/common/session.js';
import { forgetPanelIds, loadPanelIds } from './api.js';
import { $, humanise } from './dom.js';
import { closeAllPanels, openPanel } from './panel.js';
import { clearQueue, renderQueue } from './queue.js';
import { state } from './state.js';
import { connectStream, endStream } from './stream.js';
import { startTicking, stopTicking } from './tick.js';

export { resumeOrSignIn, sessionExpired } from '/common/session.js';

/** Roles this console serves; the API enforces the same, this only turns others away with a clear message. */
const STAFF_ROLES = new Set(['STAFF', 'ADMIN']);
/** What exists only while signed in. */
const WORKSPACE = ['workspace', 'who', 'stream-status'];

/** Wires the sign-in form and the sign-out button to the workspace. */
export function setUpStaffSession() {
  setUpSession({
    state,
    storage: sessionStorage,
    storageKey: 'carlink.console.session',
    serves: (role) => STAFF_ROLES.has(role),
    words: {
      unreachable: 'Cannot reach the server. Check the network connection and try again.',
      wrongPassword: (problem) => 'Sign-in failed: ' + (problem.detail || 'wrong username or password') + '.',
      refused: (account) => 'Account "' + account.username + '" is ' + humanise(account.role || 'unknown').toLowerCase()
        + ', not service staff: this console is for service staff only. Owners use the carlink app.',
      expired: 'Session expired: please sign in again.',
    },
    signedIn: enterWorkspace,
    signedOut: leaveWorkspace,
  });
}

function enterWorkspace() {
  for (const id of WORKSPACE) {
    $(id).hidden = false;
  }
  $('who-name').textContent = state.session.username + ' · ' + humanise(state.session.role).toLowerCase();
  startTicking();
  connectStream();
  loadPanelIds().forEach((id) => openPanel(id, false));
  renderQueue();
  $('queue-list').focus();
}

/** Signing out also forgets the open panels: the next person at this screen starts with none. */
function leaveWorkspace(how) {
  endStream();
  stopTicking();
  closeAllPanels();
  clearQueue();
  if (how === 'signed out') {
    forgetPanelIds();
  }
  for (const id of WORKSPACE) {
    $(id).hidden = true;
  }
}

/*
 * carlink staff console: the live queue of proactive service tasks and, side by side, the tasks being worked with
 * the car's whole picture. Plain DOM and native ES modules: no framework, no build step, nothing loaded from
 * elsewhere. Everything the server sends is shown with textContent (never parsed as HTML).
 *
 * This module only wires the others together. The modules below the panels (api, queue) cannot import what sits
 * above them without a cycle, so what they must trigger up there is handed to them here.
 */
import { hideBanner, showBanner } from '/common/banner.js';
import { whenUnauthorized } from './api.js';
import { $ } from './dom.js';
import { onKey } from './keyboard.js';
import { claimAndOpen, openPanel } from './panel.js';
import { setQueueActions } from './queue.js';
import { resumeOrSignIn, sessionExpired, setUpStaffSession } from './session.js';
import { state } from './state.js';
import { connectStream, streamConnected } from './stream.js';

whenUnauthorized(sessionExpired);
setQueueActions((id) => openPanel(id, true), claimAndOpen);
setUpStaffSession();

$('shortcuts-button').addEventListener('click', () => $('shortcuts').showModal());
$('banner-close').addEventListener('click', () => hideBanner());
document.addEventListener('keydown', onKey);
window.addEventListener('offline', () => showBanner('This computer is offline: the queue is not live until the network is back.', 'network'));
window.addEventListener('online', () => {
  hideBanner('network');
  if (state.session && !streamConnected()) {
    connectStream();
  }
});

resumeOrSignIn();

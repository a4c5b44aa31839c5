/*
 * The banner under the top bar: one message at a time about the whole app (the network, the session, the live
 * updates). A problem with one action is told next to that action instead.
 */
import { $ } from './dom.js';

/** What the banner shows now, so that a recovery clears only its own message and not a newer one. */
let shownKind = null;

export function showBanner(text, kind) {
  $('banner-text').textContent = text;
  $('banner').dataset.kind = kind || 'error';
  $('banner').hidden = false;
  shownKind = kind || 'error';
}

/** Hides the banner if it shows a message of this kind; without a kind, whatever it shows. */
export function hideBanner(kind) {
  if (!kind || shownKind === kind) {
    $('banner').hidden = true;
    shownKind = null;
  }
}

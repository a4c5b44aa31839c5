/*
 * The banner under the top bar (#banner, #banner-text): one message at a time about the whole page (the network,
 * the session, the live updates). A problem with one action or task is told where it happened instead.
 */
import { $ } from '/common/dom.js';

/** What the banner shows now, so that a recovery clears only its own message and not a newer one. */
let shownKind = null;

/** Shows a message; kind (network, stream, …) says what it is about, and is the banner's data-kind for styling. */
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

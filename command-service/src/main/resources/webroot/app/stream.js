/*
 * The live push from the backend: one server-sent-event stream for all the owner's cars (`state`, `command`,
 * `alert`, `presence`, each naming its car), never a poll of the car. One connection whatever the number of cars,
 * so a phone stays within the browser's few connections per server. The top bar says whether the stream is live,
 * because data that is quietly behind is worse than data that says so.
 */
import { hideBanner, showBanner } from '/common/banner.js';
import { sessionExpired } from '/common/session.js';
import { API } from './api.js';
import { $ } from './dom.js';
import { state } from './state.js';

const KINDS = ['state', 'command', 'alert', 'presence'];
/** { source, vins (the cars it was opened for), live, errors, opened } or null. */
let stream = null;
let retry = null;
let handlers = { state: () => {}, command: () => {}, alert: () => {}, presence: () => {}, reconnected: () => {} };

/** main.js hands over what to do with each kind of event. */
export function onStreamEvents(h) {
  handlers = Object.assign({}, handlers, h);
}

/** Opens the stream of the owner's cars, or opens it again when the list of cars changed; closes it when signed out. */
export function syncStreams() {
  if (!state.session) {
    closeAllStreams();
    return;
  }
  const vins = [...state.cars.keys()].sort().join(',');
  if (stream && stream.vins !== vins) {
    closeAllStreams(); // a car added or removed: the server fixes a stream's cars when it opens
  }
  if (!stream) {
    open(vins);
  }
  showLive();
}

function open(vins) {
  clearTimeout(retry);
  const source = new EventSource(API + '/vehicles/stream?access_token=' + encodeURIComponent(state.session.token));
  const entry = { source, vins, live: false, errors: 0, opened: 0 };
  stream = entry;
  source.addEventListener('open', () => {
    entry.live = true;
    entry.errors = 0;
    if (entry.opened++ > 0) {
      // events may have been missed while the stream was down: re-read what is shown
      handlers.reconnected();
    }
    hideBanner('stream');
    showLive();
  });
  for (const kind of KINDS) {
    source.addEventListener(kind, (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch (e) {
        console.warn('unreadable event on the stream', kind, e);
        return;
      }
      if (data && data.vin) {
        handlers[kind](data.vin, data);
      }
    });
  }
  // the server ends the stream with its session: signed out elsewhere, or expired
  source.addEventListener('session-ended', (event) => {
    source.close();
    if (stream === entry) {
      stream = null;
    }
    sessionExpired(parseReason(event));
  });
  source.addEventListener('error', () => {
    entry.live = false;
    showLive();
    if (source.readyState === EventSource.CLOSED) {
      // refused (an expired session): the next api() call tells which; retry later
      if (stream === entry) {
        stream = null;
      }
      retry = setTimeout(() => {
        if (state.session && !stream) {
          syncStreams();
        }
      }, 5000);
      return;
    }
    if (++entry.errors >= 2) {
      showBanner('Live updates interrupted: reconnecting… What you see may be behind until then.', 'stream');
    }
  });
}

function parseReason(event) {
  try {
    return JSON.parse(event.data).reason;
  } catch (e) {
    return undefined;
  }
}

function showLive() {
  const live = $('live');
  if (!state.session) {
    live.hidden = true;
    return;
  }
  const on = !!(stream && stream.live);
  live.hidden = false;
  live.dataset.state = on ? 'live' : 'down';
  live.textContent = on ? 'live' : 'not live';
  live.title = on ? 'Updates are pushed as the cars report them' : 'Updates are not arriving right now';
}

export function closeAllStreams() {
  clearTimeout(retry);
  if (stream) {
    stream.source.close();
    stream = null;
  }
  showLive();
}

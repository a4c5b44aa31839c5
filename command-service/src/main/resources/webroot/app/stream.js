/*
 * The live push from the backend: one server-sent-event stream per car (`state`, `command`, `alert`), never a
 * poll of the car. The top bar says whether the car on screen is live, because data that is quietly behind is
 * worse than data that says so. Browsers allow few connections per server, so at most MAX_STREAMS cars stream at
 * once; the car on screen always does.
 */
import { hideBanner, showBanner } from '/common/banner.js';
import { API } from './api.js';
import { $ } from './dom.js';
import { state } from './state.js';

const MAX_STREAMS = 3;
/** VIN -> { source, live, errors } */
const streams = new Map();
let handlers = { state: () => {}, command: () => {}, alert: () => {}, reconnected: () => {} };

/** main.js hands over what to do with each kind of event. */
export function onStreamEvents(h) {
  handlers = Object.assign({}, handlers, h);
}

/** Streams the car on screen and, up to the limit, the others; closes the rest. */
export function syncStreams() {
  if (!state.session) {
    closeAllStreams();
    return;
  }
  const wanted = [];
  if (state.vin) {
    wanted.push(state.vin);
  }
  for (const vin of state.cars.keys()) {
    if (wanted.length >= MAX_STREAMS) {
      break;
    }
    if (!wanted.includes(vin)) {
      wanted.push(vin);
    }
  }
  for (const [vin, s] of streams) {
    if (!wanted.includes(vin)) {
      s.source.close();
      streams.delete(vin);
    }
  }
  for (const vin of wanted) {
    if (!streams.has(vin)) {
      open(vin);
    }
  }
  showLive();
}

function open(vin) {
  const source = new EventSource(API + '/vehicles/' + encodeURIComponent(vin) + '/stream?access_token='
    + encodeURIComponent(state.session.token));
  const entry = { source, live: false, errors: 0, opened: 0 };
  streams.set(vin, entry);
  source.addEventListener('open', () => {
    entry.live = true;
    entry.errors = 0;
    if (entry.opened++ > 0) {
      // events may have been missed while the stream was down: re-read what is shown
      handlers.reconnected(vin);
    }
    hideBanner('stream');
    showLive();
  });
  for (const kind of ['state', 'command', 'alert']) {
    source.addEventListener(kind, (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch (e) {
        console.warn('unreadable event on the car stream', kind, e);
        return;
      }
      handlers[kind](vin, data);
    });
  }
  source.addEventListener('error', () => {
    entry.live = false;
    showLive();
    if (source.readyState === EventSource.CLOSED) {
      // refused (an expired session, a car no longer ours): the next api() call tells which; retry later
      streams.delete(vin);
      setTimeout(() => {
        if (state.session && !streams.has(vin)) {
          syncStreams();
        }
      }, 5000);
      return;
    }
    if (++entry.errors >= 2 && vin === state.vin) {
      showBanner('Live updates interrupted: reconnecting… What you see may be behind until then.', 'stream');
    }
  });
}

function showLive() {
  const live = $('live');
  if (!state.session || !state.vin) {
    live.hidden = true;
    return;
  }
  const s = streams.get(state.vin);
  const on = !!(s && s.live);
  live.hidden = false;
  live.dataset.state = on ? 'live' : 'down';
  live.textContent = on ? 'live' : 'not live';
  live.title = on ? 'Updates are pushed as the car reports them' : 'Updates are not arriving right now';
}

export function closeAllStreams() {
  for (const s of streams.values()) {
    s.source.close();
  }
  streams.clear();
  showLive();
}

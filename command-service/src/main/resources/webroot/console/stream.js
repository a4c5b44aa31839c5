/*
 * The live queue: server-sent events from /tasks/stream, a snapshot of the open tasks on every (re)connect and
 * then one event per committed change. The top bar says whether the queue is live, because a queue that is
 * quietly behind is worse than one that says so.
 */
import { hideBanner, showBanner } from '/common/banner.js';
import { sessionExpired } from '/common/session.js';
import { API, api, problemText } from './api.js';
import { $ } from './dom.js';
import { applySnapshot, applyTask } from './queue.js';
import { state } from './state.js';

let stream = null;
/** The next attempt after the stream was refused, and how many attempts failed in a row (for the backoff). */
let retryTimer = null;
let retries = 0;
/** Errors since the stream was last open: one blip is normal, the second is worth a banner. */
let errors = 0;
/** Snapshots taken this session: every one after the first follows a gap in which panels may have gone stale. */
let snapshots = 0;

/** Whether the browser holds a stream (open or reconnecting by itself). */
export function streamConnected() {
  return stream !== null;
}

function setStreamStatus(kind, text) {
  const status = $('stream-status');
  status.dataset.state = kind;
  status.textContent = text;
  status.title = kind === 'live' ? 'The queue is pushed live by the server' : 'The queue is not live right now';
}

export function closeStream() {
  clearTimeout(retryTimer);
  retryTimer = null;
  if (stream) {
    stream.close();
    stream = null;
  }
  setStreamStatus('off', 'offline');
}

/** Closes the stream at the end of a session: the next session's first snapshot is a first again. */
export function endStream() {
  closeStream();
  snapshots = 0;
}

export function connectStream() {
  closeStream();
  if (!state.session) {
    return;
  }
  setStreamStatus('connecting', 'connecting…');
  // EventSource cannot send headers: the token goes in the query, which the server accepts on stream paths only
  const source = new EventSource(API + '/tasks/stream?access_token=' + encodeURIComponent(state.session.token));
  stream = source;
  source.addEventListener('open', () => {
    if (source !== stream) {
      return;
    }
    retries = 0;
    errors = 0;
    setStreamStatus('live', 'live');
    hideBanner('stream');
  });
  source.addEventListener('snapshot', (event) => {
    const data = parseEvent(event);
    if (data) {
      snapshot(Array.isArray(data.tasks) ? data.tasks : []);
    }
  });
  source.addEventListener('task', (event) => {
    const task = parseEvent(event);
    if (task && task.id !== undefined) {
      applyTask(task, true);
    }
  });
  // the server ends the stream with its session: signed out elsewhere, or expired
  source.addEventListener('session-ended', (event) => {
    source.close();
    if (source === stream) {
      stream = null;
    }
    const data = parseEvent(event);
    sessionExpired(data ? data.reason : undefined);
  });
  source.addEventListener('error', () => onStreamError(source));
}

function snapshot(tasks) {
  applySnapshot(tasks, snapshots++ > 0);
}

function parseEvent(event) {
  try {
    return JSON.parse(event.data);
  } catch (e) {
    console.warn('unreadable event on the task stream', event.type, e);
    return null;
  }
}

function onStreamError(source) {
  if (source !== stream) {
    return;
  }
  if (source.readyState === EventSource.CONNECTING) {
    // the browser reconnects by itself and gets a fresh snapshot
    errors++;
    setStreamStatus('connecting', 'reconnecting…');
    if (errors >= 2) {
      showBanner('Live updates interrupted: reconnecting to the server… The queue may be behind until then.', 'stream');
    }
    return;
  }
  // closed for good (refused, not an event stream): find out why, keep the queue useful, try again later
  source.close();
  stream = null;
  setStreamStatus('down', 'not live');
  fallbackAndRetry();
}

async function fallbackAndRetry() {
  try {
    const list = await api('/tasks?limit=1000');
    snapshot(Array.isArray(list.tasks) ? list.tasks : []);
    showBanner('Live updates are unavailable; retrying. The queue was loaded once and may be behind.', 'stream');
  } catch (e) {
    if (e.status === 401 || !state.session) {
      return;
    }
    showBanner('Cannot load the task queue: ' + problemText(e) + '. Retrying.', 'stream');
  }
  const delay = Math.min(30000, 1000 * 2 ** Math.min(retries++, 5));
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => {
    if (state.session) {
      connectStream();
    }
  }, delay);
}

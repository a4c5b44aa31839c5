/*
 * carlink staff console: the live queue of proactive service tasks and, side by side, the tasks being worked with
 * the car's whole picture. Plain DOM, no framework, no build step, nothing loaded from elsewhere.
 *
 * Everything the server sends is shown with textContent (never parsed as HTML).
 */
(() => {
  'use strict';

  const API = '/api/v1';
  const SESSION_KEY = 'carlink.console.session';
  const PANELS_KEY = 'carlink.console.panels';
  const PRIORITY_RANK = { URGENT: 0, HIGH: 1, NORMAL: 2, LOW: 3 };
  const CLOSED = new Set(['RESOLVED', 'DISMISSED']);
  const STAFF_ROLES = new Set(['STAFF', 'ADMIN']);
  const CABIN = 'Vehicle.Cabin.HVAC.AmbientAirTemperature';
  const SOC = 'Vehicle.Powertrain.TractionBattery.StateOfCharge.Displayed';
  const CHART_WINDOW_MS = 6 * 3600 * 1000;
  /** Below this many buckets the chart uses raw samples: a car that just came online has only a few minutes. */
  const MIN_BUCKETS_FOR_SERIES = 30;
  const RAW_PAGE_LIMIT = 5000;
  const RAW_MAX_PAGES = 4;
  /** The car's picture is re-read from the API (never from the car) this often while a panel is open. */
  const PANEL_REFRESH_MS = 20000;
  const CHART_REFRESH_MS = 60000;
  const STALE_AFTER_S = 300;
  const NEW_HIGHLIGHT_MS = 2500;

  /** Common outcomes per task type, offered first; the free-text field covers the rest. */
  const OUTCOMES = {
    DRIVER_FATIGUE_CRITICAL: [
      'Driver stopped at a rest area',
      'Driver handed over the wheel',
      'Driver was already parked',
      'Driver declined to stop',
      'Could not reach the driver',
    ],
    HOT_CABIN_OCCUPIED: [
      'Occupant taken out of the car',
      'Owner at the car; cabin cooled',
      'Emergency services called',
      'False alarm: nobody in the car',
      'Could not reach the owner',
    ],
    STERILIZATION_ABORTED: [
      'Owner informed of the abort reason',
      'Cause fixed; owner will run it again',
      'Workshop visit booked',
      'Could not reach the owner',
    ],
    STERILIZATION_INTERRUPTED: [
      'Owner informed; car aired before use',
      'Car back online; cycle finished safely',
      'Could not reach the owner',
    ],
    REPEATED_COMMAND_FAILURES: [
      'Failure reason explained to the owner',
      'Fixed; commands work again',
      'Workshop visit or remote diagnosis booked',
      'Could not reach the owner',
    ],
    OWNER_RETRYING_FAILED_COMMAND: [
      'Failure reason explained to the owner',
      'Owner fixed the cause; command worked',
      'Workshop visit booked',
      'Could not reach the owner',
    ],
    SCHEDULE_NOT_RUN: [
      'Owner informed of the skip reason',
      'Schedule adjusted with the owner',
      'Owner reached; no action needed',
    ],
  };
  const GENERIC_OUTCOMES = ['Owner reached; no action needed', 'False alarm', 'Duplicate of another task'];
  const OTHER = '__other';

  const state = {
    session: null,
    tasks: new Map(),
    order: [],
    selectedId: null,
    panels: new Map(),
    stream: null,
    streamTimer: null,
    streamRetries: 0,
    streamErrors: 0,
    snapshots: 0,
    newIds: new Set(),
    expiryTimer: null,
    tickTimer: null,
    lastPanel: null,
    bannerKind: null,
  };

  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------- DOM and formatting helpers

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [key, value] of Object.entries(attrs)) {
        if (value === null || value === undefined || value === false) {
          continue;
        }
        if (key === 'class') {
          node.className = value;
        } else if (key === 'text') {
          node.textContent = value;
        } else if (key.startsWith('on') && typeof value === 'function') {
          node.addEventListener(key.slice(2), value);
        } else {
          node.setAttribute(key, value === true ? '' : String(value));
        }
      }
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined && child !== false) {
        node.append(child instanceof Node ? child : String(child));
      }
    }
    return node;
  }

  const SVG_NS = 'http://www.w3.org/2000/svg';

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined) {
        node.setAttribute(key, String(value));
      }
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined) {
        node.append(child instanceof Node ? child : String(child));
      }
    }
    return node;
  }

  function humanise(constant) {
    if (!constant) {
      return '';
    }
    const words = String(constant).toLowerCase().replace(/_/g, ' ');
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  function titleOf(task) {
    return (task && task.title) || humanise(task && task.type) || 'Task ' + (task && task.id);
  }

  function pad(n) {
    return String(n).padStart(2, '0');
  }

  function parseTime(iso) {
    const ms = Date.parse(iso);
    return Number.isNaN(ms) ? null : ms;
  }

  const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  const shortTimeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const dateTimeFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

  /** 14:02:11 today, 3 Mar 14:02 otherwise. */
  function when(iso) {
    const ms = typeof iso === 'number' ? iso : parseTime(iso);
    if (ms === null) {
      return '—';
    }
    const date = new Date(ms);
    return date.toDateString() === new Date().toDateString() ? timeFormat.format(date) : dateTimeFormat.format(date);
  }

  function fullTime(iso) {
    const ms = parseTime(iso);
    return ms === null ? '' : new Date(ms).toString();
  }

  /** 00:00 style countdown; hours are added for long SLAs. */
  function clockText(totalSeconds) {
    const h = Math.floor(totalSeconds / 3600);
    const m = Math.floor((totalSeconds % 3600) / 60);
    const s = totalSeconds % 60;
    return h > 0 ? h + ':' + pad(m) + ':' + pad(s) : pad(m) + ':' + pad(s);
  }

  function ageText(seconds) {
    const s = Math.max(0, Math.round(seconds));
    if (s < 90) {
      return s + ' s';
    }
    if (s < 90 * 60) {
      return Math.round(s / 60) + ' min';
    }
    if (s < 48 * 3600) {
      return Math.round(s / 3600) + ' h';
    }
    return Math.round(s / 86400) + ' d';
  }

  function number(value, digits) {
    return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : null;
  }

  // ---------------------------------------------------------------- banner

  function showBanner(text, kind) {
    $('banner-text').textContent = text;
    $('banner').dataset.kind = kind === 'info' ? 'info' : 'error';
    $('banner').hidden = false;
    state.bannerKind = kind;
  }

  function hideBanner(kind) {
    if (!kind || state.bannerKind === kind) {
      $('banner').hidden = true;
      state.bannerKind = null;
    }
  }

  // ---------------------------------------------------------------- API

  class ApiError extends Error {
    constructor(status, problem) {
      super((problem && (problem.detail || problem.title)) || 'HTTP ' + status);
      this.status = status;
      this.problem = problem || {};
    }
  }

  /** What went wrong, in words: the problem's detail, with the conflict spelled out. */
  function problemText(error) {
    if (!(error instanceof ApiError)) {
      return String((error && error.message) || error);
    }
    if (error.status === 0) {
      return 'cannot reach the server; check the network and try again';
    }
    const detail = error.problem.detail || error.message;
    if (error.status === 409) {
      return 'conflict (409): ' + detail;
    }
    const title = error.problem.title || 'error';
    return title.toLowerCase() + ' (' + error.status + '): ' + detail;
  }

  async function api(path, options) {
    const opts = options || {};
    const headers = { Accept: 'application/json' };
    if (state.session) {
      headers.Authorization = 'Bearer ' + state.session.token;
    }
    let body;
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    let response;
    try {
      response = await fetch(API + path, { method: opts.method || 'GET', headers, body, cache: 'no-store' });
    } catch (e) {
      showBanner('Cannot reach the server. Check the network connection; the console keeps retrying.', 'network');
      throw new ApiError(0, { title: 'Network error', detail: 'cannot reach the server' });
    }
    hideBanner('network');
    const text = await response.text();
    let json = null;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch (e) {
        json = null;
      }
    }
    if (response.status === 401 && state.session) {
      sessionExpired();
      throw new ApiError(401, json);
    }
    if (!response.ok) {
      throw new ApiError(response.status, json || { title: response.statusText, detail: text.slice(0, 300) });
    }
    return json || {};
  }

  // ---------------------------------------------------------------- session and login

  function loadSession() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(SESSION_KEY));
      if (saved && saved.token && STAFF_ROLES.has(saved.role)) {
        const expires = parseTime(saved.expiresAt);
        if (expires === null || expires > Date.now()) {
          return saved;
        }
      }
    } catch (e) {
      // an unreadable saved session is the same as none
    }
    sessionStorage.removeItem(SESSION_KEY);
    return null;
  }

  function showLogin(message) {
    $('workspace').hidden = true;
    $('who').hidden = true;
    $('stream-status').hidden = true;
    $('login').hidden = false;
    const error = $('login-error');
    error.textContent = message || '';
    error.hidden = !message;
    const user = $('login-username');
    if (state.session && state.session.username && !user.value) {
      user.value = state.session.username;
    }
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
      let response;
      try {
        response = await fetch(API + '/auth/login', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify({ username, password }),
        });
      } catch (e) {
        error.textContent = 'Cannot reach the server. Check the network connection and try again.';
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
          ? 'Sign-in failed: ' + (json.detail || 'wrong username or password') + '.'
          : 'Sign-in failed: ' + (json.detail || json.title || 'HTTP ' + response.status) + '.';
        error.hidden = false;
        $('login-password').select();
        return;
      }
      if (!STAFF_ROLES.has(json.role)) {
        error.textContent = 'Account "' + (json.username || username) + '" is ' + humanise(json.role || 'unknown').toLowerCase()
          + ', not service staff: this console is for service staff only. Owners use the carlink app.';
        error.hidden = false;
        return;
      }
      state.session = { token: json.token, expiresAt: json.expiresAt, username: json.username, role: json.role };
      sessionStorage.setItem(SESSION_KEY, JSON.stringify(state.session));
      $('login-password').value = '';
      enterWorkspace();
    } finally {
      submit.disabled = false;
      submit.textContent = 'Sign in';
    }
  }

  function enterWorkspace() {
    $('login').hidden = true;
    $('login-error').hidden = true;
    $('workspace').hidden = false;
    $('who').hidden = false;
    $('stream-status').hidden = false;
    $('who-name').textContent = state.session.username + ' · ' + humanise(state.session.role).toLowerCase();
    clearTimeout(state.expiryTimer);
    const expires = parseTime(state.session.expiresAt);
    if (expires !== null) {
      state.expiryTimer = setTimeout(sessionExpired, Math.min(2147483000, Math.max(0, expires - Date.now())));
    }
    if (!state.tickTimer) {
      state.tickTimer = setInterval(tick, 1000);
    }
    connectStream();
    let saved = [];
    try {
      saved = JSON.parse(sessionStorage.getItem(PANELS_KEY)) || [];
    } catch (e) {
      saved = [];
    }
    saved.filter((id) => Number.isFinite(id)).forEach((id) => openPanel(id, false));
    renderQueue();
    $('queue-list').focus();
  }

  function leaveWorkspace() {
    closeStream();
    clearTimeout(state.expiryTimer);
    clearInterval(state.tickTimer);
    state.tickTimer = null;
    for (const panel of [...state.panels.values()]) {
      panel.destroy();
    }
    state.panels.clear();
    state.tasks.clear();
    state.selectedId = null;
    state.snapshots = 0;
    renderQueue();
  }

  function sessionExpired() {
    if (!state.session) {
      return;
    }
    const name = state.session.username;
    leaveWorkspace();
    state.session = { username: name };
    sessionStorage.removeItem(SESSION_KEY);
    hideBanner();
    showLogin('Session expired: please sign in again.');
    state.session = null;
  }

  function signOut() {
    leaveWorkspace();
    state.session = null;
    sessionStorage.removeItem(SESSION_KEY);
    sessionStorage.removeItem(PANELS_KEY);
    hideBanner();
    showLogin('');
  }

  // ---------------------------------------------------------------- the live queue (server-sent events)

  function setStreamStatus(kind, text) {
    const status = $('stream-status');
    status.dataset.state = kind;
    status.textContent = text;
    status.title = kind === 'live' ? 'The queue is pushed live by the server' : 'The queue is not live right now';
  }

  function closeStream() {
    clearTimeout(state.streamTimer);
    state.streamTimer = null;
    if (state.stream) {
      state.stream.close();
      state.stream = null;
    }
    setStreamStatus('off', 'offline');
  }

  function connectStream() {
    closeStream();
    if (!state.session) {
      return;
    }
    setStreamStatus('connecting', 'connecting…');
    const source = new EventSource(API + '/tasks/stream?access_token=' + encodeURIComponent(state.session.token));
    state.stream = source;
    source.addEventListener('open', () => {
      if (source !== state.stream) {
        return;
      }
      state.streamRetries = 0;
      state.streamErrors = 0;
      setStreamStatus('live', 'live');
      hideBanner('stream');
    });
    source.addEventListener('snapshot', (event) => {
      const data = parseEvent(event);
      if (data) {
        applySnapshot(Array.isArray(data.tasks) ? data.tasks : []);
      }
    });
    source.addEventListener('task', (event) => {
      const task = parseEvent(event);
      if (task && task.id !== undefined) {
        applyTask(task, true);
      }
    });
    source.addEventListener('error', () => onStreamError(source));
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
    if (source !== state.stream) {
      return;
    }
    if (source.readyState === EventSource.CONNECTING) {
      // the browser reconnects by itself and gets a fresh snapshot
      state.streamErrors++;
      setStreamStatus('connecting', 'reconnecting…');
      if (state.streamErrors >= 2) {
        showBanner('Live updates interrupted: reconnecting to the server… The queue may be behind until then.', 'stream');
      }
      return;
    }
    // closed for good (refused, not an event stream): find out why, keep the queue useful, try again later
    source.close();
    state.stream = null;
    setStreamStatus('down', 'not live');
    fallbackAndRetry();
  }

  async function fallbackAndRetry() {
    try {
      const list = await api('/tasks?limit=1000');
      applySnapshot(Array.isArray(list.tasks) ? list.tasks : []);
      showBanner('Live updates are unavailable; retrying. The queue was loaded once and may be behind.', 'stream');
    } catch (e) {
      if (e.status === 401 || !state.session) {
        return;
      }
      showBanner('Cannot load the task queue: ' + problemText(e) + '. Retrying.', 'stream');
    }
    const delay = Math.min(30000, 1000 * 2 ** Math.min(state.streamRetries++, 5));
    clearTimeout(state.streamTimer);
    state.streamTimer = setTimeout(() => {
      if (state.session) {
        connectStream();
      }
    }, delay);
  }

  function applySnapshot(tasks) {
    const first = state.snapshots++ === 0;
    state.tasks.clear();
    for (const task of tasks) {
      if (task && task.id !== undefined && !CLOSED.has(task.status)) {
        state.tasks.set(task.id, task);
      }
    }
    renderQueue();
    if (!first) {
      // after a reconnect, anything may have changed meanwhile
      for (const panel of state.panels.values()) {
        const fresh = state.tasks.get(panel.id);
        if (!fresh || !panel.task || fresh.updatedAt !== panel.task.updatedAt) {
          panel.refreshTask();
        }
      }
    }
  }

  /** A task changed (pushed, or answered to one of our actions). */
  function applyTask(task, pushed) {
    const known = state.tasks.has(task.id);
    if (CLOSED.has(task.status)) {
      state.tasks.delete(task.id);
    } else {
      state.tasks.set(task.id, Object.assign({}, state.tasks.get(task.id), task));
      if (!known && pushed) {
        state.newIds.add(task.id);
        setTimeout(() => state.newIds.delete(task.id), NEW_HIGHLIGHT_MS);
      }
    }
    renderQueue();
    const panel = state.panels.get(task.id);
    if (panel && pushed) {
      panel.applyTask(task);
      panel.refreshTask();
    }
  }

  function compareTasks(a, b) {
    const rank = (t) => (t.priority in PRIORITY_RANK ? PRIORITY_RANK[t.priority] : 9);
    const due = (t) => {
      const ms = parseTime(t.slaDueAt);
      return ms === null ? Number.MAX_SAFE_INTEGER : ms;
    };
    return rank(a) - rank(b) || due(a) - due(b) || Number(a.id) - Number(b.id);
  }

  function renderQueue() {
    const list = $('queue-list');
    const tasks = [...state.tasks.values()].sort(compareTasks);
    const active = document.activeElement;
    const focusedRow = active && active.closest ? active.closest('.task-row') : null;
    const focusedId = focusedRow ? Number(focusedRow.dataset.taskId) : null;
    const focusedRole = focusedRow && active.dataset ? active.dataset.role : null;

    if (state.selectedId !== null && !state.tasks.has(state.selectedId)) {
      // keep the selection where it was: the task that took the place of the one that left
      const previousIndex = state.order.indexOf(state.selectedId);
      const next = tasks[Math.min(Math.max(previousIndex, 0), tasks.length - 1)];
      state.selectedId = next ? next.id : null;
    }
    if (state.selectedId === null && tasks.length > 0) {
      state.selectedId = tasks[0].id;
    }
    state.order = tasks.map((t) => t.id);
    list.replaceChildren(...tasks.map(queueRow));

    $('queue-count').textContent = String(tasks.length);
    $('queue-empty').hidden = tasks.length > 0;
    document.title = (tasks.length ? '(' + tasks.length + ') ' : '') + 'carlink service console';
    if (focusedId !== null) {
      const row = rowElement(focusedId) || rowElement(state.selectedId);
      const target = row && (row.querySelector('[data-role="' + (focusedRole || 'open') + '"]:not(:disabled)')
        || row.querySelector('[data-role="open"]'));
      if (target) {
        target.focus({ preventScroll: true });
      } else {
        list.focus({ preventScroll: true });
      }
    }
    tick();
  }

  function rowElement(id) {
    return id === null ? null : $('queue-list').querySelector('.task-row[data-task-id="' + id + '"]');
  }

  function queueRow(task) {
    const selected = task.id === state.selectedId;
    const mine = state.session && task.assignee === state.session.username;
    const classes = ['task-row'];
    if (state.panels.has(task.id)) {
      classes.push('is-open');
    }
    if (state.newIds.has(task.id)) {
      classes.push('is-new');
    }
    const title = titleOf(task);
    const row = el('li', {
      class: classes.join(' '),
      'data-testid': 'queue-row',
      'data-task-id': task.id,
      'data-status': task.status,
      'data-priority': task.priority,
      'aria-current': String(selected),
    },
      el('div', { class: 'row-line' },
        el('span', { class: 'badge priority', 'data-value': task.priority, 'data-testid': 'row-priority', text: task.priority || '?' }),
        el('button', {
          type: 'button',
          class: 'row-title',
          'data-role': 'open',
          'data-testid': 'row-open',
          title: title + ' (Enter opens it)',
          'aria-label': 'Open task ' + task.id + ': ' + title + ', ' + (task.priority || '') + ', car ' + task.vin,
          onclick: () => {
            select(task.id, false);
            openPanel(task.id, true);
          },
        }, title)),
      el('p', { class: 'row-meta' },
        el('span', { class: 'vin', 'data-testid': 'row-vin', text: task.vin || '' }),
        el('span', { 'data-testid': 'row-status', text: humanise(task.status) }),
        el('span', { 'data-testid': 'row-assignee', text: task.assignee ? (mine ? 'you' : task.assignee) : 'unassigned' }),
        el('span', { 'data-testid': 'row-occurrences', title: 'occurrences', text: '×' + (task.occurrences || 1) })),
      el('div', { class: 'row-foot' },
        el('span', { class: 'sla', 'data-sla-due': task.slaDueAt || '', 'data-testid': 'row-sla', title: 'SLA due ' + when(task.slaDueAt) }),
        task.escalated ? el('span', { class: 'badge escalated', 'data-testid': 'row-escalated', text: 'escalated' }) : null,
        el('span', { class: 'spacer' }),
        el('button', {
          type: 'button',
          'data-role': 'claim',
          'data-testid': 'row-claim',
          disabled: task.status !== 'OPEN',
          'aria-label': 'Claim task ' + task.id + ': ' + title,
          title: task.status === 'OPEN' ? 'Claim and open (c)' : 'Already ' + humanise(task.status).toLowerCase(),
          onclick: () => {
            select(task.id, false);
            claimAndOpen(task.id);
          },
        }, task.status === 'OPEN' ? 'Claim' : mine ? 'Yours' : 'Claimed')));
    row.addEventListener('click', (event) => {
      if (!event.target.closest('button')) {
        select(task.id, true);
      }
    });
    return row;
  }

  function select(id, focus) {
    state.selectedId = id;
    for (const row of $('queue-list').querySelectorAll('.task-row')) {
      row.setAttribute('aria-current', String(Number(row.dataset.taskId) === id));
    }
    const row = rowElement(id);
    if (row) {
      row.scrollIntoView({ block: 'nearest' });
      if (focus) {
        row.querySelector('[data-role="open"]').focus({ preventScroll: true });
      }
    }
  }

  function moveSelection(step) {
    if (state.order.length === 0) {
      return;
    }
    const index = state.order.indexOf(state.selectedId);
    const next = index < 0 ? 0 : Math.min(state.order.length - 1, Math.max(0, index + step));
    select(state.order[next], true);
  }

  async function claimAndOpen(id) {
    const panel = openPanel(id, true);
    await panel.ready;
    panel.claim();
  }

  // ---------------------------------------------------------------- every second: SLA countdowns and data ages

  function tick() {
    const now = Date.now();
    for (const node of document.querySelectorAll('[data-sla-due]')) {
      const closed = node.dataset.closed === 'true';
      const due = parseTime(node.dataset.slaDue);
      node.classList.remove('overdue', 'soon');
      if (closed) {
        node.textContent = 'closed';
        continue;
      }
      if (due === null) {
        node.textContent = '—';
        continue;
      }
      const left = due - now;
      const seconds = Math.floor(Math.abs(left) / 1000);
      if (left < 0) {
        node.textContent = 'overdue ' + clockText(seconds);
        node.classList.add('overdue');
      } else {
        node.textContent = clockText(seconds);
        if (left < 120000) {
          node.classList.add('soon');
        }
      }
    }
    for (const panel of state.panels.values()) {
      panel.tickAge();
    }
  }

  // ---------------------------------------------------------------- task panels

  function savePanels() {
    sessionStorage.setItem(PANELS_KEY, JSON.stringify([...state.panels.keys()]));
  }

  function openPanel(id, focus) {
    let panel = state.panels.get(id);
    if (!panel) {
      panel = new TaskPanel(id);
      state.panels.set(id, panel);
      $('panels').append(panel.root);
      $('panels-empty').hidden = true;
      savePanels();
      renderQueue();
    }
    if (focus) {
      panel.root.scrollIntoView({ inline: 'nearest', block: 'nearest' });
      panel.root.focus({ preventScroll: true });
    }
    return panel;
  }

  function closePanel(panel) {
    const ids = [...state.panels.keys()];
    const index = ids.indexOf(panel.id);
    panel.destroy();
    state.panels.delete(panel.id);
    if (state.lastPanel === panel) {
      state.lastPanel = null;
    }
    savePanels();
    $('panels-empty').hidden = state.panels.size > 0;
    renderQueue();
    const rest = [...state.panels.values()];
    const neighbour = rest[Math.min(index, rest.length - 1)];
    if (neighbour) {
      neighbour.root.focus();
    } else {
      const row = rowElement(state.selectedId);
      (row ? row.querySelector('[data-role="open"]') : $('queue-list')).focus();
    }
  }

  let panelSerial = 0;

  class TaskPanel {
    constructor(id) {
      this.id = id;
      this.task = state.tasks.get(id) || null;
      this.vin = this.task ? this.task.vin : null;
      this.vehicleState = null;
      this.chartPoints = null;
      this.timers = [];
      this.taskLoading = null;
      this.taskDirty = false;
      this.busy = false;

      const root = $('panel-template').content.firstElementChild.cloneNode(true);
      this.root = root;
      root.dataset.taskId = String(id);
      const serial = ++panelSerial;
      const titleId = 'panel-' + serial + '-title';
      this.field('title').id = titleId;
      root.setAttribute('aria-labelledby', titleId);
      for (const label of root.querySelectorAll('[data-label]')) {
        const input = root.querySelector('[data-input="' + label.dataset.label + '"]');
        input.id = 'panel-' + serial + '-' + label.dataset.label;
        label.htmlFor = input.id;
      }
      this.button('close').setAttribute('aria-label', 'Close task ' + id + ' (Esc)');
      this.button('close').addEventListener('click', () => closePanel(this));
      this.button('claim').addEventListener('click', () => this.claim());
      this.button('start').addEventListener('click', () => this.start());
      this.button('refresh').addEventListener('click', () => this.refreshAll());
      this.button('resolve').addEventListener('click', () => this.close('resolve'));
      this.button('dismiss').addEventListener('click', () => this.close('dismiss'));
      root.querySelector('[data-form="close"]').addEventListener('submit', (event) => event.preventDefault());
      const noteForm = root.querySelector('[data-form="note"]');
      noteForm.addEventListener('submit', (event) => {
        event.preventDefault();
        this.addNote();
      });
      this.input('note').addEventListener('keydown', (event) => {
        if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          this.addNote();
        }
      });
      this.input('outcome-choice').addEventListener('change', () => {
        if (this.input('outcome-choice').value === OTHER) {
          this.input('outcome-text').focus();
        }
      });
      root.addEventListener('focusin', () => {
        state.lastPanel = this;
      });
      this.field('chart').dataset.testid = 'chart';
      this.field('chart').dataset.pointsTemp = '0';
      this.field('chart').dataset.pointsSoc = '0';
      this.chartWidth = 0;
      this.resize = new ResizeObserver(() => {
        const width = Math.floor(this.field('chart').clientWidth);
        if (width !== this.chartWidth) {
          this.chartWidth = width;
          this.redrawChart();
        }
      });
      this.resize.observe(this.field('chart'));

      this.fillOutcomes(this.task ? this.task.type : null);
      if (this.task) {
        this.applyTask(this.task);
      } else {
        this.field('title').textContent = 'Task ' + id;
        this.field('notice').textContent = 'Loading…';
      }
      if (this.vin) {
        this.loadCar();
      }
      // loadTask loads the car itself when it learns the VIN only now
      this.ready = this.loadTask();
      this.timers.push(setInterval(() => {
        if (!document.hidden && this.vin) {
          this.loadVehicle();
          this.loadState();
          this.loadCommands();
          this.loadEvents();
        }
      }, PANEL_REFRESH_MS));
      this.timers.push(setInterval(() => {
        if (!document.hidden && this.vin) {
          this.loadChart();
        }
      }, CHART_REFRESH_MS));
    }

    field(name) {
      return this.root.querySelector('[data-field="' + name + '"]');
    }

    button(action) {
      return this.root.querySelector('[data-action="' + action + '"]');
    }

    input(name) {
      return this.root.querySelector('[data-input="' + name + '"]');
    }

    destroy() {
      this.timers.forEach(clearInterval);
      this.resize.disconnect();
      this.root.remove();
    }

    fillOutcomes(type) {
      const select = this.input('outcome-choice');
      if (select.dataset.type === String(type)) {
        return;
      }
      const previous = select.value;
      select.dataset.type = String(type);
      const specific = OUTCOMES[type] || [];
      select.replaceChildren(
        el('option', { value: '' }, 'Choose an outcome…'),
        specific.length ? el('optgroup', { label: humanise(type) }, specific.map((o) => el('option', { value: o }, o))) : null,
        el('optgroup', { label: 'Any task' }, GENERIC_OUTCOMES.map((o) => el('option', { value: o }, o))),
        el('option', { value: OTHER }, 'Other (describe it below)'));
      select.value = previous;
      if (select.value !== previous) {
        select.value = '';
      }
    }

    // ------------------------------------------------ the task

    refreshTask() {
      if (this.taskLoading) {
        this.taskDirty = true;
        return this.taskLoading;
      }
      this.taskLoading = (async () => {
        do {
          this.taskDirty = false;
          await this.loadTask();
        } while (this.taskDirty);
      })().finally(() => {
        this.taskLoading = null;
      });
      return this.taskLoading;
    }

    async loadTask() {
      try {
        const task = await api('/tasks/' + this.id);
        const hadVin = this.vin;
        this.applyTask(task);
        if (!hadVin && this.vin) {
          this.loadCar();
        }
        if (this.field('notice').textContent === 'Loading…') {
          this.field('notice').textContent = '';
        }
      } catch (e) {
        if (e.status !== 401) {
          this.showError('Could not load the task: ' + problemText(e));
        }
      }
    }

    applyTask(update) {
      const task = Object.assign({}, this.task, update);
      this.task = task;
      this.vin = task.vin || this.vin;
      const me = state.session ? state.session.username : null;
      const closed = CLOSED.has(task.status);

      const priority = this.field('priority');
      priority.textContent = task.priority || '?';
      priority.dataset.value = task.priority || '';
      this.field('title').textContent = titleOf(task);
      this.field('type').textContent = humanise(task.type) + ' · task ' + task.id;
      this.field('vin').textContent = task.vin || '';
      const status = this.field('status');
      status.textContent = humanise(task.status);
      status.dataset.value = task.status || '';
      this.root.dataset.status = task.status || '';
      this.field('assignee').textContent = task.assignee ? (task.assignee === me ? task.assignee + ' (you)' : task.assignee) : 'unassigned';
      this.field('occurrences').textContent = '×' + (task.occurrences || 1);
      const sla = this.field('sla');
      sla.dataset.slaDue = task.slaDueAt || '';
      sla.dataset.closed = String(closed);
      sla.title = 'SLA due ' + when(task.slaDueAt);
      this.field('escalated').hidden = !task.escalated;
      if (task.escalatedAt) {
        this.field('escalated').title = 'escalated at ' + when(task.escalatedAt);
      }
      this.field('playbook').textContent = task.playbook || 'No playbook for this kind of task: use your judgement and record what you did.';
      this.fillOutcomes(task.type);

      this.button('claim').disabled = this.busy || task.status !== 'OPEN';
      this.button('start').disabled = this.busy || !(task.status === 'CLAIMED' && task.assignee === me);
      this.button('resolve').disabled = this.busy || closed;
      this.button('dismiss').disabled = this.busy || closed;
      this.button('start').title = task.status === 'CLAIMED' && task.assignee !== me ? 'claimed by ' + task.assignee : 'Start working on it (claimed -> in progress)';
      this.field('outcome-row').hidden = !task.outcome;
      this.field('outcome').textContent = task.outcome || '';

      if (task.owner !== undefined) {
        this.renderOwner(task.owner);
      }
      if (Array.isArray(task.timeline)) {
        this.renderTimeline(task.timeline);
      }
      if (Array.isArray(task.previousTasks)) {
        this.renderPrevious(task.previousTasks);
      }
      tick();
    }

    renderOwner(owner) {
      const box = this.field('owner');
      if (!owner) {
        box.replaceChildren(el('p', { class: 'muted' }, 'No owner on record for this car.'));
        return;
      }
      const lines = [el('span', { class: 'name', 'data-testid': 'owner-name' }, owner.displayName || owner.username || 'unknown')];
      if (owner.username && owner.displayName) {
        lines.push(el('span', { class: 'muted' }, ' (' + owner.username + ')'));
      }
      lines.push(el('br'));
      lines.push(owner.phone
        ? el('a', { href: 'tel:' + owner.phone.replace(/[^+\d]/g, ''), 'data-testid': 'owner-phone' }, owner.phone)
        : el('span', { class: 'muted', 'data-testid': 'owner-phone' }, 'no phone number on record'));
      lines.push(el('br'));
      lines.push(owner.email
        ? el('a', { href: 'mailto:' + owner.email, 'data-testid': 'owner-email' }, owner.email)
        : el('span', { class: 'muted', 'data-testid': 'owner-email' }, 'no e-mail on record'));
      box.replaceChildren(el('p', { class: 'contact' }, lines));
    }

    renderTimeline(entries) {
      const list = this.field('timeline');
      const sorted = [...entries].sort((a, b) => (parseTime(a.at) || 0) - (parseTime(b.at) || 0));
      if (sorted.length === 0) {
        list.replaceChildren(el('li', { class: 'muted' }, 'Nothing yet.'));
        return;
      }
      list.replaceChildren(...sorted.map((entry) => el('li', { 'data-testid': 'timeline-entry', 'data-kind': entry.kind || '' },
        el('span', { class: 'when', title: fullTime(entry.at) }, when(entry.at)),
        el('span', { class: 'kind' }, humanise(entry.kind)),
        el('span', { class: 'muted' }, entry.author || ''),
        el('span', { class: 'text' }, entry.text || ''))));
    }

    renderPrevious(tasks) {
      const list = this.field('previous');
      if (tasks.length === 0) {
        list.replaceChildren(el('li', { class: 'muted' }, 'No earlier tasks for this car.'));
        return;
      }
      list.replaceChildren(...tasks.map((t) => el('li', { 'data-testid': 'previous-task' },
        el('button', {
          type: 'button',
          class: 'ghost',
          title: 'Open task ' + t.id + ' in a panel',
          onclick: () => openPanel(t.id, true),
        }, when(t.createdAt) + ' · ' + titleOf(t)),
        el('span', { class: 'badge status', 'data-value': t.status }, humanise(t.status)),
        t.outcome ? el('span', { class: 'text' }, t.outcome) : null)));
    }

    // ------------------------------------------------ actions

    showError(text) {
      const error = this.field('error');
      error.textContent = text;
      error.hidden = false;
      this.field('notice').textContent = '';
    }

    showNotice(text) {
      this.field('error').hidden = true;
      this.field('notice').textContent = text;
    }

    setBusy(busy) {
      this.busy = busy;
      for (const name of ['claim', 'start', 'resolve', 'dismiss']) {
        if (busy) {
          this.button(name).disabled = true;
        }
      }
      this.root.querySelector('[data-testid="note-submit"]').disabled = busy;
      if (!busy && this.task) {
        this.applyTask({});
      }
    }

    async act(label, path, body, done) {
      if (this.busy) {
        return false;
      }
      this.field('error').hidden = true;
      this.field('notice').textContent = label + '…';
      this.setBusy(true);
      try {
        const task = await api('/tasks/' + this.id + '/' + path, { method: 'POST', body });
        if (task && task.id !== undefined) {
          applyTask(task, false);
          this.applyTask(task);
        }
        this.showNotice(CLOSED.has(this.task.status) ? done + ' Close this panel with Esc.' : done);
        this.busy = false;
        await this.refreshTask();
        return true;
      } catch (e) {
        if (e.status !== 401) {
          this.showError(label + ' failed: ' + problemText(e));
          if (e.status === 409) {
            this.refreshTask();
          }
        }
        return false;
      } finally {
        this.setBusy(false);
      }
    }

    claim() {
      return this.act('Claim', 'claim', undefined, 'Claimed: the task is yours.');
    }

    start() {
      return this.act('Start', 'start', undefined, 'Started: the task is in progress.');
    }

    async addNote() {
      const text = this.input('note').value.trim();
      if (!text) {
        this.showError('Write the note first.');
        this.input('note').focus();
        return;
      }
      const ok = await this.act('Adding the note', 'notes', { text }, 'Note added.');
      if (ok) {
        this.input('note').value = '';
      }
    }

    composeOutcome() {
      const choice = this.input('outcome-choice').value;
      const text = this.input('outcome-text').value.trim();
      if (!choice || choice === OTHER) {
        return text;
      }
      return text ? choice + ': ' + text : choice;
    }

    async close(kind) {
      const outcome = this.composeOutcome();
      if (!outcome) {
        this.showError('Choose an outcome, or choose "Other" and describe it, before you '
          + (kind === 'resolve' ? 'resolve' : 'dismiss') + ' the task.');
        this.input('outcome-choice').focus();
        return;
      }
      const note = this.input('close-note').value.trim();
      const body = note ? { outcome, note } : { outcome };
      const ok = await this.act(kind === 'resolve' ? 'Resolve' : 'Dismiss', kind, body,
        kind === 'resolve' ? 'Resolved.' : 'Dismissed.');
      if (ok) {
        this.input('outcome-text').value = '';
        this.input('close-note').value = '';
      }
    }

    refreshAll() {
      this.refreshTask();
      if (this.vin) {
        this.loadCar();
      }
    }

    // ------------------------------------------------ the car

    loadCar() {
      this.loadVehicle();
      this.loadState();
      this.loadChart();
      this.loadCommands();
      this.loadEvents();
    }

    carPath(suffix) {
      return '/vehicles/' + encodeURIComponent(this.vin) + suffix;
    }

    async loadVehicle() {
      const badge = this.field('presence');
      try {
        const vehicle = await api(this.carPath(''));
        this.setPresence(vehicle.online, vehicle.online
          ? 'online since ' + when(vehicle.onlineSince) + (vehicle.protocol ? ' over ' + vehicle.protocol : '')
          : 'offline; last seen ' + when(vehicle.lastSeenAt));
      } catch (e) {
        if (e.status !== 401) {
          badge.textContent = 'unknown';
          badge.dataset.value = '';
          badge.title = problemText(e);
        }
      }
    }

    setPresence(online, title) {
      const badge = this.field('presence');
      if (typeof online !== 'boolean') {
        return;
      }
      badge.textContent = online ? 'online' : 'offline';
      badge.dataset.value = online ? 'online' : 'offline';
      if (title) {
        badge.title = title;
      }
    }

    async loadState() {
      try {
        const latest = await api(this.carPath('/state'));
        this.vehicleState = { json: latest, fetchedAt: Date.now() };
        this.setPresence(latest.online);
        this.renderState(latest);
      } catch (e) {
        if (e.status === 401) {
          return;
        }
        this.vehicleState = null;
        this.field('age').textContent = e.status === 404 ? 'No data: the car has not reported yet.' : 'Car state unavailable: ' + problemText(e);
        this.field('age').classList.toggle('stale', e.status !== 404);
        this.field('state').replaceChildren();
      }
    }

    tickAge() {
      const age = this.field('age');
      if (!this.vehicleState) {
        return;
      }
      const latest = this.vehicleState.json;
      const base = typeof latest.ageSeconds === 'number'
        ? latest.ageSeconds
        : (Date.now() - (parseTime(latest.sampledAt) || Date.now())) / 1000;
      const seconds = base + (Date.now() - this.vehicleState.fetchedAt) / 1000;
      age.textContent = 'Data age ' + ageText(seconds) + ' (sampled ' + when(latest.sampledAt) + ')';
      age.dataset.ageSeconds = String(Math.round(seconds));
      age.classList.toggle('stale', seconds > STALE_AFTER_S);
      age.title = 'received by the server ' + when(latest.receivedAt);
    }

    renderState(latest) {
      const s = latest.signals || {};
      const rows = [];
      const add = (label, value, alert, testid) => {
        if (value !== null && value !== undefined && value !== '') {
          rows.push(el('dt', null, label), el('dd', { class: alert ? 'alert' : null, 'data-testid': testid || null }, value));
        }
      };
      const cabin = number(s[CABIN], 1);
      add('Cabin', cabin === null ? null : cabin + ' °C', s[CABIN] >= 40, 'state-cabin');
      const outside = number(s['Vehicle.Exterior.AirTemperature'], 1);
      add('Outside', outside === null ? null : outside + ' °C');
      const soc = number(s[SOC], 0);
      const charging = s['Vehicle.Powertrain.TractionBattery.Charging.IsCharging'] === true;
      const range = number(s['Vehicle.Powertrain.Range'], 0);
      add('Charge', soc === null ? null : soc + ' %' + (range !== null ? ', ' + range + ' km' : '') + (charging ? ', charging' : ''),
        s[SOC] < 20, 'state-soc');
      const speed = number(s['Vehicle.Speed'], 0);
      add('Speed', speed === null ? null : speed + ' km/h');
      add('Gear', gearName(s['Vehicle.Powertrain.Transmission.SelectedGear']));
      add('Ignition', s['Vehicle.LowVoltageSystemState'] ? humanise(s['Vehicle.LowVoltageSystemState']) : null);
      const fatigue = s['Vehicle.Driver.FatigueLevel'];
      const eyes = s['Vehicle.Driver.IsEyesOnRoad'];
      add('Driver', fatigue || typeof eyes === 'boolean'
        ? [fatigue ? 'fatigue ' + humanise(fatigue).toLowerCase() : null, typeof eyes === 'boolean' ? (eyes ? 'eyes on road' : 'eyes NOT on road') : null]
          .filter(Boolean).join(', ')
        : null, fatigue === 'CRITICAL' || fatigue === 'WARNING' || eyes === false);
      const seats = matching(s, /^Vehicle\.Cabin\.Seat\.(.+)\.OccupancyStatus$/);
      const occupied = seats.filter(([, v]) => v === 'OCCUPIED').map(([p]) => place(p));
      const unknown = seats.filter(([, v]) => v === 'UNKNOWN').map(([p]) => place(p));
      if (seats.length) {
        add('Seats', (occupied.length ? 'occupied: ' + occupied.join(', ') : 'all empty') + (unknown.length ? '; unknown: ' + unknown.join(', ') : ''),
          occupied.length > 0 && s[CABIN] >= 40);
      }
      const child = s['Vehicle.Cabin.ChildPresence'];
      add('Child', child ? humanise(child) : null, child === 'DETECTED');
      const doorsOpen = matching(s, /^Vehicle\.Cabin\.Door\.(.+)\.IsOpen$/);
      const doorsLocked = matching(s, /^Vehicle\.Cabin\.Door\.(.+)\.IsLocked$/);
      if (doorsOpen.length || doorsLocked.length) {
        const open = doorsOpen.filter(([, v]) => v === true).map(([p]) => place(p));
        const unlocked = doorsLocked.filter(([, v]) => v === false).map(([p]) => place(p));
        add('Doors', (open.length ? 'open: ' + open.join(', ') : 'closed') + '; ' + (unlocked.length ? 'unlocked: ' + unlocked.join(', ') : 'locked'));
      }
      const windows = matching(s, /^Vehicle\.Cabin\.Door\.(.+)\.Window\.Position$/).filter(([, v]) => v > 0);
      if (windows.length) {
        add('Windows', 'open: ' + windows.map(([p, v]) => place(p) + ' ' + Math.round(v) + ' %').join(', '));
      }
      if (s['Vehicle.Body.Trunk.Rear.IsOpen'] === true) {
        add('Trunk', 'open');
      }
      if (s['Vehicle.Cabin.HVAC.Mode']) {
        const target = number(s['Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature'], 1);
        add('Climate', humanise(s['Vehicle.Cabin.HVAC.Mode'])
          + (s['Vehicle.Cabin.HVAC.IsAirConditioningActive'] ? ', A/C on' : '')
          + (target !== null ? ', target ' + target + ' °C' : '')
          + (s['Vehicle.Cabin.HVAC.AutoOffAt'] ? ', off at ' + when(s['Vehicle.Cabin.HVAC.AutoOffAt']) : ''));
      }
      const phase = s['Vehicle.Cabin.Sterilization.Phase'];
      add('Sterilization', phase && phase !== 'IDLE' && phase !== 'UNSPECIFIED' ? humanise(phase) : null, phase === 'ABORTED');
      const volts = number(s['Vehicle.LowVoltageBattery.CurrentVoltage'], 1);
      add('12 V battery', volts === null ? null : volts + ' V', s['Vehicle.LowVoltageBattery.CurrentVoltage'] < 11.8);
      const lat = number(s['Vehicle.CurrentLocation.Latitude'], 5);
      const lon = number(s['Vehicle.CurrentLocation.Longitude'], 5);
      add('Location', lat !== null && lon !== null ? lat + ', ' + lon : null);
      const odometer = number(s['Vehicle.TraveledDistance'], 0);
      add('Odometer', odometer === null ? null : odometer + ' km');
      this.field('state').replaceChildren(...rows);
      this.tickAge();
    }

    async loadCommands() {
      const box = this.field('commands');
      try {
        const answer = await api(this.carPath('/commands'));
        const commands = (answer.commands || []).slice()
          .sort((a, b) => (parseTime(b.createdAt) || 0) - (parseTime(a.createdAt) || 0));
        if (commands.length === 0) {
          box.replaceChildren(el('p', { class: 'muted' }, 'No commands sent to this car recently.'));
          return;
        }
        const rows = commands.map((c) => el('tr', { 'data-testid': 'command-row', 'data-status': c.status },
          el('td', { title: fullTime(c.createdAt) }, when(c.createdAt)),
          el('td', null, humanise(c.type), el('br'), el('span', { class: 'muted' }, c.requestedBy || '')),
          el('td', null, el('span', { class: 'cmd-status', 'data-value': c.status }, humanise(c.status)),
            c.mayHaveSucceeded ? el('span', { class: 'muted' }, ' (may have succeeded)') : null),
          el('td', null, c.reasonCode ? el('span', { class: 'reason', 'data-testid': 'command-reason' }, c.reasonCode) : null,
            c.detail ? el('span', { class: 'muted' }, (c.reasonCode ? ' ' : '') + c.detail) : null)));
        box.replaceChildren(el('div', { class: 'commands-wrap' },
          el('table', { class: 'commands' },
            el('thead', null, el('tr', null, el('th', { scope: 'col' }, 'When'), el('th', { scope: 'col' }, 'Command'),
              el('th', { scope: 'col' }, 'Status'), el('th', { scope: 'col' }, 'Reason'))),
            el('tbody', null, rows))));
      } catch (e) {
        if (e.status !== 401) {
          box.replaceChildren(el('p', { class: 'muted' }, 'Command history unavailable: ' + problemText(e)));
        }
      }
    }

    async loadEvents() {
      const list = this.field('events');
      try {
        const answer = await api(this.carPath('/events?limit=50'));
        const events = answer.events || [];
        if (events.length === 0) {
          list.replaceChildren(el('li', { class: 'muted' }, 'No events from this car.'));
          return;
        }
        list.classList.add('events-list');
        list.replaceChildren(...events.map((ev) => el('li', { 'data-testid': 'event-entry', 'data-kind': ev.kind || '' },
          el('span', { class: 'when', title: 'at the car ' + fullTime(ev.at) + (ev.receivedAt ? '; received ' + fullTime(ev.receivedAt) : '') }, when(ev.at)),
          el('span', { class: 'kind' }, humanise(ev.kind)),
          el('span', { class: 'text' }, ev.summary || ''))));
      } catch (e) {
        if (e.status !== 401) {
          list.replaceChildren(el('li', { class: 'muted' }, 'Car events unavailable: ' + problemText(e)));
        }
      }
    }

    // ------------------------------------------------ the chart

    async loadChart() {
      const to = Date.now();
      const from = to - CHART_WINDOW_MS;
      const range = (a, b) => 'from=' + encodeURIComponent(new Date(a).toISOString()) + '&to=' + encodeURIComponent(new Date(b).toISOString());
      let points = null;
      let note = '';
      let rawFrom = from;
      try {
        try {
          const series = await api(this.carPath('/telemetry?' + range(from, to) + '&bucket=auto'));
          const buckets = series.buckets || [];
          if (buckets.length >= MIN_BUCKETS_FOR_SERIES) {
            const half = (series.bucketSeconds || 60) * 500;
            points = buckets.map((b) => ({
              t: parseTime(b.start) + half,
              temp: avg(b.signals, CABIN),
              soc: avg(b.signals, SOC),
            }));
            note = 'averages per ' + (series.bucket || 'bucket');
          } else if (buckets.length > 0) {
            rawFrom = Math.max(from, parseTime(buckets[0].start) || from);
          }
        } catch (e) {
          if (e.status === 401 || e.status === 0) {
            throw e;
          }
          // no bucketed series here: raw samples still draw the chart
        }
        if (points === null) {
          points = [];
          let cursor = null;
          for (let page = 0; page < RAW_MAX_PAGES; page++) {
            const answer = await api(this.carPath('/telemetry?' + range(rawFrom, to) + '&limit=' + RAW_PAGE_LIMIT
              + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '')));
            for (const sample of answer.samples || []) {
              const signals = sample.signals || {};
              points.push({ t: parseTime(sample.timestamp), temp: signals[CABIN], soc: signals[SOC] });
            }
            cursor = answer.truncated ? answer.next : null;
            if (!cursor) {
              break;
            }
          }
          note = cursor ? 'raw samples (the most recent are not all shown)' : 'raw samples';
        }
        this.chartPoints = { points: points.filter((p) => p.t !== null), from, to, note };
        this.redrawChart();
      } catch (e) {
        if (e.status !== 401) {
          this.field('chart').replaceChildren(el('p', { class: 'chart-empty' }, 'History unavailable: ' + problemText(e)));
        }
      }
    }

    redrawChart() {
      if (this.chartPoints) {
        drawChart(this.field('chart'), this.chartPoints);
      }
    }
  }

  function avg(signals, name) {
    const summary = signals && signals[name];
    return summary && typeof summary.avg === 'number' ? summary.avg : undefined;
  }

  function matching(signals, pattern) {
    const out = [];
    for (const [key, value] of Object.entries(signals)) {
      const m = pattern.exec(key);
      if (m) {
        out.push([m[1], value]);
      }
    }
    return out;
  }

  function place(position) {
    return position.replace('Row1.DriverSide', 'driver').replace('Row1.PassengerSide', 'front passenger')
      .replace('Row2.DriverSide', 'rear left').replace('Row2.PassengerSide', 'rear right').replace('Row2.Middle', 'rear middle');
  }

  /** VSS SelectedGear: 126 park, 127 drive, 0 neutral, negative reverse, positive a forward gear. */
  function gearName(gear) {
    if (typeof gear !== 'number') {
      return null;
    }
    if (gear === 126) {
      return 'P (park)';
    }
    if (gear === 127) {
      return 'D (drive)';
    }
    if (gear === 0) {
      return 'N (neutral)';
    }
    return gear < 0 ? 'R (reverse)' : 'D' + gear;
  }

  // ---------------------------------------------------------------- chart drawing (SVG, two y-axes)

  function niceStep(span, count) {
    const raw = span / Math.max(1, count);
    const power = 10 ** Math.floor(Math.log10(raw));
    for (const m of [1, 2, 2.5, 5, 10]) {
      if (m * power >= raw) {
        return m * power;
      }
    }
    return 10 * power;
  }

  const TIME_STEPS_MIN = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360];

  /** Splits a series where the car went quiet, so a gap is not drawn as a straight line. */
  function pathData(points, key, x, y) {
    const usable = points.filter((p) => typeof p[key] === 'number' && Number.isFinite(p[key]));
    if (usable.length === 0) {
      return { d: '', count: 0 };
    }
    const gaps = [];
    for (let i = 1; i < usable.length; i++) {
      gaps.push(usable[i].t - usable[i - 1].t);
    }
    const sortedGaps = gaps.slice().sort((a, b) => a - b);
    const median = sortedGaps.length ? sortedGaps[Math.floor(sortedGaps.length / 2)] : 0;
    const breakAfter = Math.max(median * 5, 120000);
    let d = '';
    usable.forEach((p, i) => {
      const jump = i === 0 || p.t - usable[i - 1].t > breakAfter;
      d += (jump ? 'M' : 'L') + x(p.t).toFixed(1) + ' ' + y(p[key]).toFixed(1) + ' ';
      if (jump && (i === usable.length - 1 || usable[i + 1].t - p.t > breakAfter)) {
        // a lone sample: a short tick so it stays visible
        d += 'l2 0 ';
      }
    });
    return { d: d.trim(), count: usable.length };
  }

  function drawChart(container, data) {
    const points = data.points;
    const temps = points.map((p) => p.temp).filter((v) => typeof v === 'number' && Number.isFinite(v));
    const socs = points.map((p) => p.soc).filter((v) => typeof v === 'number' && Number.isFinite(v));
    container.dataset.pointsTemp = String(temps.length);
    container.dataset.pointsSoc = String(socs.length);
    if (temps.length === 0 && socs.length === 0) {
      container.replaceChildren(el('p', { class: 'chart-empty', 'data-testid': 'chart-empty' },
        'No cabin temperature or charge reported in the last 6 hours.'));
      return;
    }
    const width = Math.max(260, Math.floor(container.clientWidth || 320));
    const height = 200;
    const m = { left: 40, right: 40, top: 24, bottom: 34 };
    const plotW = width - m.left - m.right;
    const plotH = height - m.top - m.bottom;

    const times = points.map((p) => p.t);
    const xMax = Math.max(data.to, ...times);
    let xMin = Math.max(data.from, Math.min(...times));
    if (xMax - xMin < 60000) {
      xMin = xMax - 60000;
    }
    const x = (t) => m.left + ((t - xMin) / (xMax - xMin)) * plotW;

    let tMin = temps.length ? Math.min(...temps) : 0;
    let tMax = temps.length ? Math.max(...temps) : 40;
    if (tMax - tMin < 4) {
      const mid = (tMax + tMin) / 2;
      tMin = mid - 2;
      tMax = mid + 2;
    }
    const tStep = niceStep(tMax - tMin, 4);
    tMin = Math.floor(tMin / tStep) * tStep;
    tMax = Math.ceil(tMax / tStep) * tStep;
    const yTemp = (v) => m.top + plotH - ((v - tMin) / (tMax - tMin)) * plotH;
    const ySoc = (v) => m.top + plotH - (Math.min(100, Math.max(0, v)) / 100) * plotH;

    const grid = svg('g', { class: 'grid' });
    const left = svg('g', { class: 'axis axis-temp' });
    for (let v = tMin; v <= tMax + tStep / 2; v += tStep) {
      const yy = yTemp(v);
      grid.append(svg('line', { x1: m.left, x2: width - m.right, y1: yy, y2: yy }));
      left.append(svg('text', { x: m.left - 6, y: yy + 4, 'text-anchor': 'end' }, String(Math.round(v * 10) / 10)));
    }
    left.append(svg('text', { x: m.left - 6, y: m.top - 5, 'text-anchor': 'end', class: 'unit-temp' }, '°C'));
    const right = svg('g', { class: 'axis axis-soc' });
    for (const v of [0, 25, 50, 75, 100]) {
      right.append(svg('text', { x: width - m.right + 6, y: ySoc(v) + 4, 'text-anchor': 'start' }, String(v)));
    }
    right.append(svg('text', { x: width - m.right + 6, y: m.top - 5, 'text-anchor': 'start', class: 'unit-soc' }, '%'));

    const bottom = svg('g', { class: 'axis axis-time' });
    bottom.append(svg('line', { x1: m.left, x2: width - m.right, y1: m.top + plotH, y2: m.top + plotH }));
    const spanMin = (xMax - xMin) / 60000;
    const maxTicks = Math.max(2, Math.floor(plotW / 70));
    const stepMin = TIME_STEPS_MIN.find((s) => spanMin / s <= maxTicks) || 360;
    const stepMs = stepMin * 60000;
    const offset = new Date(xMin).getTimezoneOffset() * 60000;
    for (let t = Math.ceil((xMin - offset) / stepMs) * stepMs + offset; t <= xMax; t += stepMs) {
      const xx = x(t);
      bottom.append(svg('line', { x1: xx, x2: xx, y1: m.top + plotH, y2: m.top + plotH + 4 }));
      bottom.append(svg('text', { x: xx, y: m.top + plotH + 16, 'text-anchor': 'middle' }, shortTimeFormat.format(new Date(t))));
    }
    bottom.append(svg('text', { x: m.left + plotW / 2, y: height - 2, 'text-anchor': 'middle' },
      'time (local); ' + (xMin > data.from + 60000 ? 'data since ' + shortTimeFormat.format(new Date(xMin)) : 'last 6 hours')));

    const temp = pathData(points, 'temp', x, yTemp);
    const soc = pathData(points, 'soc', x, ySoc);
    const lastTemp = temps.length ? temps[temps.length - 1] : null;
    const lastSoc = socs.length ? socs[socs.length - 1] : null;
    const summary = 'Chart: cabin temperature '
      + (temps.length ? Math.min(...temps).toFixed(1) + ' to ' + Math.max(...temps).toFixed(1) + ' °C' : 'not reported')
      + ', state of charge ' + (socs.length ? Math.min(...socs).toFixed(0) + ' to ' + Math.max(...socs).toFixed(0) + ' %' : 'not reported')
      + ', from ' + shortTimeFormat.format(new Date(xMin)) + ' to ' + shortTimeFormat.format(new Date(xMax)) + '.';
    const chart = svg('svg', {
      viewBox: '0 0 ' + width + ' ' + height,
      width,
      height,
      role: 'img',
      'aria-label': summary,
      'data-testid': 'chart-svg',
    },
      svg('title', null, summary),
      grid, left, right, bottom,
      svg('path', { class: 'series-temp', d: temp.d, 'data-testid': 'chart-temp', 'data-points': temp.count }),
      svg('path', { class: 'series-soc', d: soc.d, 'data-testid': 'chart-soc', 'data-points': soc.count }));
    const legend = el('p', { class: 'legend' },
      el('span', null, el('span', { class: 'swatch temp' }), 'Cabin temperature, °C (left)'
        + (lastTemp !== null ? ': ' + lastTemp.toFixed(1) : '')),
      el('span', null, el('span', { class: 'swatch soc' }), 'State of charge, % (right)'
        + (lastSoc !== null ? ': ' + lastSoc.toFixed(0) : '')),
      el('span', { class: 'muted' }, data.note));
    container.replaceChildren(chart, legend);
  }

  // ---------------------------------------------------------------- keyboard

  function onKey(event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    if (!state.session || $('workspace').hidden || $('shortcuts').open) {
      return;
    }
    const target = event.target instanceof Element ? event.target : document.body;
    const typing = target.closest('input, textarea, select, [contenteditable]');
    if (event.key === 'Escape') {
      onEscape(event, typing);
      return;
    }
    if (typing) {
      return;
    }
    const inQueue = target.closest('#queue');
    switch (event.key) {
      case 'j':
        moveSelection(1);
        break;
      case 'k':
        moveSelection(-1);
        break;
      case 'ArrowDown':
        if (!inQueue) {
          return;
        }
        moveSelection(1);
        break;
      case 'ArrowUp':
        if (!inQueue) {
          return;
        }
        moveSelection(-1);
        break;
      case 'Enter':
        if (target.closest('button, a, summary')) {
          return; // the focused control acts itself
        }
        if (state.selectedId !== null) {
          openPanel(state.selectedId, true);
        }
        break;
      case 'c': {
        const panelNode = target.closest('.panel');
        const panel = panelNode ? state.panels.get(Number(panelNode.dataset.taskId)) : null;
        if (panel) {
          panel.claim();
        } else if (state.selectedId !== null) {
          claimAndOpen(state.selectedId);
        }
        break;
      }
      case '?':
        $('shortcuts').showModal();
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  function onEscape(event, typing) {
    const active = document.activeElement;
    const panelNode = active && active.closest ? active.closest('.panel') : null;
    const panel = panelNode ? state.panels.get(Number(panelNode.dataset.taskId)) : state.lastPanel;
    if (!panel) {
      return;
    }
    if (typing && typing.value) {
      // the first Esc leaves the field (keeping what was typed), the second closes the panel
      panel.root.focus();
    } else {
      closePanel(panel);
    }
    event.preventDefault();
  }

  // ---------------------------------------------------------------- start

  function init() {
    $('login-form').addEventListener('submit', onLogin);
    $('logout-button').addEventListener('click', signOut);
    $('shortcuts-button').addEventListener('click', () => $('shortcuts').showModal());
    $('banner-close').addEventListener('click', () => hideBanner());
    document.addEventListener('keydown', onKey);
    window.addEventListener('offline', () => showBanner('This computer is offline: the queue is not live until the network is back.', 'network'));
    window.addEventListener('online', () => {
      hideBanner('network');
      if (state.session && !state.stream) {
        connectStream();
      }
    });
    state.session = loadSession();
    if (state.session) {
      enterWorkspace();
    } else {
      showLogin('');
    }
  }

  init();
})();

/*
 * The queue of open tasks, most urgent first, and its selection (the row j, k, Enter and c act on).
 *
 * The rows are rebuilt on every change: a queue holds tens of tasks, and a full render cannot drift from the
 * tasks map the way patched rows could. What a rebuild would lose (the focus, the selection) is carried over.
 */
import { $, el, humanise, parseTime, titleOf, when } from './dom.js';
import { CLOSED, state } from './state.js';
import { tick } from './tick.js';

const PRIORITY_RANK = { URGENT: 0, HIGH: 1, NORMAL: 2, LOW: 3 };
/** How long a task that just arrived is highlighted: long enough to be noticed from the corner of an eye. */
const NEW_HIGHLIGHT_MS = 2500;

/** The task ids as last rendered, top to bottom: where j and k move, and where a vanished selection was. */
let order = [];
/** Tasks pushed in the last few seconds, highlighted as they arrive. */
const newIds = new Set();
// opening and claiming live in panel.js, which imports this module; main.js wires them in once
let actions = { open: () => {}, claimAndOpen: () => {} };

/** Wires what the rows' Open and Claim buttons do. */
export function setQueueActions(open, claimAndOpen) {
  actions = { open, claimAndOpen };
}

/** The whole queue, replaced: a (re)connected stream's snapshot, or the fallback list. */
export function applySnapshot(tasks, afterReconnect) {
  state.tasks.clear();
  for (const task of tasks) {
    if (task && task.id !== undefined && !CLOSED.has(task.status)) {
      state.tasks.set(task.id, task);
    }
  }
  renderQueue();
  if (afterReconnect) {
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
export function applyTask(task, pushed) {
  const known = state.tasks.has(task.id);
  if (CLOSED.has(task.status)) {
    state.tasks.delete(task.id);
  } else {
    state.tasks.set(task.id, Object.assign({}, state.tasks.get(task.id), task));
    if (!known && pushed) {
      newIds.add(task.id);
      setTimeout(() => newIds.delete(task.id), NEW_HIGHLIGHT_MS);
    }
  }
  renderQueue();
  const panel = state.panels.get(task.id);
  if (panel && pushed) {
    panel.applyTask(task);
    panel.refreshTask();
  }
}

/** Empties the queue when the session ends, so the next staff member at this screen starts clean. */
export function clearQueue() {
  state.tasks.clear();
  state.selectedId = null;
  renderQueue();
}

function compareTasks(a, b) {
  const rank = (t) => (t.priority in PRIORITY_RANK ? PRIORITY_RANK[t.priority] : 9);
  const due = (t) => {
    const ms = parseTime(t.slaDueAt);
    return ms === null ? Number.MAX_SAFE_INTEGER : ms;
  };
  return rank(a) - rank(b) || due(a) - due(b) || Number(a.id) - Number(b.id);
}

export function renderQueue() {
  const list = $('queue-list');
  const tasks = [...state.tasks.values()].sort(compareTasks);
  const active = document.activeElement;
  const focusedRow = active && active.closest ? active.closest('.task-row') : null;
  const focusedId = focusedRow ? Number(focusedRow.dataset.taskId) : null;
  const focusedRole = focusedRow && active.dataset ? active.dataset.role : null;

  if (state.selectedId !== null && !state.tasks.has(state.selectedId)) {
    // keep the selection where it was: the task that took the place of the one that left
    const previousIndex = order.indexOf(state.selectedId);
    const next = tasks[Math.min(Math.max(previousIndex, 0), tasks.length - 1)];
    state.selectedId = next ? next.id : null;
  }
  if (state.selectedId === null && tasks.length > 0) {
    state.selectedId = tasks[0].id;
  }
  order = tasks.map((t) => t.id);
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

export function rowElement(id) {
  return id === null ? null : $('queue-list').querySelector('.task-row[data-task-id="' + id + '"]');
}

function queueRow(task) {
  const selected = task.id === state.selectedId;
  const mine = state.session && task.assignee === state.session.username;
  const classes = ['task-row'];
  if (state.panels.has(task.id)) {
    classes.push('is-open');
  }
  if (newIds.has(task.id)) {
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
          actions.open(task.id);
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
          actions.claimAndOpen(task.id);
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

/** j/k: one row down (1) or up (-1), stopping at the ends rather than wrapping around. */
export function moveSelection(step) {
  if (order.length === 0) {
    return;
  }
  const index = order.indexOf(state.selectedId);
  const next = index < 0 ? 0 : Math.min(order.length - 1, Math.max(0, index + step));
  select(order[next], true);
}

/*
 * Task panels, side by side: one task each, with its actions, its timeline and the car's picture. A panel keeps
 * its own copy of the task (with the timeline and the owner, which the queue does not carry) and reloads it
 * after every change, so two staff members on one task each see the other's work.
 */
import { api, problemText, savePanelIds } from './api.js';
import { CarPicture } from './car.js';
import { $, el, humanise, parseTime, fullTime, titleOf, when } from './dom.js';
import { applyTask as queueTask, renderQueue, rowElement } from './queue.js';
import { CLOSED, state } from './state.js';
import { tick } from './tick.js';

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

function savePanels() {
  savePanelIds([...state.panels.keys()]);
}

/** The task's panel, opened at the right of the others if it is not open yet. */
export function openPanel(id, focus) {
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

/** Closes the panel and moves the focus to a neighbour, or back to the queue, so the keyboard is never lost. */
export function closePanel(panel) {
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

/** Closes every panel when the session ends; the ids stay saved unless the staff member signed out. */
export function closeAllPanels() {
  for (const panel of [...state.panels.values()]) {
    panel.destroy();
  }
  state.panels.clear();
}

export async function claimAndOpen(id) {
  const panel = openPanel(id, true);
  // after the panel's first load: its answer, read before the claim, must not land after the claim's
  await panel.ready;
  panel.claim();
}

/** Makes the ids of the template's inputs unique, since several panels are on the page at once. */
let panelSerial = 0;

class TaskPanel {
  constructor(id) {
    this.id = id;
    this.task = state.tasks.get(id) || null;
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
    this.car = new CarPicture((name) => this.field(name));

    this.fillOutcomes(this.task ? this.task.type : null);
    if (this.task) {
      this.applyTask(this.task);
    } else {
      this.field('title').textContent = 'Task ' + id;
      this.field('notice').textContent = 'Loading…';
    }
    if (this.car.vin) {
      this.car.load();
    }
    // loadTask loads the car itself when it learns the VIN only now
    this.ready = this.loadTask();
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
    this.car.destroy();
    this.root.remove();
  }

  tickAge() {
    this.car.tickAge();
  }

  /** The outcomes for this type of task; rebuilt only when the type changes, so a choice being made survives. */
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

  /**
   * Reloads the task, one request at a time: a change that arrives while a load is under way asks for one more
   * load after it, so the last answer shown is never older than the last change heard of.
   */
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
      const hadVin = this.car.vin;
      this.applyTask(task);
      if (!hadVin && this.car.vin) {
        this.car.load();
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

  /** Shows the task, merged over what the panel knew: a pushed change carries no timeline, a loaded task does. */
  applyTask(update) {
    const task = Object.assign({}, this.task, update);
    this.task = task;
    this.car.vin = task.vin || this.car.vin;
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
    // the tel: link keeps only what a dialler understands; the number is shown as the owner wrote it
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
      // the buttons' enabled state follows the task again
      this.applyTask({});
    }
  }

  /**
   * One action on the task, one at a time (a double click must not claim twice). The answer updates the queue
   * at once rather than waiting for the pushed event; an error is shown in this panel, where it happened.
   */
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
        queueTask(task, false);
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
          // someone else changed the task: show what it is now, beside the error that says why
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

  /** The chosen outcome, with the staff member's words appended; "Other" uses the words alone. */
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
    if (this.car.vin) {
      this.car.load();
    }
  }
}

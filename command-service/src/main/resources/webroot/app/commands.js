/*
 * A command's progress, step by step, as the car and the backend report it. Nothing here says "done" until the
 * car has answered SUCCEEDED; every other end is shown with its reason code and the backend's detail.
 * Updates arrive on the car's live stream (`event: command`); the full list of transitions is read once more
 * from the API when the command ends, so every step and reason is on screen.
 */
import { api } from './api.js';
import { el, humanise, when } from './dom.js';
import { state } from './state.js';

/** What each status means for the owner, in the app's words. */
const MEANING = {
  QUEUED: 'Waiting to be sent to the car (it is sent as soon as the car is connected)',
  SENT: 'Sent to the car, waiting for the car to confirm it arrived',
  DELIVERED: 'The car received it and is checking it',
  IN_PROGRESS: 'The car is carrying it out',
  SUCCEEDED: 'Done: the car confirmed it',
  FAILED: 'Failed: the car could not do it',
  REJECTED: 'Refused',
  EXPIRED: 'Expired: the car did not connect in time, so it was never sent',
  TIMED_OUT: 'No answer from the car in time: it may have succeeded; the answer is shown if it arrives',
  CANCELLED: 'Cancelled',
};
/** The usual path, drawn as the steps still ahead while the command is active. */
const PATH = ['QUEUED', 'SENT', 'DELIVERED', 'SUCCEEDED'];
const GOOD = new Set(['SUCCEEDED']);
const BAD = new Set(['FAILED', 'REJECTED', 'EXPIRED', 'CANCELLED']);

/** What a status means now: a command waiting for an asleep car says when the car will take it. */
function meaning(c) {
  const car = state.cars.get(c.vin);
  if (c.status === 'QUEUED' && car && car.presence === 'asleep') {
    return 'Waiting for the car to wake up: it checks in by ' + when(car.checkInBy) + ' and takes it then';
  }
  return MEANING[c.status] || humanise(c.status);
}

/** Redraws the commands still waiting to be sent: what they wait for depends on the car's presence. */
export function redrawWaitingCommands() {
  for (const view of views.values()) {
    if (view.command && view.command.status === 'QUEUED') {
      view.render();
    }
  }
}

/**
 * Whether `view` shows a command of the car on screen newer than `recent` (the newest one a command list read
 * knew of): one started on this page while the list was on its way, which the list must not replace.
 */
export function showsNewer(view, recent) {
  const shown = view.command;
  return !!shown && shown.vin === state.vin
    && (!recent || Date.parse(shown.createdAt) > Date.parse(recent.createdAt));
}

/** Views by command id, so a pushed update reaches the card showing that command. */
const views = new Map();

/** The reason of a refusal or failure, for people: "Seat occupied (SEAT_OCCUPIED): seat Row1.DriverSide is occupied". */
export function reasonText(code, detail) {
  if (!code && !detail) {
    return '';
  }
  const head = code ? humanise(code) + ' (' + code + ')' : '';
  return head && detail ? head + ': ' + detail : head || detail;
}

/** A card in `container` that follows one command until it ends. title: e.g. "Start A/C at 22 °C". */
export class CommandView {
  constructor(container, title) {
    this.container = container;
    this.title = title;
    this.command = null;
    this.steps = [];
  }

  /** Shows a command: just created, read back, or refused (a 422 carries the stored, REJECTED command). */
  show(command) {
    if (this.command && this.command.id !== command.id) {
      views.delete(this.command.id);
    }
    this.command = command;
    this.steps = stepsOf(command);
    views.set(command.id, this);
    this.render();
    if (command.final && !command.transitions) {
      this.refetch();
    }
  }

  /** A pushed update of this command. */
  update(command) {
    const wasFinal = this.command && this.command.final;
    this.command = Object.assign({}, this.command, command);
    if (Array.isArray(command.transitions)) {
      this.steps = stepsOf(command);
    } else if (!this.steps.some((s) => s.status === command.status)) {
      this.steps.push({ status: command.status, at: command.updatedAt, reasonCode: command.reasonCode, detail: command.detail });
    }
    this.render();
    if (command.final && !wasFinal) {
      this.refetch();
    }
  }

  async refetch() {
    const c = this.command;
    try {
      const full = await api('/vehicles/' + encodeURIComponent(c.vin) + '/commands/' + encodeURIComponent(c.id));
      if (this.command && this.command.id === full.id) {
        this.command = full;
        if (Array.isArray(full.transitions) && full.transitions.length) {
          this.steps = stepsOf(full);
        }
        this.render();
      }
    } catch (e) {
      // the pushed status is already on screen; the transitions are a detail
    }
  }

  /** A request that never became a command (invalid input, rate limit, network): said where it happened. */
  error(text) {
    this.container.replaceChildren(el('p', { class: 'error', role: 'alert', 'data-testid': 'command-error' }, text));
  }

  clear() {
    if (this.command) {
      views.delete(this.command.id);
    }
    this.command = null;
    this.container.replaceChildren();
  }

  render() {
    const c = this.command;
    const status = c.status;
    const tone = GOOD.has(status) ? 'good' : BAD.has(status) ? 'bad' : status === 'TIMED_OUT' ? 'warn' : 'active';
    const reached = new Set(this.steps.map((s) => s.status));
    const items = this.steps.map((s) => el('li', {
      class: 'step done' + (BAD.has(s.status) ? ' bad' : s.status === 'TIMED_OUT' ? ' warn' : ''),
      'data-testid': 'command-step', 'data-status': s.status,
    },
      el('span', { class: 'step-name' }, humanise(s.status)),
      el('span', { class: 'step-time' }, when(s.at)),
      s.reasonCode || s.detail ? el('span', { class: 'step-reason' }, reasonText(s.reasonCode, s.detail)) : null));
    if (!c.final) {
      for (const next of PATH) {
        if (!reached.has(next) && PATH.indexOf(next) > PATH.indexOf(lastOnPath(this.steps))) {
          items.push(el('li', { class: 'step ahead', 'aria-hidden': 'true' }, el('span', { class: 'step-name' }, humanise(next))));
        }
      }
    }
    const reason = c.reasonCode || (BAD.has(status) || status === 'TIMED_OUT' ? c.detail : null)
      ? el('p', { class: 'reason', 'data-testid': 'command-reason', 'data-reason': c.reasonCode || '' }, reasonText(c.reasonCode, c.detail))
      : null;
    this.container.replaceChildren(el('article', {
      class: 'command ' + tone, 'data-testid': 'command', 'data-status': status, 'data-command-id': c.id, 'aria-live': 'polite',
    },
    el('header', null,
      el('strong', null, this.title),
      el('span', { class: 'badge status ' + tone, 'data-testid': 'command-status', 'data-value': status }, humanise(status))),
    el('p', { class: 'meaning', 'data-testid': 'command-meaning' }, meaning(c)),
    reason,
    el('ol', { class: 'steps', 'data-testid': 'command-steps' }, items),
    c.final ? null : el('p', { class: 'muted small' }, 'Expires if not delivered by ' + when(c.expiresAt))));
  }
}

function lastOnPath(steps) {
  let last = null;
  for (const s of steps) {
    if (PATH.includes(s.status)) {
      last = s.status;
    }
  }
  return last;
}

function stepsOf(command) {
  if (Array.isArray(command.transitions) && command.transitions.length) {
    return command.transitions.map((t) => ({ status: t.to, at: t.at, reasonCode: t.reasonCode, detail: t.detail }));
  }
  return [{ status: command.status, at: command.updatedAt, reasonCode: command.reasonCode, detail: command.detail }];
}

/** A command pushed on a stream: the card showing it, if any, updates. */
export function onCommandEvent(command) {
  const view = views.get(command.id);
  if (view) {
    view.update(command);
  }
}

/** Forgets every card (leaving a car or signing out). */
export function clearCommandViews() {
  views.clear();
}

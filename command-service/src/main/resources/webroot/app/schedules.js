/*
 * A/C schedules: "ready by 07:40 on weekdays" in the owner's time zone. Created, edited, enabled or disabled
 * and deleted through the API; each shows when it next runs (ready by, and when the A/C is planned to start),
 * written in the schedule's own zone, and what became of its last occurrence with the reason when it was skipped.
 */
import { ApiError, api, problemText } from './api.js';
import { $, el, humanise, inZone, when } from './dom.js';
import { state } from './state.js';

const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
const PRESETS = { weekdays: DAYS.slice(0, 5), weekend: DAYS.slice(5), all: DAYS };
/** The schedule being edited, or null for a new one. */
let editing = null;
let schedules = [];

function base() {
  return '/vehicles/' + encodeURIComponent(state.vin) + '/schedules';
}

export function phoneZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch (e) {
    return 'UTC';
  }
}

export function setUpSchedules() {
  $('schedule-days').replaceChildren(...DAYS.map((d) => el('label', { class: 'day' },
    el('input', { type: 'checkbox', value: d, 'data-testid': 'day-' + d }),
    el('span', { 'aria-hidden': 'true' }, humanise(d).slice(0, 2)),
    el('span', { class: 'sr-only' }, humanise(d)))));
  for (const button of document.querySelectorAll('[data-preset]')) {
    button.addEventListener('click', () => setDays(PRESETS[button.dataset.preset]));
  }
  $('schedule-new').addEventListener('click', () => openForm(null));
  $('schedule-cancel').addEventListener('click', closeForm);
  $('schedule-form').addEventListener('submit', save);
}

function setDays(days) {
  for (const box of document.querySelectorAll('#schedule-days input')) {
    box.checked = days.includes(box.value);
  }
}

function openForm(schedule) {
  editing = schedule;
  $('schedule-form-heading').textContent = schedule ? 'Edit schedule' : 'New schedule';
  $('schedule-time').value = schedule ? schedule.readyBy : '07:40';
  setDays(schedule ? schedule.weekdays || [] : PRESETS.weekdays);
  $('schedule-target').value = schedule ? schedule.targetTemperatureC : 21;
  $('schedule-zone').value = schedule ? schedule.timeZone : phoneZone();
  $('schedule-enabled').checked = schedule ? schedule.enabled : true;
  $('schedule-error').hidden = true;
  $('schedule-form').hidden = false;
  $('schedule-new').hidden = true;
  $('schedule-time').focus();
}

function closeForm() {
  editing = null;
  $('schedule-form').hidden = true;
  $('schedule-new').hidden = false;
}

function formError(text) {
  $('schedule-error').textContent = text;
  $('schedule-error').hidden = false;
}

/** The request body of a schedule (a PUT replaces the whole schedule, so it is always complete). */
function body(s) {
  const b = { readyBy: s.readyBy, timeZone: s.timeZone, targetTemperatureC: s.targetTemperatureC, enabled: s.enabled };
  if (s.weekdays && s.weekdays.length) {
    b.weekdays = s.weekdays;
  } else if (s.date) {
    b.date = s.date;
  }
  if (s.location) {
    b.location = s.location;
  }
  return b;
}

async function save(event) {
  event.preventDefault();
  const weekdays = [...document.querySelectorAll('#schedule-days input')].filter((b) => b.checked).map((b) => b.value);
  const readyBy = $('schedule-time').value;
  const target = Number($('schedule-target').value);
  if (!/^\d{2}:\d{2}$/.test(readyBy)) {
    formError('Choose the time the car should be ready by.');
    return;
  }
  if (weekdays.length === 0) {
    formError('Choose at least one day.');
    return;
  }
  if (!(target >= 16 && target <= 30)) {
    formError('Choose a target from 16 to 30 °C.');
    return;
  }
  const request = body(Object.assign({}, editing || {}, {
    readyBy, weekdays, targetTemperatureC: target, timeZone: $('schedule-zone').value.trim(), enabled: $('schedule-enabled').checked,
  }));
  try {
    if (editing) {
      await api(base() + '/' + encodeURIComponent(editing.id), { method: 'PUT', body: request });
    } else {
      await api(base(), { method: 'POST', body: request });
    }
    closeForm();
    await loadSchedules();
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) {
      formError('Not saved: ' + problemText(e));
    }
  }
}

export async function loadSchedules() {
  const vin = state.vin;
  try {
    const answer = await api(base());
    if (state.vin !== vin) {
      return;
    }
    schedules = answer.schedules || [];
    render();
    schedules.forEach(loadLastFire);
  } catch (e) {
    $('schedule-list').replaceChildren(el('li', { class: 'error' }, 'Could not load the schedules: ' + problemText(e)));
  }
}

/** Clears the section when another car is shown. */
export function resetSchedules() {
  closeForm();
  schedules = [];
  $('schedule-list').replaceChildren();
}

function daysText(s) {
  if (s.date) {
    return 'on ' + s.date;
  }
  const days = s.weekdays || [];
  for (const [name, set] of Object.entries(PRESETS)) {
    if (days.length === set.length && set.every((d) => days.includes(d))) {
      return name === 'all' ? 'every day' : 'on ' + name;
    }
  }
  return 'on ' + DAYS.filter((d) => days.includes(d)).map((d) => humanise(d).slice(0, 3)).join(', ');
}

function nextText(s) {
  if (!s.enabled) {
    return 'Disabled: it will not run.';
  }
  if (!s.nextReadyBy) {
    return 'No next run.';
  }
  return 'Next: ready by ' + inZone(s.nextReadyBy, s.timeZone)
    + (s.nextRunAt ? ', A/C starts about ' + inZone(s.nextRunAt, s.timeZone) : '')
    + (s.timeZone !== phoneZone() ? ' (' + s.timeZone + ' time)' : '');
}

function render() {
  if (schedules.length === 0) {
    $('schedule-list').replaceChildren(el('li', { class: 'muted' }, 'No schedules yet.'));
    return;
  }
  $('schedule-list').replaceChildren(...schedules.map((s) => el('li', {
    class: 'schedule' + (s.enabled ? '' : ' disabled'), 'data-testid': 'schedule-row', 'data-schedule-id': s.id,
  },
  el('div', { class: 'schedule-main' },
    el('strong', { 'data-testid': 'schedule-title' }, 'Ready by ' + s.readyBy + ' ' + daysText(s)),
    el('span', { class: 'muted' }, ' · ' + s.targetTemperatureC + ' °C · ' + s.timeZone)),
  el('p', { class: 'next', 'data-testid': 'schedule-next' }, nextText(s)),
  el('p', { class: 'last muted small', 'data-field': 'last' }),
  el('div', { class: 'actions' },
    el('label', { class: 'check' },
      el('input', { type: 'checkbox', role: 'switch', checked: s.enabled, 'data-testid': 'schedule-toggle', onchange: (e) => toggle(s, e.target) }),
      ' Enabled'),
    el('button', { type: 'button', class: 'ghost', 'data-testid': 'schedule-edit', onclick: () => openForm(s) }, 'Edit'),
    el('button', { type: 'button', class: 'ghost danger', 'data-testid': 'schedule-delete', onclick: () => remove(s) }, 'Delete')))));
}

async function toggle(schedule, box) {
  box.disabled = true;
  try {
    await api(base() + '/' + encodeURIComponent(schedule.id), { method: 'PUT', body: body(Object.assign({}, schedule, { enabled: box.checked })) });
    await loadSchedules();
  } catch (e) {
    box.checked = schedule.enabled;
    box.disabled = false;
    rowNote(schedule.id, 'Not changed: ' + problemText(e));
  }
}

async function remove(schedule) {
  if (!window.confirm('Delete the schedule "ready by ' + schedule.readyBy + ' ' + daysText(schedule) + '"?')) {
    return;
  }
  try {
    await api(base() + '/' + encodeURIComponent(schedule.id), { method: 'DELETE' });
    await loadSchedules();
  } catch (e) {
    rowNote(schedule.id, 'Not deleted: ' + problemText(e));
  }
}

function rowNote(id, text) {
  const row = document.querySelector('[data-schedule-id="' + CSS.escape(id) + '"] [data-field=last]');
  if (row) {
    row.textContent = text;
    row.classList.add('error');
  }
}

/** What became of the latest occurrence: fired, run by the car, or skipped with its reason. */
async function loadLastFire(schedule) {
  try {
    const answer = await api(base() + '/' + encodeURIComponent(schedule.id) + '/fires?limit=1');
    const fire = (answer.fires || [])[0];
    const node = document.querySelector('[data-schedule-id="' + CSS.escape(schedule.id) + '"] [data-field=last]');
    if (!fire || !node) {
      return;
    }
    const at = inZone(fire.occurrence, schedule.timeZone);
    node.textContent = fire.outcome === 'SKIPPED'
      ? 'Last: ' + at + ' skipped: ' + humanise(fire.reason) + (fire.detail ? ' (' + fire.detail + ')' : '')
      : fire.outcome === 'CAR'
        ? 'Last: ' + at + ' run by the car' + (fire.carReportedAt ? ', reported ' + when(fire.carReportedAt) : '') + (fire.reason ? ', skipped: ' + humanise(fire.reason) : '')
        : 'Last: ' + at + ' started the A/C';
  } catch (e) {
    // the schedule itself is on screen
  }
}

/*
 * What the service side tells the owner: alerts (hot cabin with someone inside, critical fatigue), pushed on the
 * car's stream and listed; the opt-in to the fatigue service; the service tasks about the car, each resolved one
 * rated in one tap (1 to 5 stars, once).
 */
import { ApiError, api, problemText } from './api.js';
import { $, el, humanise, when } from './dom.js';
import { state } from './state.js';

const ALERT_TITLES = { HOT_CABIN: 'Hot cabin with someone inside', FATIGUE_CRITICAL: 'Driver in critical fatigue' };
let alerts = [];
let tasks = [];

function base(vin) {
  return '/vehicles/' + encodeURIComponent(vin || state.vin);
}

export function setUpService() {
  $('fatigue-toggle').addEventListener('change', setFatigue);
  $('tasks-refresh').addEventListener('click', loadTasks);
  $('alert-toast-close').addEventListener('click', () => { $('alert-toast').hidden = true; });
}

/** Loads the section for the car on screen. */
export function loadService() {
  alerts = [];
  tasks = [];
  $('alert-list').replaceChildren();
  $('task-list').replaceChildren();
  $('fatigue-status').textContent = '';
  return Promise.all([loadAlerts(), loadFatigue(), loadTasks()]);
}

async function loadAlerts() {
  const vin = state.vin;
  try {
    const answer = await api(base(vin) + '/alerts?limit=20');
    if (state.vin === vin) {
      alerts = answer.alerts || [];
      renderAlerts();
    }
  } catch (e) {
    $('alert-list').replaceChildren(el('li', { class: 'error' }, 'Could not load the alerts: ' + problemText(e)));
  }
}

function carName(vin) {
  const car = state.cars.get(vin);
  return car ? car.name || car.vin : vin;
}

/** An alert pushed on any streamed car: a toast whatever is on screen, and the list when it is that car. */
export function onAlert(vin, alert) {
  $('alert-toast-title').textContent = (ALERT_TITLES[alert.kind] || humanise(alert.kind)) + ' · ' + carName(vin);
  $('alert-toast-text').textContent = alert.text;
  $('alert-toast').dataset.kind = alert.kind;
  $('alert-toast').hidden = false;
  if (navigator.vibrate) {
    navigator.vibrate([200, 100, 200]);
  }
  if (vin === state.vin && !alerts.some((a) => a.id === alert.id)) {
    alerts.unshift(alert);
    renderAlerts();
    // an alert usually comes with a service task: show it
    loadTasks();
  }
}

function renderAlerts() {
  if (alerts.length === 0) {
    $('alert-list').replaceChildren(el('li', { class: 'muted' }, 'No alerts.'));
    return;
  }
  $('alert-list').replaceChildren(...alerts.map((a) => el('li', { class: 'alert', 'data-testid': 'alert', 'data-kind': a.kind },
    el('strong', null, ALERT_TITLES[a.kind] || humanise(a.kind)),
    el('span', { class: 'muted small' }, ' · ' + when(a.at)),
    el('p', null, a.text))));
}

async function loadFatigue() {
  const vin = state.vin;
  try {
    const answer = await api(base(vin) + '/fatigue-service');
    if (state.vin === vin) {
      $('fatigue-toggle').checked = answer.optedIn === true;
      $('fatigue-status').textContent = answer.optedIn ? 'On.' : 'Off.';
    }
  } catch (e) {
    $('fatigue-status').textContent = 'Could not read the setting: ' + problemText(e);
  }
}

async function setFatigue() {
  const box = $('fatigue-toggle');
  const wanted = box.checked;
  if (!wanted && !window.confirm('Turn off the fatigue service? The car\'s fatigue events are deleted and the service team will not call on a critical warning.')) {
    box.checked = true;
    return;
  }
  box.disabled = true;
  $('fatigue-status').textContent = 'Saving…';
  try {
    const answer = await api(base() + '/fatigue-service', { method: 'PUT', body: { optedIn: wanted } });
    box.checked = answer.optedIn === true;
    $('fatigue-status').textContent = answer.optedIn ? 'On.' : 'Off: the car\'s fatigue events were deleted.';
  } catch (e) {
    box.checked = !wanted;
    $('fatigue-status').textContent = 'Not changed: ' + problemText(e);
  } finally {
    box.disabled = false;
  }
}

export async function loadTasks() {
  const vin = state.vin;
  if (!vin) {
    return;
  }
  try {
    const answer = await api(base(vin) + '/service-tasks?limit=20');
    if (state.vin === vin) {
      tasks = answer.tasks || [];
      renderTasks();
    }
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) {
      $('task-list').replaceChildren(el('li', { class: 'error' }, 'Could not load the service tasks: ' + problemText(e)));
    }
  }
}

function renderTasks() {
  if (tasks.length === 0) {
    $('task-list').replaceChildren(el('li', { class: 'muted' }, 'No service tasks about this car.'));
    return;
  }
  $('task-list').replaceChildren(...tasks.map((t) => el('li', { class: 'task', 'data-testid': 'task', 'data-task-id': t.id, 'data-status': t.status },
    el('strong', null, t.title || humanise(t.type)),
    el('span', { class: 'badge', 'data-testid': 'task-status' }, humanise(t.status)),
    el('p', { class: 'muted small' }, 'Opened ' + when(t.createdAt) + (t.outcome ? ' · ' + t.outcome : '')),
    ratingOf(t))));
}

function ratingOf(task) {
  if (task.rating) {
    return el('p', { class: 'rated', 'data-testid': 'task-rated', 'data-value': task.rating },
      'You rated this ' + '★'.repeat(task.rating) + '☆'.repeat(5 - task.rating) + '. Thank you.');
  }
  if (task.status !== 'RESOLVED') {
    return null;
  }
  const error = el('p', { class: 'error', role: 'alert', hidden: true });
  const group = el('div', { class: 'stars', role: 'group', 'aria-label': 'Rate how the service team handled this' },
    [1, 2, 3, 4, 5].map((n) => el('button', {
      type: 'button', class: 'star', 'data-testid': 'rate-' + n, 'aria-label': n + (n === 1 ? ' star' : ' stars'),
      onclick: () => rate(task, n, group, error),
    }, '★')));
  return el('div', { class: 'rating' }, el('p', { class: 'small' }, 'How did we do?'), group, error);
}

async function rate(task, stars, group, error) {
  for (const b of group.querySelectorAll('button')) {
    b.disabled = true;
  }
  try {
    const rated = await api(base() + '/service-tasks/' + encodeURIComponent(task.id) + '/rating', { method: 'POST', body: { stars } });
    tasks = tasks.map((t) => (t.id === rated.id ? rated : t));
    renderTasks();
  } catch (e) {
    error.textContent = 'Rating not saved: ' + problemText(e);
    error.hidden = false;
    for (const b of group.querySelectorAll('button')) {
      b.disabled = false;
    }
  }
}

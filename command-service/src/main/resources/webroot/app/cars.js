/*
 * The owner's cars: online, asleep or offline, and the latest state with its age. Presence is pushed on the
 * stream; the one change without an event (an asleep car missing its check-in, so now offline) is read again from
 * the backend at the moment the backend said it would happen (asleepUntil). The age is counted on the phone from
 * the server's ageSeconds at receipt (so a phone clock that is off does not make old data look new), and keeps
 * counting every second between pushes.
 */
import { api, ApiError, problemText } from './api.js';
import { $, ageText, el, number, parseTime, shortTime, when } from './dom.js';
import { CABIN, SOC, STALE_AFTER_S, state } from './state.js';

/** Stores a VehicleState (from the API or the stream) with the local time it was sampled. */
export function rememberState(vin, vehicleState) {
  const age = Number.isFinite(vehicleState.ageSeconds) ? vehicleState.ageSeconds : 0;
  const previous = state.states.get(vin);
  if (previous && previous.seq > vehicleState.seq && previous.sampledAt >= vehicleState.sampledAt) {
    return previous;
  }
  const entry = Object.assign({}, vehicleState, { sampledLocally: Date.now() - age * 1000 });
  const car = state.cars.get(vin);
  if (typeof vehicleState.online === 'boolean' && car && car.online !== vehicleState.online) {
    car.online = vehicleState.online;
    if (car.online) {
      car.presence = 'online';
    } else if (car.presence === 'online') {
      car.presence = 'offline'; // asleep or offline: the car record, pushed as well, tells which
    }
  }
  state.states.set(vin, entry);
  return entry;
}

/** Seconds since the car sampled its latest state, or null when it never reported. */
export function ageOf(vin) {
  const s = state.states.get(vin);
  return s ? Math.max(0, (Date.now() - s.sampledLocally) / 1000) : null;
}

/** "Data from 12 s ago", or why there is none. */
export function ageSentence(vin) {
  const age = ageOf(vin);
  if (age === null) {
    return 'No data from this car yet';
  }
  return 'Data from ' + ageText(age) + ' ago' + (age > STALE_AFTER_S ? ' (may be out of date)' : '');
}

/** Reads the cars and their latest state from the API (the backend's copy: the car is not woken). */
export async function loadCars() {
  const answer = await api('/vehicles');
  state.cars = new Map();
  (answer.vehicles || []).forEach(storeCar);
  await Promise.all([...state.cars.keys()].map(loadState));
}

/** Timers that re-read an asleep car when the backend stops counting it as asleep, by VIN. */
const asleepTimers = new Map();
/** Called with the VIN whenever a car's record is stored (a list or a view may show it). */
let carChanged = () => {};

/** What to redraw when a car's record changes. */
export function onCarChanged(listener) {
  carChanged = listener;
}

/**
 * Keeps a car's record (from GET /vehicles, GET /vehicles/{vin} or a pushed presence). An asleep car that
 * misses its check-in becomes offline without any event: its record is read again just after asleepUntil.
 */
export function storeCar(car) {
  state.cars.set(car.vin, car);
  clearTimeout(asleepTimers.get(car.vin));
  asleepTimers.delete(car.vin);
  const until = car.presence === 'asleep' ? parseTime(car.asleepUntil) : null;
  if (until !== null) {
    const wait = Math.min(2147483000, Math.max(0, until - Date.now()) + 1000);
    asleepTimers.set(car.vin, setTimeout(() => {
      asleepTimers.delete(car.vin);
      if (state.session && state.cars.has(car.vin)) {
        api('/vehicles/' + encodeURIComponent(car.vin)).then((fresh) => {
          storeCar(fresh);
          carChanged(car.vin);
        }, () => {});
      }
    }, wait));
  }
}

/** Forgets every car (signed out). */
export function forgetCars() {
  for (const timer of asleepTimers.values()) {
    clearTimeout(timer);
  }
  asleepTimers.clear();
  state.cars = new Map();
}

/** Re-reads one car's record (online, last seen) and state. */
export async function refreshCar(vin) {
  storeCar(await api('/vehicles/' + encodeURIComponent(vin)));
  await loadState(vin);
}

async function loadState(vin) {
  try {
    rememberState(vin, await api('/vehicles/' + encodeURIComponent(vin) + '/state'));
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) {
      throw e;
    }
    // 404 "No state yet": the car never reported; said as such on screen
  }
}

/** online, asleep or offline: the backend's word, or the connection alone from an older answer. */
export function presenceOf(car) {
  if (!car) {
    return 'offline';
  }
  return car.presence || (car.online ? 'online' : 'offline');
}

export function presenceText(car) {
  if (!car) {
    return '';
  }
  switch (presenceOf(car)) {
    case 'online':
      return 'online';
    case 'asleep':
      return 'asleep, wakes by ' + clock(car.checkInBy);
    default:
      return car.lastSeenAt ? 'offline since ' + when(car.lastSeenAt) : 'never connected';
  }
}

/** "07:40" for today's times, the day as well otherwise. */
function clock(iso) {
  const t = parseTime(iso);
  if (t === null) {
    return '?';
  }
  return new Date(t).toDateString() === new Date().toDateString() ? shortTime.format(new Date(t)) : when(iso);
}

/**
 * Draws the list, or updates its rows in place when the same cars are listed (a pushed state changes a few
 * words, not the rows a finger or the keyboard focus is on).
 */
export function renderCarList() {
  const list = $('car-list');
  const cars = [...state.cars.values()];
  $('cars-empty').hidden = cars.length > 0;
  const rows = [...list.querySelectorAll('[data-testid=car-row]')];
  if (rows.length !== cars.length || rows.some((row, i) => row.dataset.vin !== cars[i].vin)) {
    list.replaceChildren(...cars.map((car) => carRow(car)));
  }
  for (const car of cars) {
    fillRow(list.querySelector('[data-testid=car-row][data-vin="' + car.vin + '"]'), car);
  }
}

function carRow(car) {
  return el('li', { 'data-testid': 'car-row', 'data-vin': car.vin },
    el('a', { class: 'car-link card', href: '#/car/' + encodeURIComponent(car.vin) },
      el('span', { class: 'car-title' },
        el('strong', { 'data-testid': 'car-row-name' }),
        el('span', { class: 'badge presence', 'data-testid': 'car-row-presence' })),
      el('span', { class: 'car-summary' },
        el('span', { 'data-testid': 'car-row-cabin' }),
        el('span', { 'data-testid': 'car-row-soc' })),
      el('span', { class: 'data-age', 'data-testid': 'car-row-age', 'data-age-of': car.vin })));
}

function fillRow(row, car) {
  const s = state.states.get(car.vin);
  const cabin = s ? number(s.signals[CABIN], 1) : null;
  const soc = s ? number(s.signals[SOC], 0) : null;
  const part = (id) => row.querySelector('[data-testid=' + id + ']');
  part('car-row-name').textContent = car.name || car.vin;
  part('car-row-presence').textContent = presenceText(car);
  part('car-row-presence').dataset.value = presenceOf(car);
  part('car-row-cabin').textContent = 'Cabin ' + (cabin === null ? '—' : cabin + ' °C');
  part('car-row-soc').textContent = 'Charge ' + (soc === null ? '—' : soc + ' %');
  part('car-row-age').textContent = ageSentence(car.vin);
}

/** Shows an error loading the list where the list would be. */
export function carListError(e) {
  $('car-list').replaceChildren(el('li', { class: 'error', role: 'alert' }, 'Could not load your cars: ' + problemText(e)));
}

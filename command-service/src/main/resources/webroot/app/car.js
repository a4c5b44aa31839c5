/*
 * One car on screen: presence, the latest state with its age, the cabin chart. Everything comes from the API
 * once and then from the live stream (presence included); nothing asks the car itself.
 */
import { api, problemText } from './api.js';
import { $, ageText, el, number, parseTime, when } from './dom.js';
import { CabinChart } from './chart.js';
import { ageOf, ageSentence, presenceOf, presenceText, rememberState } from './cars.js';
import { AUTO_OFF, CABIN, HVAC_ON, OUTSIDE, SOC, STALE_AFTER_S, state } from './state.js';

let chart = null;

export function carChart() {
  if (!chart) {
    chart = new CabinChart($('chart'));
  }
  return chart;
}

/** Fills the car view for `vin` from what is known, then reads history. */
export async function showCar(vin) {
  renderHead(vin);
  renderFacts(vin);
  carChart().reset([]);
  await loadHistory(vin);
}

async function loadHistory(vin) {
  const from = new Date(Date.now() - 30 * 60 * 1000).toISOString();
  try {
    const page = await api('/vehicles/' + encodeURIComponent(vin) + '/telemetry?bucket=raw&limit=2000&from=' + encodeURIComponent(from));
    if (state.vin !== vin) {
      return;
    }
    // sample times are the car's clock; the chart's axis is the phone's: shift by the latest state's age
    const shift = clockShift(vin);
    const points = (page.samples || []).map((s) => ({ t: parseTime(s.timestamp) + shift, v: s.signals[CABIN] }));
    const latest = state.states.get(vin);
    if (latest) {
      points.push({ t: latest.sampledLocally, v: latest.signals[CABIN] });
    }
    carChart().reset(points);
  } catch (e) {
    $('chart').replaceChildren(el('p', { class: 'error' }, 'Could not load the temperature history: ' + problemText(e)));
  }
}

/** Phone time minus car time, from the latest state (0 when unknown). */
function clockShift(vin) {
  const s = state.states.get(vin);
  const sampled = s ? parseTime(s.sampledAt) : null;
  return sampled === null ? 0 : s.sampledLocally - sampled;
}

/** A pushed state of `vin`. */
export function onCarState(vin, vehicleState) {
  const s = rememberState(vin, vehicleState);
  if (state.vin === vin) {
    renderFacts(vin);
    carChart().add(s.sampledLocally, s.signals[CABIN]);
  }
}

export function renderHead(vin) {
  const car = state.cars.get(vin);
  $('car-name').textContent = car ? car.name || car.vin : vin;
  const presence = $('car-presence');
  presence.textContent = presenceText(car);
  presence.dataset.value = presenceOf(car);
  const asleep = $('car-asleep');
  asleep.hidden = presenceOf(car) !== 'asleep';
  asleep.textContent = asleep.hidden ? ''
    : 'The car is asleep to save its battery. It checks in by ' + when(car.checkInBy)
      + ' or as soon as someone uses it; what you send meanwhile waits for it.';
  tickAge();
}

function fact(label, value, testid, extra) {
  return el('div', { class: 'fact' },
    el('dt', null, label),
    el('dd', { 'data-testid': testid, 'data-value': extra === undefined ? null : extra }, value));
}

export function renderFacts(vin) {
  const s = state.states.get(vin);
  const box = $('facts');
  if (!s) {
    box.replaceChildren(el('p', { class: 'muted' }, 'The car has not reported yet. Its data appears here as soon as it does.'));
    return;
  }
  const sig = s.signals || {};
  const cabin = number(sig[CABIN], 1);
  const outside = number(sig[OUTSIDE], 1);
  const soc = number(sig[SOC], 0);
  const doors = Object.keys(sig).filter((k) => /^Vehicle\.Cabin\.Door\.[^.]+\.[^.]+\.IsLocked$/.test(k));
  let locks = '—';
  if (doors.length) {
    const unlocked = doors.filter((k) => sig[k] !== true).map((k) => k.split('.').slice(3, 5).join(' '));
    locks = unlocked.length === 0 ? 'Locked' : 'Unlocked: ' + unlocked.join(', ');
  }
  const open = Object.keys(sig).filter((k) => /\.IsOpen$/.test(k) && sig[k] === true);
  const hvacOn = sig[HVAC_ON] === true;
  const autoOff = sig[AUTO_OFF];
  box.replaceChildren(
    fact('Cabin', cabin === null ? '—' : cabin + ' °C', 'fact-cabin', cabin === null ? '' : cabin),
    fact('Outside', outside === null ? '—' : outside + ' °C', 'fact-outside'),
    fact('Charge', soc === null ? '—' : soc + ' %', 'fact-soc'),
    fact('Locks', locks + (open.length ? ' · open: ' + open.map((k) => k.split('.').slice(-3, -1).join(' ')).join(', ') : ''), 'fact-locks'),
    fact('A/C', hvacOn ? 'On' + (autoOff ? ', off at ' + when(autoOff) : '') : 'Off', 'fact-ac', hvacOn ? 'on' : 'off'));
  tickAge();
}

/** Every second: the data's age under the car's name and on the list. */
export function tickAge() {
  if (state.vin) {
    const node = $('car-age');
    const age = ageOf(state.vin);
    node.textContent = ageSentence(state.vin);
    node.classList.toggle('stale', age !== null && age > STALE_AFTER_S);
    node.title = age === null ? '' : 'Sampled by the car ' + ageText(age) + ' ago';
  }
  for (const node of document.querySelectorAll('[data-age-of]')) {
    node.textContent = ageSentence(node.dataset.ageOf);
  }
}


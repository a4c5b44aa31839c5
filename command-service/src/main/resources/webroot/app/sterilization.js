/*
 * Cabin sterilization: the start button stays disabled until the owner ticked every point of the safety
 * checklist, and the request says so (checklistConfirmed). The phases follow the car's own report
 * (Vehicle.Cabin.Sterilization.Phase, pushed with every state); why it was refused (the command's reason) or
 * aborted (the car's event) is shown in words and as the reason code.
 */
import { api } from './api.js';
import { $, el, humanise, when } from './dom.js';
import { CommandView, showsNewer } from './commands.js';
import { sendCommand } from './climate.js';
import { STERI_PHASE, state } from './state.js';

const PHASES = ['PRECHECK', 'HEATING', 'HOLDING', 'VENTILATING', 'COMPLETED'];
let view = null;
let shownPhase = null;
/** Why the car aborted, from its event, kept while the car still shows ABORTED. */
let abortNote = null;

function steriView() {
  if (!view) {
    view = new CommandView($('steri-command'), 'Sterilization');
  }
  return view;
}

function checks() {
  return [...document.querySelectorAll('#steri-form [data-check]')];
}

function updateStartButton() {
  $('steri-start').disabled = !checks().every((c) => c.checked);
}

export function setUpSterilization() {
  for (const check of checks()) {
    check.addEventListener('change', updateStartButton);
  }
  $('steri-form').addEventListener('submit', (event) => {
    event.preventDefault();
    if (!checks().every((c) => c.checked)) {
      steriView().error('Confirm every point of the checklist first.');
      return;
    }
    sendCommand(steriView(), 'Start sterilization', { type: 'STERILIZATION_START', checklistConfirmed: true }, $('steri-start'))
      .then(() => {
        // a new start needs a new confirmation
        checks().forEach((c) => { c.checked = false; });
        updateStartButton();
      });
  });
  $('steri-cancel').addEventListener('click', () => {
    sendCommand(steriView(), 'Cancel sterilization', { type: 'STERILIZATION_CANCEL' }, $('steri-cancel'));
  });
}

/** Clears the section for another car; shows its newest sterilization command of the last two hours. */
export function restoreSterilization(commands) {
  const newest = commands.find((c) => c.type === 'STERILIZATION_START' || c.type === 'STERILIZATION_CANCEL');
  if (showsNewer(steriView(), newest)) {
    renderPhase(state.vin);
    return;
  }
  shownPhase = null;
  abortNote = null;
  checks().forEach((c) => { c.checked = false; });
  updateStartButton();
  steriView().clear();
  const recent = commands.find((c) => (c.type === 'STERILIZATION_START' || c.type === 'STERILIZATION_CANCEL')
    && Date.now() - Date.parse(c.createdAt) < 2 * 3600 * 1000);
  if (recent) {
    steriView().title = recent.type === 'STERILIZATION_CANCEL' ? 'Cancel sterilization' : 'Start sterilization';
    steriView().show(recent);
  }
  renderPhase(state.vin);
}

/** The car's phase, from its latest state; an abort is explained from the car's event. */
export function renderPhase(vin) {
  const s = state.states.get(vin);
  const phase = s && s.signals ? s.signals[STERI_PHASE] : null;
  const label = $('steri-phase');
  const list = $('steri-phases');
  label.dataset.value = phase || '';
  if (!phase || phase === 'IDLE' || phase === 'UNSPECIFIED' || phase === 'NONE') {
    label.textContent = 'Not running.';
    list.replaceChildren();
    shownPhase = phase;
    return;
  }
  const aborted = phase === 'ABORTED';
  const reached = aborted ? -1 : PHASES.indexOf(phase);
  label.textContent = aborted ? abortNote || 'Aborted by the car.' : phase === 'COMPLETED' ? 'Completed.' : 'Running: ' + humanise(phase).toLowerCase() + '.';
  const items = PHASES.map((p, i) => el('li', {
    class: i < reached ? 'done' : i === reached ? 'current' : 'ahead', 'data-phase': p,
    'aria-current': i === reached ? 'step' : null,
  }, humanise(p)));
  if (aborted) {
    items.push(el('li', { class: 'current bad', 'data-phase': 'ABORTED', 'aria-current': 'step' }, 'Aborted'));
  }
  list.replaceChildren(...items);
  if (phase !== shownPhase) {
    shownPhase = phase;
    abortNote = null;
    if (aborted) {
      explainAbort(vin);
    }
  }
}

/** The car's event for the abort may be stored a moment after the state that shows it: asked a few times. */
async function explainAbort(vin, attempt) {
  const tries = attempt || 1;
  try {
    const answer = await api('/vehicles/' + encodeURIComponent(vin) + '/events?limit=20');
    const event = (answer.events || []).find((e) => e.kind === 'sterilization_phase_changed' && /ABORTED/.test(e.summary));
    if (state.vin !== vin || shownPhase !== 'ABORTED') {
      return;
    }
    if (event) {
      abortNote = 'Aborted by the car at ' + when(event.at) + ': ' + event.summary + '.';
      $('steri-phase').textContent = abortNote;
      return;
    }
  } catch (e) {
    // the phase is on screen; the reason is tried again below
  }
  if (tries < 5) {
    setTimeout(() => explainAbort(vin, tries + 1), 1500);
  }
}

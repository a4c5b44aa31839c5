/*
 * A/C now: start with a target temperature and a duration, or stop. The card below the buttons follows the
 * command step by step (commands.js) and says "done" only when the car confirmed it. A refusal by a cloud safety
 * check (422) is shown with its reason code, like a refusal by the car.
 */
import { ApiError, api, newKey, problemText } from './api.js';
import { $ } from './dom.js';
import { CommandView, showsNewer } from './commands.js';
import { state } from './state.js';

let view = null;
/**
 * The last request whose answer was lost (no network, a 5xx): the same request tapped again reuses its
 * Idempotency-Key, so if the first one did reach the backend the car still gets one command, not two.
 */
let unanswered = null;

function climateView() {
  if (!view) {
    view = new CommandView($('climate-command'), 'A/C');
  }
  return view;
}

/** Sends a command for the car on screen and shows it in `commandView`. Shared with sterilization. */
export async function sendCommand(commandView, title, body, button) {
  const vin = state.vin;
  commandView.title = title;
  button.disabled = true;
  const request = vin + ' ' + JSON.stringify(body);
  const key = unanswered && unanswered.request === request ? unanswered.key : newKey();
  unanswered = null;
  try {
    const command = await api('/vehicles/' + encodeURIComponent(vin) + '/commands', {
      method: 'POST', body, idempotencyKey: key,
    });
    commandView.show(command);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 0 || e.status >= 500)) {
      unanswered = { request, key };
    }
    if (e instanceof ApiError && e.status === 422 && e.problem.command) {
      commandView.show(e.problem.command);
    } else if (!(e instanceof ApiError) || e.status !== 401) {
      commandView.error(title + ' was not sent: ' + problemText(e));
    }
  } finally {
    button.disabled = false;
  }
}

export function setUpClimate() {
  $('climate-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const target = Number($('climate-target').value);
    const minutes = Number($('climate-duration').value);
    if (!(target >= 16 && target <= 30) || !(Number.isInteger(minutes) && minutes >= 1 && minutes <= 30)) {
      climateView().error('Choose a target from 16 to 30 °C and 1 to 30 minutes.');
      return;
    }
    sendCommand(climateView(), 'Start A/C at ' + target + ' °C for ' + minutes + ' min', {
      type: 'CLIMATE_START', targetTemperatureC: target, durationMinutes: minutes, allowLowCharge: $('climate-lowcharge').checked,
    }, $('climate-start'));
  });
  $('climate-stop').addEventListener('click', () => {
    sendCommand(climateView(), 'Stop A/C', { type: 'CLIMATE_STOP' }, $('climate-stop'));
  });
}

/** Shows the newest A/C command of the last hour, so a reload does not hide one still on its way. */
export function restoreClimate(commands) {
  const recent = commands.find((c) => (c.type === 'CLIMATE_START' || c.type === 'CLIMATE_STOP')
    && Date.now() - Date.parse(c.createdAt) < 3600 * 1000);
  if (showsNewer(climateView(), recent)) {
    return;
  }
  climateView().clear();
  if (recent) {
    climateView().title = recent.type === 'CLIMATE_STOP' ? 'Stop A/C' : 'Start A/C';
    climateView().show(recent);
  }
}

/*
 * carlink owner app: the owner's cars, A/C now and on a schedule, cabin sterilization, alerts and service, on
 * top of the documented public API (/api/v1). Plain DOM and native ES modules: no framework, no build step,
 * nothing loaded from elsewhere; everything the server sends is shown with textContent.
 *
 * This module only wires the others together and routes: #/ is the list of cars, #/car/<VIN> one car.
 */
import { hideBanner, showBanner } from '/common/banner.js';
import { api, ApiError, OFFLINE_TEXT, whenUnauthorized } from './api.js';
import { $ } from './dom.js';
import { carListError, forgetCars, loadCars, onCarChanged, refreshCar, renderCarList, storeCar } from './cars.js';
import { onCarState, renderHead, showCar, tickAge } from './car.js';
import { clearCommandViews, onCommandEvent, redrawWaitingCommands } from './commands.js';
import { restoreClimate, setUpClimate } from './climate.js';
import { loadSchedules, resetSchedules, setUpSchedules } from './schedules.js';
import { resumeOrSignIn, sessionExpired, setUpOwnerSession } from './session.js';
import { loadService, loadTasks, onAlert, setUpService } from './service.js';
import { renderPhase, restoreSterilization, setUpSterilization } from './sterilization.js';
import { state } from './state.js';
import { closeAllStreams, onStreamEvents, syncStreams } from './stream.js';

let ticker = null;

whenUnauthorized(sessionExpired);
setUpOwnerSession(signedIn, signedOut);
onStreamEvents({
  state: (vin, s) => {
    onCarState(vin, s);
    if (vin === state.vin) {
      renderPhase(vin);
    } else if (!$('cars').hidden) {
      renderCarList();
    }
  },
  command: (vin, c) => onCommandEvent(c),
  alert: (vin, a) => onAlert(vin, a),
  presence: (vin, car) => {
    if (state.cars.has(vin)) {
      storeCar(car);
      carChanged(vin);
    }
  },
  reconnected: () => {
    // events may have been missed: read the cars again, and the car on screen
    loadCars().then(() => {
      if (state.vin) {
        openCar(state.vin);
      } else if (!$('cars').hidden) {
        renderCarList();
      }
    }, () => {});
  },
});
onCarChanged(carChanged);

/** A car's record changed (presence): redraw where it shows. */
function carChanged(vin) {
  if (vin === state.vin) {
    renderHead(vin);
    redrawWaitingCommands();
  } else if (!$('cars').hidden) {
    renderCarList();
  }
}

setUpClimate();
setUpSchedules();
setUpSterilization();
setUpService();
$('banner-close').addEventListener('click', () => hideBanner());
window.addEventListener('hashchange', route);
window.addEventListener('offline', () => showBanner(OFFLINE_TEXT, 'network'));
window.addEventListener('online', () => {
  hideBanner('network');
  if (state.session) {
    // what was shown may be behind, or was never loaded (the app opened offline): read it all again
    signedIn();
  }
});
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && state.session && state.vin) {
    refreshCar(state.vin).then(() => renderHead(state.vin), () => {});
    loadTasks();
  }
});

/** How often the app tries again to load the cars when the server could not be reached. */
const RETRY_MS = 5000;
let retry = null;

async function signedIn() {
  clearInterval(ticker);
  clearTimeout(retry);
  ticker = setInterval(tickAge, 1000);
  try {
    await loadCars();
  } catch (e) {
    if (!state.session) {
      return;
    }
    showCars();
    carListError(e);
    if (e instanceof ApiError && e.status === 0) {
      // no network, or the server is away: a phone does not always say when it is back
      retry = setTimeout(() => state.session && signedIn(), RETRY_MS);
    }
    return;
  }
  syncStreams();
  route();
}

function signedOut() {
  clearInterval(ticker);
  clearTimeout(retry);
  ticker = null;
  closeAllStreams();
  clearCommandViews();
  forgetCars();
  state.states = new Map();
  state.vin = null;
}

function showCars() {
  $('car').hidden = true;
  $('cars').hidden = false;
}

function route() {
  if (!state.session) {
    return;
  }
  const match = /^#\/car\/([A-Z0-9]{17})$/.exec(location.hash);
  if (match && state.cars.has(match[1])) {
    if (state.vin !== match[1] || $('car').hidden) {
      openCar(match[1]);
    }
    return;
  }
  state.vin = null;
  clearCommandViews();
  syncStreams();
  renderCarList();
  showCars();
  toTop();
  // one car: straight to it, there is nothing to choose
  if (state.cars.size === 1 && !location.hash) {
    location.hash = '#/car/' + [...state.cars.keys()][0];
  }
}

/** A new view starts at its top, with the keyboard focus at the start of the content. */
function toTop() {
  window.scrollTo(0, 0);
  $('main').focus({ preventScroll: true });
}

async function openCar(vin) {
  state.vin = vin;
  clearCommandViews();
  $('cars').hidden = true;
  $('car').hidden = false;
  resetSchedules();
  syncStreams();
  const shown = showCar(vin);
  const commands = api('/vehicles/' + encodeURIComponent(vin) + '/commands').then((a) => a.commands || [], () => []);
  restoreClimate([]);
  restoreSterilization([]);
  commands.then((list) => {
    if (state.vin === vin) {
      restoreClimate(list);
      restoreSterilization(list);
    }
  });
  loadSchedules();
  loadService();
  toTop();
  await shown;
}

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' }).catch((e) => console.warn('no offline shell', e));
}

resumeOrSignIn();
if (!navigator.onLine) {
  // opened without a network (the shell came from the service worker's cache)
  showBanner(OFFLINE_TEXT, 'network');
}

/*
 * The car's picture in a task panel: online, asleep or offline, the latest state with the data's age, the 6-hour chart,
 * the command history and the car's events. All of it is what the server already holds, read from the API and
 * never asked of the car, and re-read on a timer while the panel is open.
 */
import { api, problemText } from './api.js';
import { drawChart } from './chart.js';
import { ageText, el, fullTime, humanise, number, parseTime, when } from './dom.js';

const CABIN = 'Vehicle.Cabin.HVAC.AmbientAirTemperature';
const SOC = 'Vehicle.Powertrain.TractionBattery.StateOfCharge.Displayed';
/** The car's picture is re-read from the API (never from the car) this often while a panel is open. */
const REFRESH_MS = 20000;
/** Six hours of history barely move in a minute, and they are the largest read. */
const CHART_REFRESH_MS = 60000;
const CHART_WINDOW_MS = 6 * 3600 * 1000;
/** Below this many buckets the chart uses raw samples: a car that just came online has only a few minutes. */
const MIN_BUCKETS_FOR_SERIES = 30;
const RAW_PAGE_LIMIT = 5000;
const RAW_MAX_PAGES = 4;
/** Older data than this is marked stale: the car may have changed since. */
const STALE_AFTER_S = 300;

export class CarPicture {
  /** field: the panel's lookup of its [data-field] elements by name. */
  constructor(field) {
    this.field = field;
    /** Set by the panel from its task: a panel opened from a saved id learns the VIN only once the task loads. */
    this.vin = null;
    this.vehicleState = null;
    this.chartPoints = null;
    this.timers = [];

    const chart = field('chart');
    chart.dataset.testid = 'chart';
    chart.dataset.pointsTemp = '0';
    chart.dataset.pointsSoc = '0';
    // the chart is drawn to the pixel width it has, which changes with the window and the number of panels
    this.chartWidth = 0;
    this.resize = new ResizeObserver(() => {
      const width = Math.floor(chart.clientWidth);
      if (width !== this.chartWidth) {
        this.chartWidth = width;
        this.redrawChart();
      }
    });
    this.resize.observe(chart);

    // a hidden tab does not poll: it catches up on the next round after it is shown again
    this.timers.push(setInterval(() => {
      if (!document.hidden && this.vin) {
        this.loadVehicle();
        this.loadState();
        this.loadCommands();
        this.loadEvents();
      }
    }, REFRESH_MS));
    this.timers.push(setInterval(() => {
      if (!document.hidden && this.vin) {
        this.loadChart();
      }
    }, CHART_REFRESH_MS));
  }

  load() {
    this.loadVehicle();
    this.loadState();
    this.loadChart();
    this.loadCommands();
    this.loadEvents();
  }

  destroy() {
    this.timers.forEach(clearInterval);
    this.resize.disconnect();
  }

  carPath(suffix) {
    return '/vehicles/' + encodeURIComponent(this.vin) + suffix;
  }

  // ------------------------------------------ online, asleep or offline, and the state now

  async loadVehicle() {
    const badge = this.field('presence');
    try {
      const vehicle = await api(this.carPath(''));
      const presence = vehicle.presence || (vehicle.online ? 'online' : 'offline');
      const titles = {
        online: () => 'online since ' + when(vehicle.onlineSince) + (vehicle.protocol ? ' over ' + vehicle.protocol : ''),
        asleep: () => 'asleep since ' + when(vehicle.asleepSince) + '; promised to check in by ' + when(vehicle.checkInBy),
        offline: () => 'offline; last seen ' + when(vehicle.lastSeenAt),
      };
      this.setPresence(presence, (titles[presence] || titles.offline)());
    } catch (e) {
      if (e.status !== 401) {
        badge.textContent = 'unknown';
        badge.dataset.value = '';
        badge.title = problemText(e);
      }
    }
  }

  /** presence: online, asleep or offline (the backend's word); title: since when, for a mouse-over. */
  setPresence(presence, title) {
    const badge = this.field('presence');
    if (!['online', 'asleep', 'offline'].includes(presence)) {
      return;
    }
    badge.textContent = presence;
    badge.dataset.value = presence;
    if (title) {
      badge.title = title;
    }
  }

  async loadState() {
    try {
      const latest = await api(this.carPath('/state'));
      this.vehicleState = { json: latest, fetchedAt: Date.now() };
      // the state says only whether the car is connected: asleep or offline is the vehicle record's to say
      if (latest.online === true || this.field('presence').dataset.value === 'online') {
        this.setPresence(latest.online === true ? 'online' : latest.online === false ? 'offline' : null);
      }
      this.renderState(latest);
    } catch (e) {
      if (e.status === 401) {
        return;
      }
      this.vehicleState = null;
      this.field('age').textContent = e.status === 404 ? 'No data: the car has not reported yet.' : 'Car state unavailable: ' + problemText(e);
      this.field('age').classList.toggle('stale', e.status !== 404);
      this.field('state').replaceChildren();
    }
  }

  /** The data's age counts up every second from the age the server reported, without asking it again. */
  tickAge() {
    const age = this.field('age');
    if (!this.vehicleState) {
      return;
    }
    const latest = this.vehicleState.json;
    const base = typeof latest.ageSeconds === 'number'
      ? latest.ageSeconds
      : (Date.now() - (parseTime(latest.sampledAt) || Date.now())) / 1000;
    const seconds = base + (Date.now() - this.vehicleState.fetchedAt) / 1000;
    age.textContent = 'Data age ' + ageText(seconds) + ' (sampled ' + when(latest.sampledAt) + ')';
    age.dataset.ageSeconds = String(Math.round(seconds));
    age.classList.toggle('stale', seconds > STALE_AFTER_S);
    age.title = 'received by the server ' + when(latest.receivedAt);
  }

  /** The signals staff act on, in words; a signal the car did not send is left out rather than shown empty. */
  renderState(latest) {
    const s = latest.signals || {};
    const rows = [];
    const add = (label, value, alert, testid) => {
      if (value !== null && value !== undefined && value !== '') {
        rows.push(el('dt', null, label), el('dd', { class: alert ? 'alert' : null, 'data-testid': testid || null }, value));
      }
    };
    const cabin = number(s[CABIN], 1);
    add('Cabin', cabin === null ? null : cabin + ' °C', s[CABIN] >= 40, 'state-cabin');
    const outside = number(s['Vehicle.Exterior.AirTemperature'], 1);
    add('Outside', outside === null ? null : outside + ' °C');
    const soc = number(s[SOC], 0);
    const charging = s['Vehicle.Powertrain.TractionBattery.Charging.IsCharging'] === true;
    const range = number(s['Vehicle.Powertrain.Range'], 0);
    add('Charge', soc === null ? null : soc + ' %' + (range !== null ? ', ' + range + ' km' : '') + (charging ? ', charging' : ''),
      s[SOC] < 20, 'state-soc');
    const speed = number(s['Vehicle.Speed'], 0);
    add('Speed', speed === null ? null : speed + ' km/h');
    add('Gear', gearName(s['Vehicle.Powertrain.Transmission.SelectedGear']));
    add('Ignition', s['Vehicle.LowVoltageSystemState'] ? humanise(s['Vehicle.LowVoltageSystemState']) : null);
    const fatigue = s['Vehicle.Driver.FatigueLevel'];
    const eyes = s['Vehicle.Driver.IsEyesOnRoad'];
    add('Driver', fatigue || typeof eyes === 'boolean'
      ? [fatigue ? 'fatigue ' + humanise(fatigue).toLowerCase() : null, typeof eyes === 'boolean' ? (eyes ? 'eyes on road' : 'eyes NOT on road') : null]
        .filter(Boolean).join(', ')
      : null, fatigue === 'CRITICAL' || fatigue === 'WARNING' || eyes === false);
    const seats = matching(s, /^Vehicle\.Cabin\.Seat\.(.+)\.OccupancyStatus$/);
    const occupied = seats.filter(([, v]) => v === 'OCCUPIED').map(([p]) => place(p));
    const unknown = seats.filter(([, v]) => v === 'UNKNOWN').map(([p]) => place(p));
    if (seats.length) {
      add('Seats', (occupied.length ? 'occupied: ' + occupied.join(', ') : 'all empty') + (unknown.length ? '; unknown: ' + unknown.join(', ') : ''),
        occupied.length > 0 && s[CABIN] >= 40);
    }
    const child = s['Vehicle.Cabin.ChildPresence'];
    add('Child', child ? humanise(child) : null, child === 'DETECTED');
    const doorsOpen = matching(s, /^Vehicle\.Cabin\.Door\.(.+)\.IsOpen$/);
    const doorsLocked = matching(s, /^Vehicle\.Cabin\.Door\.(.+)\.IsLocked$/);
    if (doorsOpen.length || doorsLocked.length) {
      const open = doorsOpen.filter(([, v]) => v === true).map(([p]) => place(p));
      const unlocked = doorsLocked.filter(([, v]) => v === false).map(([p]) => place(p));
      add('Doors', (open.length ? 'open: ' + open.join(', ') : 'closed') + '; ' + (unlocked.length ? 'unlocked: ' + unlocked.join(', ') : 'locked'));
    }
    const windows = matching(s, /^Vehicle\.Cabin\.Door\.(.+)\.Window\.Position$/).filter(([, v]) => v > 0);
    if (windows.length) {
      add('Windows', 'open: ' + windows.map(([p, v]) => place(p) + ' ' + Math.round(v) + ' %').join(', '));
    }
    if (s['Vehicle.Body.Trunk.Rear.IsOpen'] === true) {
      add('Trunk', 'open');
    }
    if (s['Vehicle.Cabin.HVAC.Mode']) {
      const target = number(s['Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature'], 1);
      add('Climate', humanise(s['Vehicle.Cabin.HVAC.Mode'])
        + (s['Vehicle.Cabin.HVAC.IsAirConditioningActive'] ? ', A/C on' : '')
        + (target !== null ? ', target ' + target + ' °C' : '')
        + (s['Vehicle.Cabin.HVAC.AutoOffAt'] ? ', off at ' + when(s['Vehicle.Cabin.HVAC.AutoOffAt']) : ''));
    }
    const phase = s['Vehicle.Cabin.Sterilization.Phase'];
    add('Sterilization', phase && phase !== 'IDLE' && phase !== 'UNSPECIFIED' ? humanise(phase) : null, phase === 'ABORTED');
    const volts = number(s['Vehicle.LowVoltageBattery.CurrentVoltage'], 1);
    add('12 V battery', volts === null ? null : volts + ' V', s['Vehicle.LowVoltageBattery.CurrentVoltage'] < 11.8);
    const lat = number(s['Vehicle.CurrentLocation.Latitude'], 5);
    const lon = number(s['Vehicle.CurrentLocation.Longitude'], 5);
    add('Location', lat !== null && lon !== null ? lat + ', ' + lon : null);
    const odometer = number(s['Vehicle.TraveledDistance'], 0);
    add('Odometer', odometer === null ? null : odometer + ' km');
    this.field('state').replaceChildren(...rows);
    this.tickAge();
  }

  // ------------------------------------------------ what was asked of the car, and what it said

  async loadCommands() {
    const box = this.field('commands');
    try {
      const answer = await api(this.carPath('/commands'));
      const commands = (answer.commands || []).slice()
        .sort((a, b) => (parseTime(b.createdAt) || 0) - (parseTime(a.createdAt) || 0));
      if (commands.length === 0) {
        box.replaceChildren(el('p', { class: 'muted' }, 'No commands sent to this car recently.'));
        return;
      }
      const rows = commands.map((c) => el('tr', { 'data-testid': 'command-row', 'data-status': c.status },
        el('td', { title: fullTime(c.createdAt) }, when(c.createdAt)),
        el('td', null, humanise(c.type), el('br'), el('span', { class: 'muted' }, c.requestedBy || '')),
        el('td', null, el('span', { class: 'cmd-status', 'data-value': c.status }, humanise(c.status)),
          c.mayHaveSucceeded ? el('span', { class: 'muted' }, ' (may have succeeded)') : null),
        el('td', null, c.reasonCode ? el('span', { class: 'reason', 'data-testid': 'command-reason' }, c.reasonCode) : null,
          c.detail ? el('span', { class: 'muted' }, (c.reasonCode ? ' ' : '') + c.detail) : null)));
      box.replaceChildren(el('div', { class: 'commands-wrap' },
        el('table', { class: 'commands' },
          el('thead', null, el('tr', null, el('th', { scope: 'col' }, 'When'), el('th', { scope: 'col' }, 'Command'),
            el('th', { scope: 'col' }, 'Status'), el('th', { scope: 'col' }, 'Reason'))),
          el('tbody', null, rows))));
    } catch (e) {
      if (e.status !== 401) {
        box.replaceChildren(el('p', { class: 'muted' }, 'Command history unavailable: ' + problemText(e)));
      }
    }
  }

  async loadEvents() {
    const list = this.field('events');
    try {
      const answer = await api(this.carPath('/events?limit=50'));
      const events = answer.events || [];
      if (events.length === 0) {
        list.replaceChildren(el('li', { class: 'muted' }, 'No events from this car.'));
        return;
      }
      list.classList.add('events-list');
      list.replaceChildren(...events.map((ev) => el('li', { 'data-testid': 'event-entry', 'data-kind': ev.kind || '' },
        el('span', { class: 'when', title: 'at the car ' + fullTime(ev.at) + (ev.receivedAt ? '; received ' + fullTime(ev.receivedAt) : '') }, when(ev.at)),
        el('span', { class: 'kind' }, humanise(ev.kind)),
        el('span', { class: 'text' }, ev.summary || ''))));
    } catch (e) {
      if (e.status !== 401) {
        list.replaceChildren(el('li', { class: 'muted' }, 'Car events unavailable: ' + problemText(e)));
      }
    }
  }

  // ------------------------------------------------ the chart's data

  /**
   * Bucketed averages when the car has enough history for a series, raw samples when it has only minutes; the
   * raw samples are paged, up to a limit, so that one chatty car cannot stall the panel.
   */
  async loadChart() {
    const to = Date.now();
    const from = to - CHART_WINDOW_MS;
    const range = (a, b) => 'from=' + encodeURIComponent(new Date(a).toISOString()) + '&to=' + encodeURIComponent(new Date(b).toISOString());
    let points = null;
    let note = '';
    let rawFrom = from;
    try {
      try {
        const series = await api(this.carPath('/telemetry?' + range(from, to) + '&bucket=auto'));
        const buckets = series.buckets || [];
        if (buckets.length >= MIN_BUCKETS_FOR_SERIES) {
          const half = (series.bucketSeconds || 60) * 500;
          points = buckets.map((b) => ({
            t: parseTime(b.start) + half,
            temp: avg(b.signals, CABIN),
            soc: avg(b.signals, SOC),
          }));
          note = 'averages per ' + (series.bucket || 'bucket');
        } else if (buckets.length > 0) {
          rawFrom = Math.max(from, parseTime(buckets[0].start) || from);
        }
      } catch (e) {
        if (e.status === 401 || e.status === 0) {
          throw e;
        }
        // no bucketed series here: raw samples still draw the chart
      }
      if (points === null) {
        points = [];
        let cursor = null;
        for (let page = 0; page < RAW_MAX_PAGES; page++) {
          const answer = await api(this.carPath('/telemetry?' + range(rawFrom, to) + '&limit=' + RAW_PAGE_LIMIT
            + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '')));
          for (const sample of answer.samples || []) {
            const signals = sample.signals || {};
            points.push({ t: parseTime(sample.timestamp), temp: signals[CABIN], soc: signals[SOC] });
          }
          cursor = answer.truncated ? answer.next : null;
          if (!cursor) {
            break;
          }
        }
        note = cursor ? 'raw samples (the most recent are not all shown)' : 'raw samples';
      }
      this.chartPoints = { points: points.filter((p) => p.t !== null), from, to, note };
      this.redrawChart();
    } catch (e) {
      if (e.status !== 401) {
        this.field('chart').replaceChildren(el('p', { class: 'chart-empty' }, 'History unavailable: ' + problemText(e)));
      }
    }
  }

  redrawChart() {
    if (this.chartPoints) {
      drawChart(this.field('chart'), this.chartPoints);
    }
  }
}

function avg(signals, name) {
  const summary = signals && signals[name];
  return summary && typeof summary.avg === 'number' ? summary.avg : undefined;
}

/** The signals whose VSS path matches, as [the pattern's first group (a seat or door position), value]. */
function matching(signals, pattern) {
  const out = [];
  for (const [key, value] of Object.entries(signals)) {
    const m = pattern.exec(key);
    if (m) {
      out.push([m[1], value]);
    }
  }
  return out;
}

/** A VSS seat or door position in the words staff use on the phone with the owner. */
function place(position) {
  return position.replace('Row1.DriverSide', 'driver').replace('Row1.PassengerSide', 'front passenger')
    .replace('Row2.DriverSide', 'rear left').replace('Row2.PassengerSide', 'rear right').replace('Row2.Middle', 'rear middle');
}

/** VSS SelectedGear: 126 park, 127 drive, 0 neutral, negative reverse, positive a forward gear. */
function gearName(gear) {
  if (typeof gear !== 'number') {
    return null;
  }
  if (gear === 126) {
    return 'P (park)';
  }
  if (gear === 127) {
    return 'D (drive)';
  }
  if (gear === 0) {
    return 'N (neutral)';
  }
  return gear < 0 ? 'R (reverse)' : 'D' + gear;
}

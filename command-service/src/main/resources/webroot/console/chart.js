/*
 * The car's last 6 hours as an SVG line chart: cabin temperature on the left axis, state of charge on the right.
 * Drawn by hand because nothing is loaded from elsewhere; it is redrawn whole when the data or the width changes.
 */
import { el, shortTime, svg } from './dom.js';

const HEIGHT = 200;
const MARGIN = { left: 40, right: 40, top: 24, bottom: 34 };
/** Time-axis steps in minutes: the first that keeps the labels apart is used. */
const TIME_STEPS_MIN = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360];

/** A round step (1, 2, 2.5 or 5 times a power of ten) that cuts the span into about count parts. */
function niceStep(span, count) {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (m * power >= raw) {
      return m * power;
    }
  }
  return 10 * power;
}

/** Splits a series where the car went quiet, so a gap is not drawn as a straight line. */
function pathData(points, key, x, y) {
  const usable = points.filter((p) => typeof p[key] === 'number' && Number.isFinite(p[key]));
  if (usable.length === 0) {
    return { d: '', count: 0 };
  }
  const gaps = [];
  for (let i = 1; i < usable.length; i++) {
    gaps.push(usable[i].t - usable[i - 1].t);
  }
  const sortedGaps = gaps.slice().sort((a, b) => a - b);
  const median = sortedGaps.length ? sortedGaps[Math.floor(sortedGaps.length / 2)] : 0;
  const breakAfter = Math.max(median * 5, 120000);
  let d = '';
  usable.forEach((p, i) => {
    const jump = i === 0 || p.t - usable[i - 1].t > breakAfter;
    d += (jump ? 'M' : 'L') + x(p.t).toFixed(1) + ' ' + y(p[key]).toFixed(1) + ' ';
    if (jump && (i === usable.length - 1 || usable[i + 1].t - p.t > breakAfter)) {
      // a lone sample: a short tick so it stays visible
      d += 'l2 0 ';
    }
  });
  return { d: d.trim(), count: usable.length };
}

/**
 * Draws the chart into the container, replacing what it held. data: { points: [{ t, temp, soc }], from, to,
 * note }, where a point may lack either value. The container's data-points-temp and data-points-soc count the
 * values drawn (the browser test waits on them).
 */
export function drawChart(container, data) {
  const points = data.points;
  const temps = points.map((p) => p.temp).filter((v) => typeof v === 'number' && Number.isFinite(v));
  const socs = points.map((p) => p.soc).filter((v) => typeof v === 'number' && Number.isFinite(v));
  container.dataset.pointsTemp = String(temps.length);
  container.dataset.pointsSoc = String(socs.length);
  if (temps.length === 0 && socs.length === 0) {
    container.replaceChildren(el('p', { class: 'chart-empty', 'data-testid': 'chart-empty' },
      'No cabin temperature or charge reported in the last 6 hours.'));
    return;
  }
  const width = Math.max(260, Math.floor(container.clientWidth || 320));
  const height = HEIGHT;
  const m = MARGIN;
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;

  const times = points.map((p) => p.t);
  const xMax = Math.max(data.to, ...times);
  let xMin = Math.max(data.from, Math.min(...times));
  if (xMax - xMin < 60000) {
    xMin = xMax - 60000;
  }
  const x = (t) => m.left + ((t - xMin) / (xMax - xMin)) * plotW;

  let tMin = temps.length ? Math.min(...temps) : 0;
  let tMax = temps.length ? Math.max(...temps) : 40;
  if (tMax - tMin < 4) {
    const mid = (tMax + tMin) / 2;
    tMin = mid - 2;
    tMax = mid + 2;
  }
  const tStep = niceStep(tMax - tMin, 4);
  tMin = Math.floor(tMin / tStep) * tStep;
  tMax = Math.ceil(tMax / tStep) * tStep;
  const yTemp = (v) => m.top + plotH - ((v - tMin) / (tMax - tMin)) * plotH;
  const ySoc = (v) => m.top + plotH - (Math.min(100, Math.max(0, v)) / 100) * plotH;

  const grid = svg('g', { class: 'grid' });
  const left = svg('g', { class: 'axis axis-temp' });
  for (let v = tMin; v <= tMax + tStep / 2; v += tStep) {
    const yy = yTemp(v);
    grid.append(svg('line', { x1: m.left, x2: width - m.right, y1: yy, y2: yy }));
    left.append(svg('text', { x: m.left - 6, y: yy + 4, 'text-anchor': 'end' }, String(Math.round(v * 10) / 10)));
  }
  left.append(svg('text', { x: m.left - 6, y: m.top - 5, 'text-anchor': 'end', class: 'unit-temp' }, '°C'));
  const right = svg('g', { class: 'axis axis-soc' });
  for (const v of [0, 25, 50, 75, 100]) {
    right.append(svg('text', { x: width - m.right + 6, y: ySoc(v) + 4, 'text-anchor': 'start' }, String(v)));
  }
  right.append(svg('text', { x: width - m.right + 6, y: m.top - 5, 'text-anchor': 'start', class: 'unit-soc' }, '%'));

  const bottom = svg('g', { class: 'axis axis-time' });
  bottom.append(svg('line', { x1: m.left, x2: width - m.right, y1: m.top + plotH, y2: m.top + plotH }));
  const spanMin = (xMax - xMin) / 60000;
  const maxTicks = Math.max(2, Math.floor(plotW / 70));
  const stepMin = TIME_STEPS_MIN.find((s) => spanMin / s <= maxTicks) || 360;
  const stepMs = stepMin * 60000;
  // ticks on round local times (14:00, not 13:47), so the offset from UTC is taken out before rounding
  const offset = new Date(xMin).getTimezoneOffset() * 60000;
  for (let t = Math.ceil((xMin - offset) / stepMs) * stepMs + offset; t <= xMax; t += stepMs) {
    const xx = x(t);
    bottom.append(svg('line', { x1: xx, x2: xx, y1: m.top + plotH, y2: m.top + plotH + 4 }));
    bottom.append(svg('text', { x: xx, y: m.top + plotH + 16, 'text-anchor': 'middle' }, shortTime.format(new Date(t))));
  }
  bottom.append(svg('text', { x: m.left + plotW / 2, y: height - 2, 'text-anchor': 'middle' },
    'time (local); ' + (xMin > data.from + 60000 ? 'data since ' + shortTime.format(new Date(xMin)) : 'last 6 hours')));

  const temp = pathData(points, 'temp', x, yTemp);
  const soc = pathData(points, 'soc', x, ySoc);
  const lastTemp = temps.length ? temps[temps.length - 1] : null;
  const lastSoc = socs.length ? socs[socs.length - 1] : null;
  // what a screen reader says instead of the picture
  const summary = 'Chart: cabin temperature '
    + (temps.length ? Math.min(...temps).toFixed(1) + ' to ' + Math.max(...temps).toFixed(1) + ' °C' : 'not reported')
    + ', state of charge ' + (socs.length ? Math.min(...socs).toFixed(0) + ' to ' + Math.max(...socs).toFixed(0) + ' %' : 'not reported')
    + ', from ' + shortTime.format(new Date(xMin)) + ' to ' + shortTime.format(new Date(xMax)) + '.';
  const chart = svg('svg', {
    viewBox: '0 0 ' + width + ' ' + height,
    width,
    height,
    role: 'img',
    'aria-label': summary,
    'data-testid': 'chart-svg',
  },
    svg('title', null, summary),
    grid, left, right, bottom,
    svg('path', { class: 'series-temp', d: temp.d, 'data-testid': 'chart-temp', 'data-points': temp.count }),
    svg('path', { class: 'series-soc', d: soc.d, 'data-testid': 'chart-soc', 'data-points': soc.count }));
  const legend = el('p', { class: 'legend' },
    el('span', null, el('span', { class: 'swatch temp' }), 'Cabin temperature, °C (left)'
      + (lastTemp !== null ? ': ' + lastTemp.toFixed(1) : '')),
    el('span', null, el('span', { class: 'swatch soc' }), 'State of charge, % (right)'
      + (lastSoc !== null ? ': ' + lastSoc.toFixed(0) : '')),
    el('span', { class: 'muted' }, data.note));
  container.replaceChildren(chart, legend);
}

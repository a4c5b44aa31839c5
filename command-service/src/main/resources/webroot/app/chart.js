/*
 * The cabin temperature of the last 30 minutes as an SVG line, drawn by hand (nothing is loaded from elsewhere).
 * History comes from the telemetry API once; each pushed state adds a point. The container's data-points counts
 * the values drawn.
 */
import { el, shortTime, svg } from './dom.js';

const WINDOW_MS = 30 * 60 * 1000;
const MIN_SPAN_MS = 5 * 60 * 1000;
const HEIGHT = 160;
const M = { left: 34, right: 10, top: 10, bottom: 24 };
const MAX_POINTS = 2000;

export class CabinChart {
  constructor(container) {
    this.container = container;
    this.points = [];
    this.pending = false;
    new ResizeObserver(() => this.draw()).observe(container);
  }

  /** Replaces the history: [{ t: ms, v: °C }]. */
  reset(points) {
    this.points = points.filter((p) => Number.isFinite(p.v)).sort((a, b) => a.t - b.t);
    this.draw();
  }

  add(t, v) {
    if (!Number.isFinite(v) || !Number.isFinite(t)) {
      return;
    }
    const last = this.points[this.points.length - 1];
    if (last && t <= last.t) {
      return;
    }
    this.points.push({ t, v });
    if (this.points.length > MAX_POINTS) {
      this.points.splice(0, this.points.length - MAX_POINTS);
    }
    // many pushes in a burst cost one drawing
    if (!this.pending) {
      this.pending = true;
      requestAnimationFrame(() => {
        this.pending = false;
        this.draw();
      });
    }
  }

  draw() {
    const now = Date.now();
    const points = this.points.filter((p) => p.t >= now - WINDOW_MS);
    // a car with little history gets a shorter axis (at least MIN_SPAN_MS), so its first minutes are readable
    const from = points.length ? Math.max(now - WINDOW_MS, Math.min(points[0].t, now - MIN_SPAN_MS)) : now - WINDOW_MS;
    const span = now - from;
    this.container.dataset.points = String(points.length);
    const width = Math.max(240, Math.floor(this.container.clientWidth || 320));
    if (points.length === 0) {
      this.container.replaceChildren(el('p', { class: 'muted' }, 'No cabin temperature in the last 30 minutes.'));
      return;
    }
    const values = points.map((p) => p.v);
    let lo = Math.floor(Math.min(...values) - 1);
    let hi = Math.ceil(Math.max(...values) + 1);
    if (hi - lo < 4) {
      hi = lo + 4;
    }
    const x = (t) => M.left + ((t - from) / span) * (width - M.left - M.right);
    const y = (v) => M.top + (1 - (v - lo) / (hi - lo)) * (HEIGHT - M.top - M.bottom);
    let d = '';
    points.forEach((p, i) => {
      const gap = i > 0 && p.t - points[i - 1].t > 120000;
      d += (i === 0 || gap ? 'M' : 'L') + x(p.t).toFixed(1) + ' ' + y(p.v).toFixed(1) + ' ';
    });
    const grid = [];
    const step = Math.max(1, Math.ceil((hi - lo) / 4));
    for (let v = lo; v <= hi; v += step) {
      grid.push(svg('line', { x1: M.left, x2: width - M.right, y1: y(v), y2: y(v), class: 'grid' }));
      grid.push(svg('text', { x: M.left - 4, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, String(v)));
    }
    for (let i = 0; i <= 3; i++) {
      const t = from + (i * span) / 3;
      grid.push(svg('text', { x: x(t), y: HEIGHT - 6, 'text-anchor': i === 0 ? 'start' : i === 3 ? 'end' : 'middle', class: 'axis' },
        shortTime.format(new Date(t))));
    }
    const last = points[points.length - 1];
    const label = 'Cabin temperature since ' + shortTime.format(new Date(from)) + ': ' + points.length + ' readings, from '
      + points[0].v.toFixed(1) + ' °C to ' + last.v.toFixed(1) + ' °C now';
    this.container.replaceChildren(svg('svg', {
      viewBox: '0 0 ' + width + ' ' + HEIGHT, width, height: HEIGHT, role: 'img', 'aria-label': label,
    },
    svg('title', null, label),
    grid,
    svg('path', { d: d.trim(), class: 'line', 'data-testid': 'chart-line' }),
    svg('circle', { cx: x(last.t), cy: y(last.v), r: 3.5, class: 'dot' })));
  }
}

// Geometry of the latency chart (time on x, milliseconds on y), separate from the SVG drawing so
// it can be tested without a DOM.
import type { LatencyPoint } from './model';

export interface ChartBox {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface ChartGeometry {
  dots: { x: number; y: number; ms: number; t: number }[];
  /** SVG path data through the dots in time order ('' for fewer than two). */
  line: string;
  yMax: number;
  yTicks: { y: number; ms: number }[];
  /** y of a reference value (e.g. the endpoint's p95), when inside the chart. */
  reference?: number;
  tMin: number;
  tMax: number;
}

/** The smallest 1, 2 or 5 × 10^k at or above `v`: round axis maxima. */
export function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 5, 10]) if (step * power >= v) return step * power;
  return 10 * power;
}

export const MAX_CHART_POINTS = 600;

export function chartGeometry(points: readonly LatencyPoint[], box: ChartBox, reference?: number): ChartGeometry {
  const usable = points.filter((p) => Number.isFinite(p.t) && Number.isFinite(p.ms) && p.ms >= 0);
  const sorted = [...usable].sort((a, b) => a.t - b.t).slice(-MAX_CHART_POINTS);
  const maxMs = Math.max(0, ...sorted.map((p) => p.ms), reference ?? 0);
  const yMax = niceCeil(maxMs);
  const tMin = sorted.length > 0 ? sorted[0]!.t : 0;
  const tMax = sorted.length > 0 ? sorted[sorted.length - 1]!.t : 0;
  const plotW = Math.max(1, box.width - box.left - box.right);
  const plotH = Math.max(1, box.height - box.top - box.bottom);
  const x = (t: number): number => box.left + (tMax === tMin ? plotW / 2 : ((t - tMin) / (tMax - tMin)) * plotW);
  const y = (ms: number): number => box.top + plotH - (ms / yMax) * plotH;
  const round = (n: number): number => Math.round(n * 10) / 10;
  const dots = sorted.map((p) => ({ x: round(x(p.t)), y: round(y(p.ms)), ms: p.ms, t: p.t }));
  const line = dots.length < 2 ? '' : dots.map((d, i) => `${i === 0 ? 'M' : 'L'}${d.x} ${d.y}`).join(' ');
  const yTicks = [0, 0.5, 1].map((f) => ({ y: round(y(yMax * f)), ms: yMax * f }));
  const geometry: ChartGeometry = { dots, line, yMax, yTicks, tMin, tMax };
  if (reference !== undefined && reference >= 0 && reference <= yMax) geometry.reference = round(y(reference));
  return geometry;
}

export interface StatusBar {
  status: string;
  count: number;
  /** Share of the largest count, 0..1, for the bar width. */
  share: number;
}

/** Status codes in numeric order with bar widths relative to the most frequent one. */
export function statusBars(statuses: Record<string, number>): StatusBar[] {
  const entries = Object.entries(statuses).filter(([, n]) => typeof n === 'number' && n > 0);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  return entries
    .sort(([a], [b]) => Number(a) - Number(b) || (a < b ? -1 : 1))
    .map(([status, count]) => ({ status, count, share: count / max }));
}

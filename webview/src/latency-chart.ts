// Draws the latency chart as SVG built with DOM APIs (createElementNS + textContent): no markup
// strings, so nothing from traffic can become an element. Colours come from CSS classes.
import { chartGeometry, type ChartBox } from './chart-geometry';
import { formatClock, formatMs } from './format';
import type { LatencyPoint } from './model';

const SVG = 'http://www.w3.org/2000/svg';

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

export const CHART_BOX: ChartBox = { width: 560, height: 160, left: 56, right: 12, top: 10, bottom: 22 };

export function buildLatencyChart(points: readonly LatencyPoint[], p95: number | undefined, box: ChartBox = CHART_BOX): SVGSVGElement {
  const g = chartGeometry(points, box, p95);
  const svg = el('svg', { viewBox: `0 0 ${box.width} ${box.height}`, class: 'latency-chart', role: 'img' });
  svg.setAttribute('aria-label', `Latency over time, ${g.dots.length} points, up to ${formatMs(g.yMax)}`);
  for (const tick of g.yTicks) {
    svg.append(el('line', { x1: box.left, x2: box.width - box.right, y1: tick.y, y2: tick.y, class: 'grid' }));
    svg.append(el('text', { x: box.left - 6, y: tick.y + 4, 'text-anchor': 'end', class: 'axis' }, formatMs(tick.ms)));
  }
  if (g.reference !== undefined) {
    svg.append(el('line', { x1: box.left, x2: box.width - box.right, y1: g.reference, y2: g.reference, class: 'reference' }));
    svg.append(el('text', { x: box.width - box.right, y: g.reference - 3, 'text-anchor': 'end', class: 'axis' }, 'p95'));
  }
  if (g.line !== '') svg.append(el('path', { d: g.line, class: 'series' }));
  for (const d of g.dots) {
    const dot = el('circle', { cx: d.x, cy: d.y, r: 2.5, class: 'dot' });
    dot.append(el('title', {}, `${formatClock(d.t)} · ${formatMs(d.ms)}`));
    svg.append(dot);
  }
  if (g.dots.length > 0) {
    const base = box.height - 6;
    svg.append(el('text', { x: box.left, y: base, 'text-anchor': 'start', class: 'axis' }, formatClock(g.tMin).slice(0, 8)));
    if (g.tMax !== g.tMin) svg.append(el('text', { x: box.width - box.right, y: base, 'text-anchor': 'end', class: 'axis' }, formatClock(g.tMax).slice(0, 8)));
  } else {
    svg.append(el('text', { x: box.width / 2, y: box.height / 2, 'text-anchor': 'middle', class: 'axis' }, 'No latency data yet'));
  }
  return svg;
}

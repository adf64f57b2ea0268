import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chartGeometry, MAX_CHART_POINTS, niceCeil, statusBars, type ChartBox } from '../../webview/src/chart-geometry';
import { formatClock, formatCount, formatMs } from '../../webview/src/format';

const box: ChartBox = { width: 200, height: 100, left: 20, right: 0, top: 0, bottom: 20 };

test('axis maxima round up to 1, 2 or 5 × 10^k', () => {
  assert.deepEqual([0, 0.3, 1, 1.1, 3, 7, 11, 180, 201, 999].map(niceCeil), [1, 0.5, 1, 2, 5, 10, 20, 200, 500, 1000]);
});

test('points map into the plot box in time order; the max sits at the top', () => {
  const g = chartGeometry([{ t: 2000, ms: 50 }, { t: 1000, ms: 0 }, { t: 3000, ms: 100 }], box, 80);
  assert.equal(g.yMax, 100);
  assert.deepEqual(g.dots.map((d) => [d.x, d.y]), [[20, 80], [110, 40], [200, 0]]);
  assert.equal(g.line, 'M20 80 L110 40 L200 0');
  assert.equal(g.reference, 16);
  assert.deepEqual(g.yTicks.map((t) => t.ms), [0, 50, 100]);
});

test('degenerate input: nothing, one point, junk values, too many points', () => {
  const none = chartGeometry([], box);
  assert.equal(none.dots.length, 0);
  assert.equal(none.line, '');
  const one = chartGeometry([{ t: 5, ms: 3 }], box);
  assert.equal(one.dots[0]!.x, 110, 'a single point is centred');
  assert.equal(one.line, '');
  const junk = chartGeometry([{ t: Number.NaN, ms: 1 }, { t: 1, ms: -4 }, { t: 2, ms: Infinity }, { t: 3, ms: 2 }], box);
  assert.equal(junk.dots.length, 1);
  const many = chartGeometry(Array.from({ length: 5000 }, (_, i) => ({ t: i, ms: i % 10 })), box);
  assert.equal(many.dots.length, MAX_CHART_POINTS);
  assert.equal(many.tMax, 4999, 'the most recent points are kept');
});

test('status bars: numeric order, width relative to the largest', () => {
  assert.deepEqual(statusBars({ '500': 5, '200': 20, '404': 10, '0': 0 }), [
    { status: '200', count: 20, share: 1 },
    { status: '404', count: 10, share: 0.5 },
    { status: '500', count: 5, share: 0.25 },
  ]);
  assert.deepEqual(statusBars({}), []);
});

test('formatting', () => {
  assert.equal(formatCount(1204), '1,204');
  assert.deepEqual([undefined, 0, 0.123, 4.56, 38.4, 1234, 65_000].map(formatMs), ['–', '0 ms', '0.12 ms', '4.6 ms', '38 ms', '1.23 s', '65.0 s']);
  assert.match(formatClock(Date.UTC(2026, 0, 1, 12, 0, 0, 7)), /^\d\d:\d\d:\d\d\.007$/);
});

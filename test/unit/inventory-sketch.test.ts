import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatencySketch } from '../../core/src/inventory/sketch';
import { seededRandom } from '../fixtures/templating/corpus-generator';

function exactQuantile(sorted: readonly number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

function lognormal(rng: () => number, mu: number, sigma: number): number {
  const u = Math.max(rng(), 1e-12);
  const v = rng();
  return Math.exp(mu + sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
}

const DISTRIBUTIONS: Record<string, (rng: () => number) => number> = {
  uniform: (rng) => 1 + rng() * 999,
  lognormal: (rng) => lognormal(rng, Math.log(30), 1),
  // A fast path plus a slow tail (cache hits vs misses), the shape that breaks averages.
  bimodal: (rng) => (rng() < 0.9 ? 2 + rng() * 3 : 400 + rng() * 1600),
  pareto: (rng) => 5 / Math.pow(Math.max(rng(), 1e-9), 1 / 1.5),
};

for (const [name, draw] of Object.entries(DISTRIBUTIONS)) {
  test(`quantiles are within the relative accuracy of exact ones (${name})`, () => {
    const rng = seededRandom(7);
    const sketch = new LatencySketch(0.01);
    const values: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      const v = draw(rng);
      values.push(v);
      sketch.add(v);
    }
    values.sort((a, b) => a - b);
    for (const q of [0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1]) {
      const exact = exactQuantile(values, q);
      const estimate = sketch.quantile(q)!;
      assert.ok(Math.abs(estimate - exact) <= 0.01 * exact + 1e-9, `${name} q=${q}: ${estimate} vs ${exact}`);
    }
    const summary = sketch.summary()!;
    assert.equal(summary.count, values.length);
    assert.equal(summary.min, values[0]);
    assert.equal(summary.max, values[values.length - 1]);
    assert.ok(sketch.bucketCount < 1200, `${sketch.bucketCount} buckets`);
  });
}

test('merge equals the sketch of the union', () => {
  const rng = seededRandom(11);
  const a = new LatencySketch();
  const b = new LatencySketch();
  const union = new LatencySketch();
  for (let i = 0; i < 20_000; i++) {
    const v = i % 3 === 0 ? lognormal(rng, 0, 2) : 100 + rng() * 10;
    (i % 2 === 0 ? a : b).add(v);
    union.add(v);
  }
  a.add(0);
  union.add(0);
  const merged = LatencySketch.fromJSON(a.toJSON());
  merged.merge(b);
  const m = merged.toJSON();
  const u = union.toJSON();
  assert.deepEqual({ ...m, sum: 0 }, { ...u, sum: 0 });
  assert.ok(Math.abs(m.sum - u.sum) < 1e-6 * u.sum);
  for (const q of [0.5, 0.95, 0.99]) assert.equal(merged.quantile(q), union.quantile(q));
});

test('empty, zero and non-finite values', () => {
  const s = new LatencySketch();
  assert.equal(s.quantile(0.5), undefined);
  assert.equal(s.summary(), undefined);
  s.add(Number.NaN);
  s.add(Infinity);
  assert.equal(s.count, 0);
  s.add(0);
  s.add(0);
  s.add(10);
  assert.equal(s.quantile(0.5), 0);
  assert.ok(Math.abs(s.quantile(1)! - 10) <= 0.1);
  assert.throws(() => s.merge(new LatencySketch(0.02)), RangeError);
});

test('bucket count stays bounded for absurd ranges', () => {
  const s = new LatencySketch(0.01, 64);
  for (let e = -6; e <= 9; e += 0.01) s.add(Math.pow(10, e));
  assert.ok(s.bucketCount <= 64);
  // The top of the range keeps its accuracy; the folded low tail does not.
  const p99 = s.quantile(0.99)!;
  assert.ok(p99 > 5e8 && p99 < 1e9 * 1.01);
});

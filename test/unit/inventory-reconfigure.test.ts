// TrafficStore.reconfigure: new bounds in place. Counters and sketches stay; lowered caps evict the
// least recently seen (counted, announced in the next delta); samples are trimmed to the new counts
// and re-bounded to the new body size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrafficStore } from '../../core/src/inventory/traffic-store';
import { tx } from './diff-helpers';

test('lowering the endpoint cap evicts the least recently seen endpoints and says so in the next delta', () => {
  const store = new TrafficStore({ maxEndpointsPerService: 50 });
  for (let i = 0; i < 12; i++) store.add(tx({ method: 'GET', path: `/static/page-${String.fromCharCode(97 + i)}`, service: 'web' }));
  assert.equal(store.stats().endpoints, 12);
  store.drainDelta();
  store.reconfigure({ maxEndpointsPerService: 10 });
  const delta = store.drainDelta();
  assert.deepEqual(delta?.removed.map((r) => r.reason), ['evicted', 'evicted']);
  assert.equal(store.stats().endpoints, 10);
  assert.equal(store.stats().evictedEndpoints, 2);
  assert.equal(store.stats().transactions, 12, 'the transaction count stays');
  const kept = store.snapshot().services[0]!.endpoints.map((e) => e.template);
  assert.ok(!kept.includes('/static/page-a') && !kept.includes('/static/page-b'), `the two oldest went: ${kept.join(', ')}`);
  // New endpoints obey the new cap too.
  store.add(tx({ method: 'GET', path: '/static/page-z', service: 'web' }));
  assert.equal(store.stats().endpoints, 10);
});

test('smaller samples: the kept ones are trimmed to the newest and re-bounded to the new body size', () => {
  const store = new TrafficStore({ maxRecentSamples: 5, maxStatusSamples: 1, minSampleIntervalMs: 0 });
  const big = { text: 'x'.repeat(1500) };
  for (let i = 0; i < 5; i++) store.add(tx({ method: 'GET', path: '/v1/report', service: 'api', resBody: big, startedAt: 1_000 + i }));
  const [endpoint] = store.observations();
  assert.equal(endpoint!.samples.length, 5);
  const latency = store.endpoint(endpoint!.id)!.latency;

  store.reconfigure({ maxRecentSamples: 2, maxStatusSamples: 1, minSampleIntervalMs: 0, maxBodyBytes: 100 });
  const [after] = store.observations();
  assert.deepEqual(after!.samples.map((s) => s.startedAt), [1_003, 1_004], 'the two newest (the newest of its status among them)');
  assert.ok(after!.samples.every((s) => (s.response?.body?.text?.length ?? 0) <= 100 && s.response?.body?.truncated === true), 'bodies re-bounded');
  assert.equal(after!.count, 5, 'the counter stays');
  assert.deepEqual(store.endpoint(after!.id)!.latency, latency, 'the latency sketch stays');
});

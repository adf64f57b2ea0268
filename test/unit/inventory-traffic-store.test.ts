import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ANY_SERVICE, TrafficStore, inventoryMemoryBound } from '../../core/src/inventory/traffic-store';
import type { Transaction } from '../../core/src/protocol/transaction';
import type { InventoryDelta } from '../../core/src/inventory/inventory-types';
import { syntheticTraffic } from '../fixtures/templating/synthetic-traffic';

let counter = 0;
function tx(path: string, init: { method?: string; status?: number; service?: string; ms?: number; headers?: [string, string][]; body?: string } = {}): Transaction {
  counter++;
  return {
    id: `id${counter}`,
    startedAt: 1_000 + counter,
    durationMs: init.ms ?? 10,
    origin: 'ebpf',
    service: init.service ?? 'api.local:80',
    client: { address: '127.0.0.1', port: 5000 },
    server: { address: '127.0.0.1', port: 80 },
    tls: false,
    httpVersion: '1.1',
    request: {
      method: init.method ?? 'GET',
      target: path,
      path,
      query: '',
      queryParams: [],
      headers: (init.headers ?? []).map(([name, value]) => ({ name, value })),
    },
    response: {
      status: init.status ?? 200,
      headers: [{ name: 'Content-Type', value: 'application/json; charset=utf-8' }],
      body: init.body === undefined ? undefined : { size: init.body.length, truncated: false, encoding: 'text', text: init.body, contentType: 'application/json' },
    },
    redactions: [],
  };
}

test('aggregates counts, statuses, latency, content types, auth schemes and redaction kinds', () => {
  const store = new TrafficStore();
  store.add(tx('/users/1', { ms: 10, headers: [['Authorization', 'Bearer [redacted]']] }));
  store.add(tx('/users/2', { ms: 20, status: 404, headers: [['X-Api-Key', '[redacted]']] }));
  const t = tx('/users/3', { ms: 30, headers: [['Cookie', '[redacted]'], ['Authorization', 'Basic [redacted]']] });
  t.redactions.push({ kind: 'cookie', location: 'request.header', name: 'cookie', count: 1 });
  const id = store.add(t);
  assert.equal(id, 'api.local:80 GET /users/{userId}');
  const e = store.endpoint(id)!;
  assert.equal(e.count, 3);
  assert.deepEqual(e.statuses, { '200': 2, '404': 1 });
  assert.deepEqual(e.responseContentTypes, ['application/json']);
  assert.deepEqual(new Set(e.authSchemes), new Set(['bearer', 'api-key-header', 'cookie', 'basic']));
  assert.deepEqual(e.redactionKinds, ['cookie']);
  assert.ok(Math.abs(e.latency!.p50 - 20) <= 0.2);
  assert.equal(e.firstSeen < e.lastSeen, true);
});

test('samples: the recent N plus one per distinct status, bodies capped in UTF-8 bytes', () => {
  const store = new TrafficStore({ maxRecentSamples: 2, maxStatusSamples: 3, maxBodyBytes: 10, minSampleIntervalMs: 0 });
  store.add(tx('/a', { status: 500, body: 'ééééééééé' })); // 18 bytes
  for (let i = 0; i < 50; i++) store.add(tx('/a', { status: 200 }));
  store.add(tx('/a', { status: 404 }));
  store.add(tx('/a', { status: 201 })); // a 4th status: not kept by status, only as recent
  const samples = store.endpoint('api.local:80 GET /a')!.samples;
  const statuses = samples.map((s) => s.response!.status);
  assert.deepEqual(new Set(statuses), new Set([500, 200, 404, 201]));
  assert.ok(samples.length <= 5);
  const err = samples.find((s) => s.response!.status === 500)!;
  assert.equal(err.response!.body!.text, 'ééééé');
  assert.equal(err.response!.body!.truncated, true);
});

test('deltas: only what changed, removals first, listener once per drain cycle', () => {
  const store = new TrafficStore();
  let events = 0;
  store.onChange(() => events++);
  store.add(tx('/a'));
  store.add(tx('/a'));
  store.add(tx('/b'));
  assert.equal(events, 1);
  const d1 = store.drainDelta()!;
  assert.equal(d1.sequence, 1);
  assert.deepEqual(d1.upserted.map((e) => e.template).sort(), ['/a', '/b']);
  assert.equal(store.drainDelta(), undefined);
  store.add(tx('/b'));
  assert.equal(events, 2);
  const d2 = store.drainDelta()!;
  assert.deepEqual(d2.upserted.map((e) => [e.template, e.count]), [['/b', 2]]);
  assert.equal(store.snapshot().sequence, 2);
  store.clear();
  const d3 = store.drainDelta()!;
  assert.equal(d3.reset, true);
  assert.equal(d3.upserted.length, 0);
});

test('a capped drain leaves the rest for the next one', () => {
  const store = new TrafficStore();
  for (let i = 0; i < 10; i++) store.add(tx(`/r${i}`));
  const first = store.drainDelta(4)!;
  assert.equal(first.upserted.length, 4);
  assert.equal(first.remaining, 6);
  const second = store.drainDelta(4)!;
  assert.equal(second.remaining, 2);
  const third = store.drainDelta()!;
  assert.equal(third.upserted.length, 2);
  assert.equal(third.remaining, 0);
  const ids = new Set([...first.upserted, ...second.upserted, ...third.upserted].map((e) => e.template));
  assert.equal(ids.size, 10);
  assert.equal(store.drainDelta(), undefined);
});

test('endpoints merge when the trie learns a parameter; counts and samples survive', () => {
  const store = new TrafficStore();
  const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'oscar'];
  const deltas: InventoryDelta[] = [];
  for (const n of names) {
    store.add(tx(`/profile/${n}-x/settings`));
    deltas.push(store.drainDelta()!);
  }
  for (let i = 0; i < 20; i++) store.add(tx(`/profile/user${i}q/settings`));
  deltas.push(store.drainDelta()!);
  const snapshot = store.snapshot();
  const templates = snapshot.services[0]!.endpoints.map((e) => `${e.template} ${e.count}`);
  assert.deepEqual(templates, ['/profile/{profileId}/settings 32']);
  const merged = deltas.flatMap((d) => d.removed).filter((r) => r.reason === 'merged');
  assert.ok(merged.length >= 1);
  assert.ok(merged.every((r) => r.into === 'api.local:80 GET /profile/{profileId}/settings'));
  // The trie now generalises at the second name (both lead to `settings`), so the first endpoint
  // is renamed into the template rather than merged with a second one: no merge counted.
  assert.equal(store.stats().mergedEndpoints, 0);
  // Replaying the deltas in order gives the same inventory as the snapshot.
  const replica = new Map<string, number>();
  for (const d of deltas) {
    for (const r of d.removed) replica.delete(r.id);
    for (const e of d.upserted) replica.set(e.id, e.count);
  }
  assert.deepEqual([...replica], [['api.local:80 GET /profile/{profileId}/settings', 32]]);
});

test('declared templates win and re-key existing endpoints', () => {
  const store = new TrafficStore();
  store.add(tx('/v2/pets/fido'));
  store.add(tx('/v2/pets/rex'));
  store.drainDelta();
  store.setKnownTemplates('api.local:80', ['/v2/pets/{petName}']);
  const d = store.drainDelta()!;
  const endpoints = store.snapshot().services[0]!.endpoints;
  assert.deepEqual(endpoints.map((e) => [e.template, e.count, e.declared]), [['/v2/pets/{petName}', 2, true]]);
  assert.deepEqual(d.upserted.map((e) => e.template), ['/v2/pets/{petName}']);
  assert.equal(store.add(tx('/v2/pets/felix')), 'api.local:80 GET /v2/pets/{petName}');
  store.setKnownTemplates('other:1', ['/x/{y}']);
  assert.equal(store.add(tx('/x/abc', { service: 'other:1' })), 'other:1 GET /x/{y}');
  // Templates for any service without its own list.
  store.add(tx('/things/abc', { service: 'third:3' }));
  store.setKnownTemplates(ANY_SERVICE, ['/things/{thingName}', '/x/{z}']);
  assert.equal(store.add(tx('/things/def', { service: 'third:3' })), 'third:3 GET /things/{thingName}');
  assert.equal(store.endpoint('third:3 GET /things/{thingName}')!.count, 2);
  assert.equal(store.add(tx('/x/abc', { service: 'other:1' })), 'other:1 GET /x/{y}', 'its own list wins');
  store.setKnownTemplates('other:1', []);
  assert.equal(store.add(tx('/x/abc', { service: 'other:1' })), 'other:1 GET /x/{z}', 'falls back to the shared list');
});

test('least recently seen endpoints and services are evicted and counted', () => {
  const store = new TrafficStore({ maxEndpointsPerService: 3, maxServices: 2 });
  store.add(tx('/a'));
  store.add(tx('/b'));
  store.add(tx('/c'));
  store.add(tx('/a')); // touch: /b is now the oldest
  store.add(tx('/d'));
  assert.deepEqual(store.snapshot().services[0]!.endpoints.map((e) => e.template), ['/c', '/a', '/d']);
  store.add(tx('/x', { service: 's2' }));
  store.add(tx('/y', { service: 's3' }));
  const stats = store.stats();
  assert.equal(stats.services, 2);
  assert.equal(stats.evictedServices, 1);
  assert.equal(stats.evictedEndpoints, 1 + 3);
  const removed = store.drainDelta()!.removed;
  assert.ok(removed.some((r) => r.id === 'api.local:80 GET /b' && r.reason === 'evicted'));
});

// Memory: bench/store.ts measures the heap of a full default store after 1,000,000 transactions
// (600-byte JSON bodies, 3–4 headers): about 5–6 KB per endpoint, i.e. ~30 MB for 5,000 endpoints,
// against a worst case of ~200 KB per endpoint (every sample at every cap, two-byte strings) that
// inventoryMemoryBound() computes: 1.0 GB for the defaults (20 services × 250 endpoints).
test('1,000,000 transactions stay within every bound', () => {
  const options = { maxServices: 8, maxEndpointsPerService: 100, maxRecentSamples: 3, maxStatusSamples: 3, maxPendingRemovals: 1000, templater: { maxNodes: 2000 } };
  const store = new TrafficStore(options);
  // 10 services (more than allowed: the rarest ones churn) and 5 % never-repeating paths with no id in them.
  const next = syntheticTraffic({ seed: 1, services: 10, junkPathShare: 0.05 });
  let maxPending = 0;
  for (let i = 0; i < 1_000_000; i++) {
    store.add(next());
    if (i % 100_000 === 99_999) {
      const stats = store.stats();
      assert.ok(stats.services <= options.maxServices);
      assert.ok(stats.endpoints <= options.maxServices * options.maxEndpointsPerService);
      assert.ok((stats.trieNodes ?? Infinity) <= options.maxServices * options.templater.maxNodes);
      if (i === 499_999) maxPending = store.drainDelta()!.removed.length; // drained once, then never again
    }
  }
  const stats = store.stats();
  assert.equal(stats.transactions, 1_000_000);
  assert.ok(stats.evictedEndpoints > 0, 'junk paths must have forced evictions');
  assert.ok(maxPending <= options.maxPendingRemovals);
  const snapshot = store.snapshot();
  assert.ok(snapshot.services.length <= options.maxServices);
  for (const s of snapshot.services) {
    assert.ok(s.endpoints.length <= options.maxEndpointsPerService, `${s.service}: ${s.endpoints.length}`);
    for (const e of s.endpoints) {
      const full = store.endpoint(e.id)!;
      assert.ok(full.samples.length <= options.maxRecentSamples + options.maxStatusSamples);
      assert.ok(full.sketch.bins.length <= 2048);
    }
  }
  // Undrained for 500,000 transactions: the pending removals collapsed into a reset.
  const last = store.drainDelta()!;
  assert.equal(last.reset, true);
  assert.equal(last.removed.length, 0);
  // The real endpoints were found among the junk (in the busiest service, never evicted).
  const busiest = snapshot.services.find((s) => s.service === 'svc-0.local:8080')!;
  const templates = new Set(busiest.endpoints.map((e) => `${e.method} ${e.template}`));
  for (const t of ['GET /users/{userId}/orders/{orderId}', 'GET /repos/{repoId}/{id}/issues/{issueId}', 'GET /health']) {
    assert.ok(templates.has(t), t);
  }
  assert.ok(inventoryMemoryBound(options) > 0);
});

test('deltas carry only new samples; endpoint() and resets carry all of them', () => {
  const store = new TrafficStore({ maxRecentSamples: 2, maxStatusSamples: 2, minSampleIntervalMs: 0 });
  store.add(tx('/a', { status: 200 }));
  store.add(tx('/a', { status: 500 }));
  assert.equal(store.drainDelta()!.upserted[0]!.samples.length, 2);
  store.add(tx('/a', { status: 200 }));
  const second = store.drainDelta()!.upserted[0]!.samples;
  assert.equal(second.length, 1);
  // recent: the 500 and the last 200; by status: the same two.
  assert.equal(store.endpoint('api.local:80 GET /a')!.samples.length, 2);
  store.requestReset();
  const reset = store.drainDelta()!;
  assert.equal(reset.reset, true);
  assert.equal(reset.upserted[0]!.samples.length, 2);
  // Many adds between drains: the pending samples never exceed what the endpoint holds.
  for (let i = 0; i < 1000; i++) store.add(tx('/a', { status: 200 + (i % 7) }));
  assert.ok(store.drainDelta()!.upserted[0]!.samples.length <= 4);
});

test('a hot endpoint is sampled at most once per interval, new statuses always', () => {
  const store = new TrafficStore({ maxRecentSamples: 3, maxStatusSamples: 4, minSampleIntervalMs: 1000 });
  const base = counter;
  for (let i = 0; i < 100; i++) store.add(tx('/hot', { status: i === 50 ? 503 : 200 })); // 1 ms apart
  const samples = store.endpoint('api.local:80 GET /hot')!.samples;
  // The first three filled the recent ring; the 503 was sampled (new status) and displaced the oldest.
  assert.deepEqual(samples.map((s) => s.response!.status), [200, 200, 503]);
  assert.deepEqual(samples.map((s) => Number(s.id.slice(2)) - base), [2, 3, 51]);
});

test('header blocks, content types, long paths and methods are capped', () => {
  const store = new TrafficStore({ maxHeaderBytes: 100, maxContentTypes: 2, minSampleIntervalMs: 0 });
  const headers: [string, string][] = [];
  for (let i = 0; i < 50; i++) headers.push([`X-H${i}`, 'v'.repeat(30)]);
  store.add(tx('/h', { headers }));
  const sample = store.endpoint('api.local:80 GET /h')!.samples[0]!;
  const size = sample.request.headers.reduce((n, h) => n + h.name.length + h.value.length, 0);
  assert.ok(size <= 100, `${size}`);
  assert.ok(sample.request.headers.length >= 2);
  for (const type of ['text/plain', 'text/html', 'application/xml']) {
    const t = tx('/h');
    t.response!.headers = [{ name: 'content-type', value: type }];
    store.add(t);
  }
  assert.equal(store.endpoint('api.local:80 GET /h')!.responseContentTypes.length, 2);
  const longPath = '/' + 'a'.repeat(10_000);
  const id = store.add(tx(longPath, { method: 'x'.repeat(100) }));
  assert.ok(id.length < 2_400, `${id.length}`);
  const long = store.endpoint(id)!.samples[0]!;
  assert.ok(long.request.path.length <= 2048);
});

test('samples keep the pod that served them (k8s), its names capped', () => {
  const store = new TrafficStore();
  const served = tx('/orders/7');
  served.k8s = { namespace: 'shop', pod: `orders-7d9f-${'x'.repeat(600)}`, container: 'api', workload: { kind: 'Deployment', name: 'orders' } };
  store.add(served);
  const [sample] = store.observations().flatMap((o) => o.samples);
  assert.ok(sample?.k8s, 'the sample has its k8s attribution');
  assert.equal(sample.k8s.namespace, 'shop');
  assert.equal(sample.k8s.container, 'api');
  assert.deepEqual(sample.k8s.workload, { kind: 'Deployment', name: 'orders' });
  assert.ok(sample.k8s.pod.startsWith('orders-7d9f-') && sample.k8s.pod.length < served.k8s.pod.length, 'a long pod name is capped');
});

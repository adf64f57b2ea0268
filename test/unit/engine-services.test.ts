// The engine's services in-process, under no LSP at all: what the thin handlers of
// server/src/engine-handlers.ts answer, computed from the engine's own traffic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transactionsToHar } from '../../core/src/har/har-export';
import type { EndpointFindings } from '../../core/src/messages';
import { ChangeBatcher } from '../../server/src/engine/change-batcher';
import { endpointDetail, exportHar, generateServiceSpec, importHar, recentTransactions, snapshot, type EngineState } from '../../server/src/engine/engine-services';
import { SensorHub } from '../../server/src/engine/sensor-hub';
import { Traffic } from '../../server/src/engine/traffic';
import { tx } from './diff-helpers';

function engine(t: { after: (fn: () => void) => void }, findings: EndpointFindings[] = []): EngineState {
  const traffic = new Traffic();
  const sensors = new SensorHub({ transactions: (items) => traffic.add(items), changed: () => undefined, log: () => undefined });
  t.after(() => {
    sensors.dispose();
    traffic.dispose();
  });
  return { epoch: 'epoch-1', traffic, sensors, endpointFindings: () => findings };
}

const SERVICE = '127.0.0.1:8080';
const traffic = [
  tx({ method: 'GET', path: '/v1/pets/1', service: SERVICE, resBody: { id: 1, name: 'Rex' } }),
  tx({ method: 'GET', path: '/v1/pets/2', service: SERVICE, resBody: { id: 2, name: 'Tom' } }),
  tx({ method: 'GET', path: '/v1/pets/3', service: SERVICE, status: 404, resBody: { message: 'no pet' } }),
];

test('a HAR goes into the engine; snapshot, detail and the recent window answer from it, with the epoch', (t) => {
  const e = engine(t);
  const har = JSON.stringify(transactionsToHar(traffic, { creator: { name: 'test', version: '1' } }));
  assert.deepEqual(importHar(e, har, 'pets.har'), { ok: true, imported: 3, skipped: [] });
  const bad = importHar(e, '{"log": 1}', 'broken.har');
  assert.equal(bad.ok, false);
  assert.match(bad.ok ? '' : bad.reason, /^broken\.har is not a HAR 1\.2 file/);

  const snap = snapshot(e);
  assert.equal(snap.epoch, 'epoch-1');
  const endpoints = snap.inventory.services.flatMap((s) => s.endpoints);
  assert.deepEqual(endpoints.map((x) => `${x.method} ${x.template} ${x.count}`), ['GET /v1/pets/{petId} 3']);
  assert.deepEqual(snap.sensors, []);

  const detail = endpointDetail(e, endpoints[0]!.id);
  assert.equal(detail.epoch, 'epoch-1');
  assert.ok(detail.detail && detail.detail.samples.length >= 2, 'samples held by the engine');
  assert.equal(endpointDetail(e, 'gone').detail, undefined);

  const all = recentTransactions(e, undefined);
  assert.equal(all.transactions.length, 3);
  assert.deepEqual(recentTransactions(e, all.cursor).transactions, [], 'nothing newer than the cursor');
  e.traffic.add([tx({ method: 'GET', path: '/v1/pets/4', service: SERVICE, resBody: { id: 4 } })]);
  assert.deepEqual(recentTransactions(e, all.cursor).transactions.map((x) => x.request.path), ['/v1/pets/4']);
});

test('export, generate and clear: the engine answers, the client only writes files', (t) => {
  const e = engine(t);
  e.traffic.add(traffic);
  const exported = exportHar(e, '9.9.9');
  assert.equal(exported.transactions, 3);
  assert.equal((exported.har as { log: { creator: { version: string } } }).log.creator.version, '9.9.9');

  const generated = generateServiceSpec(e, SERVICE);
  assert.ok(generated.ok);
  assert.match(generated.text, /\/v1\/pets\/\{petId\}:/);
  assert.equal(generated.operations, 1);
  assert.deepEqual(generateServiceSpec(e, 'nobody'), { ok: false, reason: 'no sampled traffic of nobody is kept (cleared or evicted)' });

  e.traffic.clear();
  assert.equal(snapshot(e).inventory.services.length, 0);
  assert.equal(exportHar(e, '1').transactions, 0);
});

test('new inventory bounds apply without a reload, keeping what the store counted', (t) => {
  const e = engine(t);
  for (let i = 0; i < 30; i++) e.traffic.add([tx({ method: 'GET', path: `/v1/things${i % 4}`, service: `svc-${i % 3}`, resBody: { i } })]);
  const before = snapshot(e).inventory;
  assert.equal(before.services.length, 3);
  const counts = (s: typeof before): string[] => s.services.flatMap((x) => x.endpoints.map((ep) => `${x.service} ${ep.method} ${ep.template} ×${ep.count}`)).sort();
  e.traffic.reconfigure({ maxServices: 3, maxEndpointsPerService: 250, maxRecentSamples: 1, maxStatusSamples: 1, maxBodyBytes: 2048 });
  const after = snapshot(e).inventory;
  assert.deepEqual(counts(after), counts(before), 'endpoints and their counters stay (not restarted from samples)');
  assert.equal(after.stats.transactions, 30, 'the store\'s transaction count stays');
  assert.ok(e.traffic.observations().every((o) => o.samples.length === 1), 'samples trimmed to the new count');
  e.traffic.reconfigure({ maxServices: 1 });
  const one = snapshot(e).inventory;
  assert.equal(one.services.length, 1, 'the new bound holds at once');
  assert.equal(one.stats.evictedServices, 2, 'the services dropped are counted as evicted');
  assert.equal(one.stats.transactions, 30);
});

test('change notifications are batched: many marks, one notification per interval, with the epoch', async () => {
  const sent: unknown[] = [];
  let done: () => void = () => undefined;
  const flushed = new Promise<void>((resolve) => (done = resolve));
  const batcher = new ChangeBatcher('epoch-2', (params) => {
    sent.push(params);
    done();
  }, 20);
  for (let i = 0; i < 1000; i++) batcher.mark(i % 2 ? 'inventory' : 'transactions');
  batcher.mark('sensors');
  await flushed;
  batcher.dispose();
  assert.deepEqual(sent, [{ epoch: 'epoch-2', inventory: true, findings: false, sensors: true, transactions: true }]);
});

test('a gRPC method: the detail carries its gRPC part (hex without a .proto index), and no spec is generated from it', (t) => {
  const e = engine(t);
  const call = tx({ method: 'POST', path: '/pkg.Svc/Do', service: SERVICE });
  call.httpVersion = '2';
  call.grpc = { service: 'pkg.Svc', method: 'Do', status: 7 };
  call.request.body = { size: 6, truncated: false, encoding: 'base64', base64: Buffer.from([0, 0, 0, 0, 1, 0x08]).toString('base64') };
  e.traffic.add([call]);
  const id = snapshot(e).inventory.services.flatMap((s) => s.endpoints).find((x) => x.grpc)!.id;
  const { grpc } = endpointDetail(e, id);
  assert.deepEqual(grpc?.statuses, [{ code: 7, name: 'PERMISSION_DENIED', count: 1 }]);
  assert.deepEqual(grpc?.schema, { unavailable: 'this engine reads no .proto files' });
  assert.deepEqual(grpc?.samples[0]?.request, [{ index: 0, compressed: false, length: 1, hex: '08', reason: 'this engine reads no .proto files' }]);
  assert.equal(endpointDetail(e, snapshot(e).inventory.services[0]!.endpoints.find((x) => !x.grpc)?.id ?? 'none').grpc, undefined);
  const generated = generateServiceSpec(e, SERVICE);
  assert.equal(generated.ok, false, 'only gRPC traffic: nothing an OpenAPI document can describe');
});

// gRPC endpoints in the inventory: their own kind, keyed by `/pkg.Service/Method` as sent (never
// templated, never teaching the templater), counted by grpc-status, and left out of every
// comparison with OpenAPI documents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeCoverage } from '../../core/src/diff/coverage';
import { diffSpec } from '../../core/src/diff/diff';
import { transactionsToHar } from '../../core/src/har/har-export';
import { parseHar } from '../../core/src/har/har-import';
import { grpcFailedCalls } from '../../core/src/inventory/grpc-endpoint';
import { TrafficStore } from '../../core/src/inventory/traffic-store';
import { loadSpec } from '../../core/src/openapi/load';
import { grpcStatusName } from '../../core/src/protocol/grpc-status';
import type { Transaction } from '../../core/src/protocol/transaction';
import { tx } from './diff-helpers';
import { memoryFs } from './openapi-helpers';

const SERVICE = '127.0.0.1:50051';

function call(path: string, status: number | undefined, startedAt?: number): Transaction {
  const t = tx({ method: 'POST', path, service: SERVICE, reqType: 'application/grpc', reqBody: 'x', ...(startedAt === undefined ? {} : { startedAt }) });
  t.httpVersion = '2';
  const [, service, method] = path.split('/');
  t.grpc = { service: service!, method: method!, ...(status === undefined ? {} : { status }) };
  if (status !== undefined && status !== 0) t.grpc.message = `failed with ${status}`;
  return t;
}

test('a gRPC call is an endpoint of its own kind, counted by grpc-status: a non-zero status is a failed call although HTTP says 200', () => {
  const store = new TrafficStore();
  const ids = [call('/shop.v1.Catalog/GetItem', 0), call('/shop.v1.Catalog/GetItem', 0), call('/shop.v1.Catalog/GetItem', 5), call('/shop.v1.Catalog/GetItem', undefined)].map((t) => store.add(t));
  assert.equal(new Set(ids).size, 1);
  const e = store.endpoint(ids[0]!)!;
  assert.equal(e.id, `${SERVICE} gRPC /shop.v1.Catalog/GetItem`);
  assert.equal(e.template, '/shop.v1.Catalog/GetItem');
  assert.equal(e.method, 'POST');
  assert.equal(e.declared, false);
  assert.deepEqual(e.statuses, { '200': 4 });
  assert.deepEqual(e.grpc, { service: 'shop.v1.Catalog', method: 'GetItem', statuses: { '0': 2, '5': 1, none: 1 } });
  assert.equal(grpcFailedCalls(e.grpc!), 1);
  assert.equal(store.snapshot().services[0]!.endpoints[0]!.grpc?.statuses['5'], 1);
});

test('gRPC paths are not templated and do not teach the templater: value-looking methods stay apart, HTTP paths of the service still template', () => {
  const store = new TrafficStore();
  // Method names that a path templater would take for ids (numbers, hex, many siblings).
  const methods = ['1', '2', '3', 'deadbeef01', ...Array.from({ length: 30 }, (_, i) => `Get${i}`)];
  for (const m of methods) store.add(call(`/pkg.Svc/${m}`, 0));
  for (let i = 1; i <= 5; i++) store.add(tx({ path: `/users/${i}`, service: SERVICE }));
  const endpoints = store.snapshot().services.flatMap((s) => s.endpoints);
  const grpc = endpoints.filter((e) => e.grpc).map((e) => e.template).sort();
  assert.deepEqual(grpc, methods.map((m) => `/pkg.Svc/${m}`).sort());
  assert.deepEqual(endpoints.filter((e) => !e.grpc).map((e) => `${e.method} ${e.template}`), ['GET /users/{userId}']);

  // Declared templates that would swallow `/a/b` paths leave gRPC endpoints alone.
  store.setKnownTemplates(SERVICE, ['/{first}/{second}']);
  const after = store.snapshot().services.flatMap((s) => s.endpoints).filter((e) => e.grpc);
  assert.equal(after.length, methods.length);
  assert.ok(after.every((e) => !e.declared && !e.template.includes('{')));
});

test('samples keep one call per grpc-status (the failed one survives a flood of OK calls) with its grpc fields', () => {
  const store = new TrafficStore({ minSampleIntervalMs: 0 });
  const id = store.add(call('/pkg.Svc/Do', 7, 1));
  for (let i = 0; i < 50; i++) store.add(call('/pkg.Svc/Do', 0, 10 + i));
  const samples = store.endpoint(id)!.samples;
  const failed = samples.find((s) => s.grpc?.status === 7);
  assert.ok(failed, 'the PERMISSION_DENIED sample is kept');
  assert.deepEqual(failed.grpc, { service: 'pkg.Svc', method: 'Do', status: 7, message: 'failed with 7' });
  assert.ok(samples.some((s) => s.grpc?.status === 0));
});

const SPEC = `openapi: 3.0.3
info: { title: mixed, version: '1' }
paths:
  /users/{id}:
    get:
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        '200': { description: ok }
  /{a}/{b}:
    post:
      parameters:
        - { name: a, in: path, required: true, schema: { type: string } }
        - { name: b, in: path, required: true, schema: { type: string } }
      responses:
        '201': { description: created }
`;

test('gRPC calls are neither matched nor diffed against OpenAPI, even by a path template that fits them', async () => {
  const spec = await loadSpec('mem:/mixed.yaml', memoryFs({ 'mem:/mixed.yaml': SPEC }));
  const grpc = [call('/pkg.Svc/Do', 0), call('/pkg.Svc/Do', 13), call('/other.Svc/Undescribed', 0)];
  const http = tx({ method: 'POST', path: '/x/y', service: SERVICE, status: 200 });
  const withGrpc = diffSpec(spec, [...grpc, http]);
  const httpOnly = diffSpec(spec, [http]);
  assert.deepEqual(withGrpc.map((f) => f.code), httpOnly.map((f) => f.code));
  assert.ok(httpOnly.some((f) => f.code === 'undocumented-status'), 'the HTTP call is still diffed');
  assert.ok(withGrpc.every((f) => f.sampleIds.every((sid) => !grpc.some((g) => g.id === sid))));
  assert.deepEqual(computeCoverage(spec, grpc), computeCoverage(spec, []));
});

test('grpc-status names, and codes outside the specification', () => {
  assert.equal(grpcStatusName(0), 'OK');
  assert.equal(grpcStatusName(5), 'NOT_FOUND');
  assert.equal(grpcStatusName(16), 'UNAUTHENTICATED');
  assert.equal(grpcStatusName(42), 'code 42');
});

test('a HAR keeps gRPC calls: HTTP/2 and the call ride along, so a replayed or imported call is a gRPC endpoint again', () => {
  const original = call('/shop.v1.Catalog/GetItem', 5);
  const har = JSON.parse(JSON.stringify(transactionsToHar([original], { creator: { name: 'test', version: '1' } }))) as { log: { entries: { request: { httpVersion: string } }[] } };
  const parsed = parseHar(JSON.stringify(har), { origin: 'import', idPrefix: 'h' });
  assert.ok(parsed.ok);
  const [back] = parsed.value.transactions;
  assert.equal(back?.httpVersion, '2');
  assert.deepEqual(back?.grpc, original.grpc);
  // A browser's export says `h2`; an unknown version stays 1.1.
  har.log.entries[0]!.request.httpVersion = 'h2';
  const browser = parseHar(JSON.stringify(har), { origin: 'import', idPrefix: 'b' });
  assert.equal(browser.ok && browser.value.transactions[0]?.httpVersion, '2');
});

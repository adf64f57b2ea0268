import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointObservation, EndpointSummary, StoreStats } from '../../core/src/inventory/inventory-types';
import type { EndpointFindings } from '../../core/src/messages/lsp';
import type { Transaction } from '../../core/src/protocol/transaction';
import { endpointFor, findingsView, gatewayLabel, isUnusedId, rowFromSummary } from '../../webview/src/adapt';
import { ExplorerData } from '../../webview/src/explorer-data';
import { readInbound } from '../../webview/src/messages';

const stats: StoreStats = { transactions: 0, services: 1, endpoints: 0, evictedEndpoints: 0, evictedServices: 0, mergedEndpoints: 0, templaterOverflow: 0 };

function summary(template: string, over: Partial<EndpointSummary> = {}): EndpointSummary {
  const s: EndpointSummary = {
    id: `api:80 GET ${template}`, service: 'api:80', method: 'GET', template, declared: false, count: 10,
    statuses: { '200': 7, '404': 2, '0': 1 }, latency: { count: 9, min: 1, max: 90, mean: 10, p50: 5, p95: 40, p99: 80 },
    firstSeen: 1000, lastSeen: 2000, requestContentTypes: [], responseContentTypes: ['application/json'], authSchemes: ['bearer'], redactionKinds: [],
    ...over,
  };
  return s;
}

function tx(id: string, path: string, startedAt = 5000, durationMs = 12, method = 'GET', service = 'api:80'): Transaction {
  return {
    id, startedAt, durationMs, origin: 'ebpf', service, client: { address: '10.0.0.1', port: 1 }, server: { address: '10.0.0.2', port: 80 }, tls: false, httpVersion: '1.1',
    request: { method, target: path, path, query: '', queryParams: [], headers: [] }, response: { status: 200, headers: [] }, redactions: [],
  };
}

function observation(s: EndpointSummary, samples: Transaction[]): EndpointObservation {
  return { ...s, sketch: { relativeAccuracy: 0.01, offset: 0, bins: [], zeroCount: 0, count: 0, sum: 0, min: 0, max: 0 }, samples };
}

test('a summary becomes a row: percentiles, error classes, spec state', () => {
  const row = rowFromSummary(summary('/users/{id}', { statuses: { '200': 5, '404': 2, '429': 1, '500': 3, '503': 1, '0': 4 } }), undefined);
  assert.deepEqual([row.calls, row.p50, row.p95, row.p99, row.errors4xx, row.errors5xx], [10, 5, 40, 80, 3, 4]);
  assert.equal(row.specState, 'unknown');
  assert.equal(rowFromSummary(summary('/a', { declared: true }), undefined).specState, 'documented', 'a template from a spec is documented until the server says more');
  assert.equal(rowFromSummary(summary('/a', { declared: true }), 'mismatching').specState, 'mismatching');
  assert.equal(rowFromSummary(summary('/a', { latency: undefined }), undefined).p95, undefined);
});

test('findings give states, flatten with fixes, and unobserved operations become rows', () => {
  const endpoints: EndpointFindings[] = [
    { endpointId: 'e1', method: 'GET', path: '/a', state: 'mismatching', findings: [
      { id: 'f1', code: 'undocumented-status', severity: 'warning', message: 'm1', method: 'GET', path: '/a', fixes: [{ title: 'Add 404', kind: 'add-response' }] },
      { id: 'f2', code: 'response-body-mismatch', severity: 'error', message: 'm2', method: 'GET', path: '/a' },
    ] },
    { service: 'api:80', method: 'DELETE', path: '/b/{id}', state: 'unused', findings: [{ id: 'f3', code: 'unused-operation', severity: 'information', message: 'never', method: 'DELETE', path: '/b/{id}' }] },
  ];
  const view = findingsView(endpoints);
  assert.deepEqual([...view.states], [['e1', 'mismatching']]);
  assert.equal(view.unusedRows.length, 1);
  const unused = view.unusedRows[0]!;
  assert.ok(isUnusedId(unused.id));
  assert.deepEqual([unused.method, unused.template, unused.calls, unused.specState], ['DELETE', '/b/{id}', 0, 'unused']);
  assert.deepEqual(view.findings.map((f) => [f.id, f.endpointId === 'e1' || f.endpointId === unused.id, f.fixes.length]), [['f1', true, 1], ['f2', true, 0], ['f3', true, 0]]);
});

test('snapshot, findings: rows follow; unchanged rows keep their identity', () => {
  const data = new ExplorerData();
  const a = summary('/a');
  const b = summary('/b');
  data.apply({ type: 'snapshot', snapshot: { sequence: 1, services: [{ service: 'api:80', endpoints: [a, b] }], stats } });
  const first = data.rows();
  assert.deepEqual(first.map((r) => r.template), ['/a', '/b']);
  assert.equal(data.totalCalls, 20);

  const b2 = { ...b, count: 99 };
  // Every inventory change comes as a whole snapshot (the engine's, at most four a second).
  data.apply({ type: 'snapshot', snapshot: { sequence: 2, services: [{ service: 'api:80', endpoints: [b2, summary('/c')] }], stats } });
  const second = data.rows();
  assert.deepEqual(second.map((r) => [r.template, r.calls]), [['/b', 99], ['/c', 10]]);

  data.apply({ type: 'findings', sequence: 1, endpoints: [{ endpointId: summary('/c').id, method: 'GET', path: '/c', state: 'undocumented', findings: [] }] });
  const third = data.rows();
  assert.equal(third[0], second[0], 'the /b row object is reused');
  assert.equal(third[1]!.specState, 'undocumented');
  assert.equal(data.rows(), third, 'no change, same array');
});

test('selection: detail from the observation, chart points from samples and matching stream transactions', () => {
  const data = new ExplorerData();
  const users = summary('/users/{id}');
  data.apply({ type: 'snapshot', snapshot: { sequence: 1, services: [{ service: 'api:80', endpoints: [users] }], stats } });
  assert.equal(data.detail(users.id), undefined, 'no detail before the observation arrives');
  const change = data.apply({ type: 'selection', endpointId: users.id, detail: observation(users, [tx('s1', '/users/1', 1000, 5)]) });
  assert.deepEqual(change, { endpointId: users.id, reveal: false }, 'a refresh: no reveal');
  const d1 = data.detail(users.id)!;
  assert.deepEqual(d1.latency, [{ t: 1000, ms: 5 }]);
  assert.equal(data.detail(users.id), d1, 'memoized while nothing changes');
  assert.deepEqual(d1.contentTypes, ['application/json']);

  data.apply({ type: 'transactions', transactions: [tx('t1', '/users/2', 2000, 7), tx('t2', '/orders/1', 2100, 9), tx('t3', '/users/3', 2200, 11, 'POST')] });
  const d2 = data.detail(users.id)!;
  assert.deepEqual(d2.latency.map((p) => p.ms), [5, 7], 'only GET /users/{id} transactions join the chart');
  assert.equal(data.stream.list.length, 3);
  assert.equal(data.stream.list[0]!.transaction.id, 't3', 'stream is newest first');

  assert.deepEqual(data.apply({ type: 'selection', endpointId: null }), { endpointId: null, reveal: false });
  assert.deepEqual(data.apply({ type: 'selection', endpointId: users.id, reveal: true, detail: observation(users, []) }), { endpointId: users.id, reveal: true });
});

test('a stream transaction finds its endpoint; the most literal template wins', () => {
  const rows = [rowFromSummary(summary('/users/{id}'), undefined), rowFromSummary(summary('/users/me'), undefined), rowFromSummary(summary('/files/{name}.json'), undefined)];
  assert.equal(endpointFor(rows, tx('1', '/users/42')), rows[0]!.id);
  assert.equal(endpointFor(rows, tx('2', '/users/me')), rows[1]!.id);
  assert.equal(endpointFor(rows, tx('3', '/files/a.json')), rows[2]!.id);
  assert.equal(endpointFor(rows, tx('4', '/files/a.jsonx')), undefined, 'literal parts are not patterns');
  assert.equal(endpointFor(rows, tx('5', '/users/42', 1, 1, 'DELETE')), undefined);
  assert.equal(endpointFor(rows, tx('6', '/users/42', 1, 1, 'GET', 'other:80')), undefined);
});

test('inbound messages: wrong shapes are dropped', () => {
  assert.equal(readInbound(null), undefined);
  assert.equal(readInbound({ type: 'bogus' }), undefined);
  assert.equal(readInbound({ type: 'snapshot', snapshot: { services: 'no' } }), undefined);
  assert.equal(readInbound({ type: 'delta', upserted: [] }), undefined);
  assert.equal(readInbound({ type: 'selection', endpointId: 5 }), undefined);
  assert.equal(readInbound({ type: 'selection', endpointId: 'a', detail: { id: 'a' } }), undefined);
  assert.ok(readInbound({ type: 'selection', endpointId: null }));
  assert.ok(readInbound({ type: 'transactions', transactions: [] }));
  assert.ok(readInbound({ type: 'findings', sequence: 1, endpoints: [] }));
});

test('gateway verdicts: per endpoint, observed or not, with words for the detail view', () => {
  const data = new ExplorerData();
  const pets = summary('/v1/pets');
  data.apply({ type: 'snapshot', snapshot: { sequence: 1, services: [{ service: 'api:80', endpoints: [pets] }], stats } });
  data.apply({
    type: 'findings',
    sequence: 1,
    endpoints: [
      { endpointId: pets.id, method: 'GET', path: '/pets', state: 'documented', findings: [], gateway: { decision: 'allow', clientBlocks: 2, policyFile: true } },
      { method: 'DELETE', path: '/pets/{id}', state: 'unused', findings: [], gateway: { decision: 'block', reason: 'operation-denied', clientBlocks: 0, policyFile: true } },
    ],
  });
  const allowed = data.gateway(pets.id);
  assert.deepEqual(allowed, { decision: 'allow', clientBlocks: 2, policyFile: true });
  assert.equal(gatewayLabel(allowed!).text, 'Gateway: allowed · 2 client blocks');
  const unused = data.rows().find((r) => r.method === 'DELETE');
  const denied = data.gateway(unused!.id);
  assert.ok(denied);
  const label = gatewayLabel(denied);
  assert.deepEqual([label.text, label.blocked], ['Gateway: blocked', true]);
  assert.match(label.title, /the policy denies this operation/);
  assert.equal(gatewayLabel({ decision: 'would-block', reason: 'path-not-documented', clientBlocks: 0, policyFile: false }).text, 'Gateway: would be blocked (report mode)');
});

// gRPC in the views: the tree's text (methods grouped by service, outcome by grpc-status name,
// failures counted although HTTP said 200) and the Explorer's rows and selection. Names from
// traffic stay exactly as sent: the views render them as text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSummary } from '../../core/src/inventory/inventory-types';
import type { GrpcDetail } from '../../core/src/messages/grpc-detail';
import type { Transaction } from '../../core/src/protocol/transaction';
import { errorCount, compareEndpoints, matchesFilter } from '../../extension/src/tree/endpoint-format';
import { describeGrpcMethod, groupByGrpcService, grpcMethodState, grpcMethodTooltip, grpcStatusText, type GrpcEndpoint } from '../../extension/src/tree/grpc-format';
import { rowFromSummary } from '../../webview/src/adapt';
import { ExplorerData } from '../../webview/src/explorer-data';
import { readInbound } from '../../webview/src/messages';
import { filterEndpoints } from '../../webview/src/sort-filter';
import { filterStream, outcomeOf } from '../../webview/src/stream';

function grpcSummary(service: string, method: string, statuses: Record<string, number>): GrpcEndpoint {
  const path = `/${service}/${method}`;
  const count = Object.values(statuses).reduce((a, b) => a + b, 0);
  return {
    id: `127.0.0.1:50051 gRPC ${path}`, service: '127.0.0.1:50051', method: 'POST', template: path, declared: false, count,
    statuses: { '200': count }, latency: { count, min: 1, max: 4, mean: 2, p50: 2, p95: 3, p99: 4 }, firstSeen: 1, lastSeen: 2,
    requestContentTypes: ['application/grpc'], responseContentTypes: ['application/grpc'], authSchemes: [], redactionKinds: ['authorization'],
    grpc: { service, method, statuses },
  };
}

const getItem = grpcSummary('shop.v1.Catalog', 'GetItem', { '0': 2, '5': 1, none: 1 });
const list = grpcSummary('shop.v1.Catalog', 'ListItems', { '0': 3 });
const evil = grpcSummary('<img src=x onerror=alert(1)>', 'Do', { '16': 1 });

test('tree: a gRPC method reads its calls by grpc-status name, and failures count although HTTP said 200', () => {
  assert.equal(grpcStatusText(getItem.grpc), 'OK ×2 · NOT_FOUND ×1 · unfinished ×1');
  assert.equal(describeGrpcMethod(getItem), '4 · p95 3.0 ms · OK ×2 · NOT_FOUND ×1 · unfinished ×1');
  assert.equal(errorCount(getItem), 1);
  assert.equal(errorCount(list), 0);
  assert.deepEqual([grpcMethodState(getItem.grpc), grpcMethodState(list.grpc), grpcMethodState({ ...list.grpc, statuses: { none: 1 } })], ['failing', 'ok', 'pending']);
  assert.deepEqual([getItem, list].sort(compareEndpoints('errors')).map((e) => e.grpc?.method), ['GetItem', 'ListItems']);
  const tooltip = grpcMethodTooltip(getItem);
  assert.match(tooltip, /^gRPC shop\.v1\.Catalog\/GetItem\n/);
  assert.match(tooltip, /Failed \(non-zero grpc-status\): 1/);
  assert.match(tooltip, /not compared with OpenAPI/);
  assert.ok(matchesFilter(getItem, 'catalog getitem'));
});

test('tree: gRPC methods group under their service, names kept exactly as sent', () => {
  const http: EndpointSummary = { ...list, id: 'x GET /users', method: 'GET', template: '/users' };
  delete http.grpc;
  const groups = groupByGrpcService([list, http, evil, getItem]);
  assert.deepEqual(groups.map((g) => [g.service, g.methods.map((m) => m.grpc.method)]), [
    ['<img src=x onerror=alert(1)>', ['Do']],
    ['shop.v1.Catalog', ['ListItems', 'GetItem']],
  ]);
  assert.equal(grpcStatusText(evil.grpc), 'UNAUTHENTICATED ×1');
});

test('Explorer: a gRPC row is its own kind (never compared with a spec) with its failed calls; filter spec:grpc', () => {
  const row = rowFromSummary(getItem, 'undocumented');
  assert.equal(row.specState, 'grpc');
  assert.deepEqual(row.grpc, { service: 'shop.v1.Catalog', method: 'GetItem', failed: 1 });
  assert.deepEqual([row.errors4xx, row.errors5xx], [0, 0], 'HTTP said 200 to every call');
  const rows = [row, rowFromSummary({ ...list, grpc: undefined, id: 'h', method: 'GET', template: '/h' }, undefined)];
  assert.deepEqual(filterEndpoints(rows, 'spec:grpc').map((r) => r.id), [row.id]);
});

test('Explorer: a selection carries the gRPC detail to the endpoint detail; a malformed one is dropped', () => {
  const grpc: GrpcDetail = { service: 'shop.v1.Catalog', method: 'GetItem', statuses: [{ code: 0, name: 'OK', count: 2 }], schema: { unavailable: 'no .proto files in the workspace' }, samples: [] };
  const observation = { ...getItem, sketch: { relativeAccuracy: 0.01, offset: 0, bins: [], zeroCount: 0, count: 0, sum: 0, min: 0, max: 0 }, samples: [] };
  const message = readInbound({ type: 'selection', endpointId: getItem.id, detail: observation, grpc });
  assert.ok(message);
  const data = new ExplorerData();
  data.apply(message);
  assert.deepEqual(data.detail(getItem.id)?.grpc, grpc);
  assert.equal(readInbound({ type: 'selection', endpointId: getItem.id, detail: observation, grpc: { statuses: 'x' } }), undefined);
});

test('live stream: a gRPC call shows its grpc-status, and a failed one is classed with server errors although HTTP said 200', () => {
  const base: Transaction = { id: 'g', startedAt: 1, durationMs: 2, origin: 'ebpf', service: 's', client: { address: 'a', port: 1 }, server: { address: 'b', port: 2 }, tls: false, httpVersion: '2', redactions: [],
    request: { method: 'POST', target: '/pkg.Svc/Do', path: '/pkg.Svc/Do', query: '', queryParams: [], headers: [] }, response: { status: 200, headers: [] } };
  const failed = { ...base, grpc: { service: 'pkg.Svc', method: 'Do', status: 5 } };
  const ok = { ...base, grpc: { service: 'pkg.Svc', method: 'Do', status: 0 } };
  const unfinished = { ...base, grpc: { service: 'pkg.Svc', method: 'Do' } };
  assert.deepEqual([failed, ok, unfinished].map((t) => outcomeOf(t)), [{ text: '200 · grpc 5', cls: '5xx' }, { text: '200 · grpc 0', cls: '2xx' }, { text: '200 · grpc —', cls: 'none' }]);
  assert.deepEqual(outcomeOf(base), { text: '200', cls: '2xx' });
  const items = [failed, ok].map((transaction) => ({ transaction }));
  assert.deepEqual(filterStream(items, { text: '', method: '', status: '5xx' }).map((i) => i.transaction.grpc?.status), [5]);
});

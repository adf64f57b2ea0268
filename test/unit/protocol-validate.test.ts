import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseClientMessage, parseSensorMessage, validateSensorMessage } from '../../core/src/protocol/validate-messages';
import { validateTransaction } from '../../core/src/protocol/validate-transaction';
import type { SensorMessage } from '../../core/src/protocol/messages';
import type { Transaction } from '../../core/src/protocol/transaction';

const TX: Transaction = {
  id: 's-1', startedAt: 1_700_000_000_000, durationMs: 1.5, origin: 'ebpf', service: 'api:80',
  client: { address: '10.0.0.2', port: 5123, pid: 9, process: 'curl' }, server: { address: '10.0.0.1', port: 80, containerId: 'c'.repeat(64) },
  tls: false, httpVersion: '1.1',
  request: { method: 'GET', target: '/a?b=1', path: '/a', query: 'b=1', queryParams: [{ name: 'b', value: '1' }], headers: [{ name: 'Host', value: 'api' }] },
  response: { status: 200, reason: 'OK', headers: [], body: { size: 2, truncated: false, encoding: 'text', text: '{}', contentType: 'application/json' } },
  redactions: [{ kind: 'email', location: 'response.body', name: '/x', count: 1 }],
};

const VALID: SensorMessage[] = [
  { type: 'hello', protocol: 'tapline/1', sensor: { id: 'n-1', name: 'n', version: '0.1.0', hostname: 'n', mode: 'ebpf', kernel: '6.1' }, capabilities: ['ebpf', 'future-thing' as never], serverTime: 1, maxBodyBytes: 65536 },
  { type: 'transactions', items: [TX, { ...TX, id: 's-2', response: undefined } as unknown as Transaction] },
  { type: 'stats', at: 1, uptimeMs: 2, counters: { transactions: 1, capturedEvents: 2, capturedBytes: 3, droppedEvents: 0, queueDropped: 0, parseErrors: 0, redactions: 1, truncated: 0, deduplicated: 0, activeConnections: 1 } },
  { type: 'error', code: 'bad-message', message: 'x' },
];

test('every valid sensor message passes, through JSON too', () => {
  for (const m of VALID) {
    const r = parseSensorMessage(JSON.stringify(m));
    assert.ok(r.ok, JSON.stringify(r));
  }
});

test('problems carry JSON paths', () => {
  const bad = JSON.parse(JSON.stringify(VALID[1])) as { items: Array<Record<string, unknown>> };
  (bad.items[0]!.request as Record<string, unknown>).method = 'GE T';
  (bad.items[1]!.client as Record<string, unknown>).port = 70000;
  delete bad.items[1]!.redactions;
  const r = validateSensorMessage(bad);
  assert.equal(r.ok, false);
  if (!r.ok) assert.deepEqual(r.problems.map((p) => p.path), ['$.items[0].request.method', '$.items[1].client.port', '$.items[1].redactions']);
});

test('hostile inputs are rejected without throwing', () => {
  const hostile: unknown[] = [
    null, 42, 'hello', [], {}, { type: '__proto__' }, { type: 'hello' }, { type: 'transactions', items: {} },
    { type: 'transactions', items: new Array(6000).fill(0) }, { type: 'transactions', items: [{ ...TX, response: { status: 42, headers: [] } }] },
    { type: 'transactions', items: [{ ...TX, request: { ...TX.request, headers: [{ name: 1, value: null }] } }] },
    { type: 'transactions', items: [{ ...TX, response: { ...TX.response, body: { size: -1, truncated: 'no', encoding: 'base64', base64: '<script>' } } }] },
    { type: 'stats', at: Infinity, uptimeMs: NaN, counters: [] }, JSON.parse('{"type":"hello","__proto__":{"polluted":true}}'),
  ];
  for (const h of hostile) assert.equal(validateSensorMessage(h).ok, false, JSON.stringify(h)?.slice(0, 80));
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(parseSensorMessage('{"type":').ok, false);
  assert.equal(validateTransaction({ ...TX, id: '' }).ok, false);
  assert.equal(validateTransaction({ ...TX, httpVersion: '3' }).ok, false);
  assert.equal(validateTransaction({ ...TX, httpVersion: '2', grpc: { service: 'pkg.Svc', method: 'Do', status: 7, message: 'no' } }).ok, true);
  assert.equal(validateTransaction({ ...TX, httpVersion: '2', grpc: { service: 'pkg.Svc', method: 'Do', status: -1 } }).ok, false);
  const many = validateTransaction({ ...TX, request: { ...TX.request, headers: new Array(5000).fill({ name: 1 }) } });
  assert.equal(many.ok, false);
  if (!many.ok) assert.ok(many.problems.length <= 50);
});

test('client messages: subscribe with filters; anything else is a problem', () => {
  assert.ok(parseClientMessage('{"type":"subscribe","filters":{"methods":["GET"],"statusMin":400,"includeBodies":false}}').ok);
  assert.ok(parseClientMessage('{"type":"subscribe","filters":{}}').ok);
  for (const bad of ['{"type":"subscribe"}', '{"type":"subscribe","filters":{"pids":[-1]}}', '{"type":"hello"}', 'garbage', '[]', '{"type":"subscribe","filters":{"methods":"GET"}}']) {
    assert.equal(parseClientMessage(bad).ok, false, bad);
  }
});

// The engine's record of smuggling attempts (server/src/engine/desync-log.ts) and how the tree
// words it (extension/src/tree/desync-format.ts): per service, replays counted once, bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DesyncLog } from '../../server/src/engine/desync-log';
import { describeDesyncs } from '../../extension/src/tree/desync-format';
import type { DesyncEvent } from '../../core/src/protocol/desync';

function event(id: string, service: string, rule: DesyncEvent['rule'], client: string, at: number): DesyncEvent {
  return { id, at, rule, reason: `reason of ${rule}`, side: 'request', client: { address: client, port: 40000 + at }, server: { address: '127.0.0.1', port: 8080 }, service, tls: false, messagesBefore: 0, firstBytes: 'POST / HTTP/1.1\\r\\n', firstBytesTruncated: false };
}

test('desync events are summed per service, a replayed event counts once, the latest is kept', () => {
  const log = new DesyncLog();
  assert.equal(log.add([event('a', 'api', 'cl-and-te', '10.0.0.1', 1), event('b', 'api', 'bare-lf', '10.0.0.2', 3), event('c', 'api', 'cl-and-te', '10.0.0.1', 2)]), true);
  assert.equal(log.add([event('a', 'api', 'cl-and-te', '10.0.0.1', 1)]), false);
  log.add([event('d', 'other', 'obs-fold', '10.0.0.9', 4)]);
  const [api, other] = log.summaries();
  assert.equal(api?.service, 'api');
  assert.equal(api?.count, 3);
  assert.deepEqual(api?.rules, ['cl-and-te', 'bare-lf']);
  assert.deepEqual(api?.clients, ['10.0.0.1', '10.0.0.2']);
  assert.equal(api?.latest.client, '10.0.0.2:40003');
  assert.equal(other?.count, 1);
  log.clear();
  assert.deepEqual(log.summaries(), []);
});

test('bounded: at most 500 services, the least recently hit forgotten first', () => {
  const log = new DesyncLog();
  for (let i = 0; i < 600; i++) log.add([event(`e${i}`, `svc-${String(i).padStart(3, '0')}`, 'bare-cr', '10.0.0.1', i)]);
  const services = log.summaries().map((s) => s.service);
  assert.equal(services.length, 500);
  assert.equal(services[0], 'svc-100');
});

test('the tree says how many attempts, and the tooltip names rules, clients and the redacted first bytes as text', () => {
  const log = new DesyncLog();
  log.add([event('a', 'api', 'cl-and-te', '10.0.0.1', 1), event('b', 'api', 'bare-lf', '10.0.0.2', 2)]);
  const d = describeDesyncs(log.summaries()[0]!);
  assert.equal(d.description, '⚠ 2 smuggling attempts');
  assert.match(d.tooltip, /rules: cl-and-te, bare-lf/);
  assert.match(d.tooltip, /Clients: 10\.0\.0\.2, 10\.0\.0\.1/);
  assert.match(d.tooltip, /First bytes \(redacted\): POST \/ HTTP\/1\.1\\r\\n/);
});

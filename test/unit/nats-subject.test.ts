// The shared stream's subjects and filters (core/src/protocol/nats-subject.ts) and the sensor's
// --publish/--cluster flags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { subjectFilter, subjectToken, transactionSubject } from '../../core/src/protocol/nats-subject';
import type { Transaction } from '../../core/src/protocol/transaction';
import { UsageError, parseSensorArgs } from '../../sensor/src/cli/args';

const base: Transaction = { id: 'a', startedAt: 0, durationMs: 0, origin: 'ebpf', service: '', client: { address: '', port: 0 }, server: { address: '', port: 0 }, tls: false, httpVersion: '1.1', request: { method: 'GET', target: '/', path: '/', query: '', queryParams: [], headers: [] }, redactions: [] };

test('subjects: tapline.<cluster>.<namespace>.<workload>, one safe token each', () => {
  const inPod: Transaction = { ...base, service: 'pets.shop', k8s: { namespace: 'shop', pod: 'pets-7c9d8b6f5d-x2k4q', workload: { kind: 'Deployment', name: 'pets' } } };
  assert.equal(transactionSubject('dev', inPod), 'tapline.dev.shop.pets');
  const bare: Transaction = { ...base, service: 'api.example.com:8443' };
  assert.equal(transactionSubject('dev', bare), 'tapline.dev._.api_example_com_8443', 'outside Kubernetes: namespace _, the service made a token');
  assert.equal(subjectToken('a.b c*>'), 'a_b_c__');
  assert.equal(subjectToken(''), '_');
  const noWorkload: Transaction = { ...inPod, k8s: { namespace: 'shop', pod: 'debug' } };
  assert.equal(transactionSubject('dev', noWorkload), 'tapline.dev.shop.debug');
});

test('filters: parts with wildcards for what is omitted, or a hand-written filter checked', () => {
  assert.equal(subjectFilter({ cluster: 'dev' }), 'tapline.dev.*.*');
  assert.equal(subjectFilter({ namespace: 'shop', service: 'pets' }), 'tapline.*.shop.pets');
  assert.equal(subjectFilter('tapline.dev.shop.>'), 'tapline.dev.shop.>');
  assert.throws(() => subjectFilter('orders.>'), /not a Tapline subject filter/);
  assert.throws(() => subjectFilter('tapline.dev.>.x'), /not a Tapline subject filter/);
});

test('--publish takes a nats:// URL and --cluster a token', () => {
  const a = parseSensorArgs(['--publish', 'nats://nats.tapline:4222', '--cluster', 'team-dev']);
  assert.equal(a.publish, 'nats://nats.tapline:4222');
  assert.equal(a.cluster, 'team-dev');
  assert.equal(parseSensorArgs([]).cluster, 'default');
  assert.equal(parseSensorArgs([]).publish, undefined);
  assert.throws(() => parseSensorArgs(['--publish', 'http://x:4222']), (e: unknown) => e instanceof UsageError && /expected nats:\/\/HOST:PORT/.test(e.message));
  assert.throws(() => parseSensorArgs(['--cluster', 'a.b']), /bad value for --cluster/);
});

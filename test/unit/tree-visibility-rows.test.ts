// The Sensors view's process rows from a sensor's visibility report.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SensorStatus } from '../../core/src/messages';
import { visibilityRows, visibilitySummary } from '../../extension/src/tree/visibility-rows';

const sensor: SensorStatus = {
  url: 'ws://127.0.0.1:7878/v1/stream',
  state: 'live',
  detail: 'live (dev, ebpf)',
  visibility: [
    { pid: 10, comm: 'orders', state: 'go-tls', library: 'go-crypto-tls', goVersion: 'go1.19.8', reason: 'Go go1.19.8 crypto/tls: read by uprobes', plaintextCalls: 0, tlsCalls: 4 },
    { pid: 11, comm: 'billing', state: 'unreadable', library: 'go-stripped', reason: 'Go executable without a symbol table', plaintextCalls: 0, tlsCalls: 0 },
    { pid: 12, comm: '<b>api</b>', state: 'plaintext', reason: 'HTTP seen in the clear on its sockets', plaintextCalls: 9, tlsCalls: 0 },
  ],
};

test('unreadable processes first, each with its state and why; names stay as sent', () => {
  const rows = visibilityRows(sensor);
  assert.deepEqual(rows.map((r) => `${r.label} | ${r.description} | ${r.icon}`), [
    'billing (11) | TLS: cannot be read | eye-closed',
    '<b>api</b> (12) | plaintext: seen | eye',
    'orders (10) | TLS (Go crypto/tls): seen | lock',
  ]);
  assert.equal(rows[0]?.tooltip, 'billing (pid 11)\nGo executable without a symbol table\n0 plaintext and 0 TLS calls seen');
  assert.match(rows[2]?.tooltip ?? '', /Go go1\.19\.8/);
  assert.equal(new Set(rows.map((r) => r.id)).size, 3);
  assert.equal(visibilitySummary(sensor), '1 process unreadable');
});

test('a sensor without a report has no rows and no summary', () => {
  const { visibility: _unused, ...old } = sensor;
  assert.deepEqual(visibilityRows(old), []);
  assert.equal(visibilitySummary(old), '');
});

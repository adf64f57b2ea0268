// The visibility report's decisions, from loader process records and capture events.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DataEvent } from '../../sensor/src/capture/events';
import { TLS_LIB } from '../../sensor/src/capture/layout';
import { validateSensorMessage } from '../../core/src/protocol/validate-messages';
import { VisibilityReport } from '../../sensor/src/visibility/report';

function data(pid: number, tls: boolean, comm = 'svc'): DataEvent {
  return { kind: 'data', connectionId: `${pid}:3:1`, pid, comm, timestampNs: 1n, direction: 'read', tls, data: new Uint8Array(0), originalLength: 0 };
}

test('library first, then what was seen; exited processes leave; the message validates', () => {
  const alive = new Set([10, 11, 12, 13, 14]);
  const r = new VisibilityReport({ alive: (pid) => alive.has(pid), excludePids: [99] });
  r.onProcess({ pid: 10, comm: 'orders', lib: TLS_LIB.TL_LIB_GO_TLS, version: 'go1.19.8', ciphertext: false });
  r.onProcess({ pid: 11, comm: 'billing', lib: TLS_LIB.TL_LIB_GO_STRIPPED, version: 'go1.21.0', ciphertext: false });
  r.onProcess({ pid: 12, comm: 'node', lib: TLS_LIB.TL_LIB_OPENSSL_STATIC, version: '', ciphertext: false });
  r.onProcess({ pid: 13, comm: 'java', lib: TLS_LIB.TL_LIB_JAVA, version: '', ciphertext: false });
  r.onProcess({ pid: 99, comm: 'sensor', lib: TLS_LIB.TL_LIB_OPENSSL_STATIC, version: '', ciphertext: false });
  const before = Object.fromEntries(r.snapshot().processes.map((p) => [p.pid, `${p.state} ${p.library}`]));
  assert.deepEqual(before, { 10: 'go-tls go-crypto-tls', 11: 'unreadable go-stripped', 12: 'openssl openssl-static', 13: 'unreadable java-jsse' });

  const rev = r.revision;
  r.observe(data(10, true));
  r.observe(data(12, false));
  r.observe(data(13, false));
  r.observe(data(14, false, 'plain'));
  assert.ok(r.revision > rev);
  const seen = r.revision;
  r.observe(data(10, true)); // more of the same: no new revision, only counts
  assert.equal(r.revision, seen);
  const after = r.snapshot();
  const by = new Map(after.processes.map((p) => [p.pid, p]));
  assert.equal(by.get(10)?.state, 'go-tls');
  assert.equal(by.get(10)?.tlsCalls, 2);
  assert.match(by.get(10)?.reason ?? '', /go1\.19\.8 crypto\/tls/);
  assert.equal(by.get(12)?.state, 'plaintext', 'a node server seen in the clear is plaintext, whatever it links');
  assert.equal(by.get(13)?.state, 'plaintext');
  assert.match(by.get(13)?.reason ?? '', /its TLS, if any, is unreadable: Java/);
  assert.equal(by.get(14)?.state, 'plaintext');
  assert.equal(by.get(14)?.library, undefined);
  assert.ok(validateSensorMessage(after).ok);

  alive.delete(11);
  assert.deepEqual(r.snapshot().processes.map((p) => p.pid).sort(), [10, 12, 13, 14]);
});

test('only traced processes (pid and comm filters); an unknown library code is not guessed', () => {
  const r = new VisibilityReport({ pids: [20, 21], comms: ['api'], alive: () => true });
  r.onProcess({ pid: 20, comm: 'api', lib: TLS_LIB.TL_LIB_OPENSSL_DYNAMIC, version: '', ciphertext: false });
  r.onProcess({ pid: 21, comm: 'other', lib: TLS_LIB.TL_LIB_OPENSSL_DYNAMIC, version: '', ciphertext: false });
  r.onProcess({ pid: 22, comm: 'api', lib: TLS_LIB.TL_LIB_OPENSSL_DYNAMIC, version: '', ciphertext: false });
  r.observe(data(22, false, 'api'));
  assert.deepEqual(r.snapshot().processes.map((p) => `${p.pid} ${p.state}`), ['20 openssl']);
  const u = new VisibilityReport({ alive: () => true });
  u.onProcess({ pid: 5, comm: 'x', lib: 200, version: '', ciphertext: false });
  assert.deepEqual(u.snapshot().processes.map((p) => `${p.state} ${p.library}`), ['unknown undefined']);
});

test('TLS plaintext without a library record is OpenSSL (the uprobes saw it); comm is kept as text', () => {
  const r = new VisibilityReport({ alive: () => true });
  r.observe(data(30, true, '<img src=x>'));
  const [p] = r.snapshot().processes;
  assert.equal(p?.state, 'openssl');
  assert.equal(p?.comm, '<img src=x>');
});

test('TLS records with no library found: unreadable, with a reason; seen in the clear too: plaintext, saying so', () => {
  const r = new VisibilityReport({ alive: () => true });
  r.onProcess({ pid: 40, comm: 'custom', lib: TLS_LIB.TL_LIB_NONE, version: '', ciphertext: true });
  r.onProcess({ pid: 41, comm: 'mixed', lib: TLS_LIB.TL_LIB_NONE, version: '', ciphertext: true });
  r.onProcess({ pid: 42, comm: 'go', lib: TLS_LIB.TL_LIB_GO_TLS, version: 'go1.19.8', ciphertext: true });
  r.observe(data(41, false, 'mixed'));
  const by = new Map(r.snapshot().processes.map((p) => [p.pid, p]));
  assert.equal(by.get(40)?.state, 'unreadable');
  assert.equal(by.get(40)?.library, undefined);
  assert.match(by.get(40)?.reason ?? '', /no TLS library the sensor can hook/);
  assert.equal(by.get(41)?.state, 'plaintext');
  assert.match(by.get(41)?.reason ?? '', /its TLS is unreadable/);
  assert.equal(by.get(42)?.state, 'go-tls', 'ciphertext under a hooked library is expected');
});

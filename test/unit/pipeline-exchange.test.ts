import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { Pipeline } from '../../sensor/src/pipeline/pipeline';
import { Redactor } from '../../core/src/redaction/redactor';
import { KernelClock } from '../../sensor/src/pipeline/clock';
import { containerIdFromCgroup } from '../../sensor/src/pipeline/process-info';
import { Sampler } from '../../sensor/src/pipeline/sampler';
import { validateTransaction } from '../../core/src/protocol/validate-transaction';
import type { CaptureEvent, SocketTuple } from '../../sensor/src/capture/events';
import type { Transaction } from '../../core/src/protocol/transaction';

const SERVER: SocketTuple = { family: 4, localAddress: '127.0.0.1', localPort: 8080, remoteAddress: '127.0.0.1', remotePort: 50000 };
const CLIENT: SocketTuple = { family: 4, localAddress: '127.0.0.1', localPort: 50000, remoteAddress: '127.0.0.1', remotePort: 8080 };

function setup(maxBody = 1 << 16): { pipe: Pipeline; out: Transaction[] } {
  const out: Transaction[] = [];
  const pipe = new Pipeline({
    maxBody,
    redactor: new Redactor(),
    idPrefix: 'test',
    onTransaction: (t) => out.push(t),
    clock: new KernelClock(1_700_000_000_000, 0n),
    processInfo: { containerId: () => undefined } as never,
  });
  return { pipe, out };
}

let ns = 1_000_000n;
const at = (): bigint => (ns += 1_000_000n);
const bytes = (s: string | Uint8Array): Uint8Array => (typeof s === 'string' ? new TextEncoder().encode(s) : s);

function data(connectionId: string, pid: number, comm: string, direction: 'read' | 'write', payload: string | Uint8Array, originalLength?: number): CaptureEvent {
  const d = bytes(payload);
  return { kind: 'data', connectionId, pid, comm, timestampNs: at(), direction, tls: false, data: d, originalLength: originalLength ?? d.length };
}

const REQ = 'POST /api/users?page=2 HTTP/1.1\r\nHost: api.local:8080\r\nAuthorization: Bearer s3cret\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{"name":"al"}';
const RES = 'HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 26\r\n\r\n{"email":"al@example.com"}';

test('both ends of a loopback connection seen: one transaction, from the server, client named', async () => {
  const { pipe, out } = setup();
  pipe.push({ kind: 'open', connectionId: '10:5:0', pid: 10, comm: 'curl', timestampNs: at(), role: 'client', tuple: CLIENT, cgroupId: 1n });
  pipe.push({ kind: 'open', connectionId: '20:7:0', pid: 20, comm: 'node', timestampNs: at(), role: 'server', tuple: SERVER, cgroupId: 1n });
  pipe.push(data('10:5:0', 10, 'curl', 'write', REQ));
  pipe.push(data('20:7:0', 20, 'node', 'read', REQ.slice(0, 40)));
  pipe.push(data('20:7:0', 20, 'node', 'read', REQ.slice(40)));
  pipe.push(data('20:7:0', 20, 'node', 'write', RES));
  pipe.push(data('10:5:0', 10, 'curl', 'read', RES));
  pipe.push({ kind: 'close', connectionId: '10:5:0', pid: 10, comm: 'curl', timestampNs: at() });
  pipe.push({ kind: 'close', connectionId: '20:7:0', pid: 20, comm: 'node', timestampNs: at() });
  await pipe.flush();
  assert.equal(out.length, 1);
  const t = out[0]!;
  assert.ok(validateTransaction(t).ok);
  assert.equal(t.server.pid, 20);
  assert.equal(t.server.process, 'node');
  assert.equal(t.client.pid, 10);
  assert.equal(t.client.process, 'curl');
  assert.equal(t.client.port, 50000);
  assert.equal(t.service, 'api.local:8080');
  assert.equal(t.request.path, '/api/users');
  assert.deepEqual(t.request.queryParams, [{ name: 'page', value: '2' }]);
  assert.equal(t.response?.status, 201);
  assert.equal(t.request.headers.find((h) => h.name === 'Authorization')?.value, 'Bearer [REDACTED:authorization]');
  assert.equal(t.response?.body?.text, '{"email":"[REDACTED:email]"}');
  assert.deepEqual(t.redactions.map((r) => r.kind).sort(), ['authorization', 'email']);
  assert.ok(t.durationMs > 0);
  assert.equal(pipe.counters.deduplicated, 1);
});

test('client side only: reported from the client, role inferred from the first bytes without open events', async () => {
  const { pipe, out } = setup();
  const e = data('30:3:0', 30, 'python3', 'write', 'GET /x HTTP/1.1\r\nHost: h\r\n\r\n');
  pipe.push(e);
  pipe.push(data('30:3:0', 30, 'python3', 'read', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
  await pipe.flush();
  assert.equal(out.length, 1);
  assert.equal(out[0]!.client.process, 'python3');
  assert.equal(out[0]!.response?.body?.text, 'ok');
});

test('gzip bodies are decoded; pipelined requests pair in order; HEAD and 204 have no body', async () => {
  const { pipe, out } = setup();
  const gz = gzipSync(Buffer.from(JSON.stringify({ items: [1, 2, 3] })));
  pipe.push({ kind: 'open', connectionId: '1:1:0', pid: 1, comm: 'srv', timestampNs: at(), role: 'server', tuple: SERVER, cgroupId: 0n });
  pipe.push(data('1:1:0', 1, 'srv', 'read', 'GET /gz HTTP/1.1\r\n\r\nHEAD /h HTTP/1.1\r\n\r\nDELETE /d HTTP/1.1\r\n\r\n'));
  const head = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length}\r\n\r\n`);
  pipe.push(data('1:1:0', 1, 'srv', 'write', Buffer.concat([head, gz, Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n')])));
  await pipe.flush();
  assert.deepEqual(out.map((t) => `${t.request.method} ${t.request.path} ${t.response?.status}`), ['GET /gz 200', 'HEAD /h 200', 'DELETE /d 204']);
  assert.equal(out[0]!.response?.body?.text, '{"items":[1,2,3]}');
  assert.equal(out[0]!.response?.body?.contentEncoding, 'gzip');
  assert.equal(out[0]!.response?.body?.size, gz.length);
  assert.equal(out[1]!.response?.body, undefined);
  assert.equal(out[2]!.response?.body, undefined);
});

test('a body cut by the capture cap (originalLength > data) is marked truncated and counted', async () => {
  const { pipe, out } = setup(1024);
  const big = 1 << 20;
  pipe.push({ kind: 'open', connectionId: '2:1:0', pid: 2, comm: 'srv', timestampNs: at(), role: 'server', tuple: SERVER, cgroupId: 0n });
  pipe.push(data('2:1:0', 2, 'srv', 'read', 'GET /big HTTP/1.1\r\n\r\n'));
  const head = `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${big}\r\n\r\n`;
  pipe.push(data('2:1:0', 2, 'srv', 'write', head + 'a'.repeat(65536 - head.length), big + head.length));
  pipe.push(data('2:1:0', 2, 'srv', 'read', 'GET /after HTTP/1.1\r\n\r\n'));
  pipe.push(data('2:1:0', 2, 'srv', 'write', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
  await pipe.flush();
  assert.deepEqual(out.map((t) => t.request.path), ['/big', '/after']);
  const body = out[0]!.response?.body;
  assert.equal(body?.truncated, true);
  assert.equal(body?.size, big);
  assert.equal(body?.text?.length, 1024);
  assert.equal(pipe.counters.truncated, 1);
});

test('request without an answer when the connection closes; garbage connections ignored; lost events counted', async () => {
  const { pipe, out } = setup();
  pipe.push(data('3:1:0', 3, 'c', 'write', 'GET /never HTTP/1.1\r\n\r\n'));
  pipe.push({ kind: 'close', connectionId: '3:1:0', pid: 3, comm: 'c', timestampNs: at() });
  pipe.push(data('4:1:0', 4, 'pg', 'write', '\x00\x00\x00\x08\x04\xd2\x16\x2f'));
  pipe.push(data('6:1:0', 6, 'grpc', 'write', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'));
  pipe.push({ kind: 'lost', count: 7 });
  await pipe.flush();
  assert.equal(out.length, 1);
  assert.equal(out[0]!.response, undefined);
  assert.equal(pipe.counters.droppedEvents, 7);
  assert.equal(pipe.counters.parseErrors, 0);
});

test('TLS: plaintext from uprobes is used, ciphertext on the socket ignored', async () => {
  const { pipe, out } = setup();
  const ev = (direction: 'read' | 'write', payload: string, tls: boolean): CaptureEvent => ({ ...(data('5:9:0', 5, 'node', direction, payload) as Extract<CaptureEvent, { kind: 'data' }>), tls, role: 'server', tuple: SERVER });
  pipe.push(ev('read', '\x16\x03\x01\x00\x10hello', false));
  pipe.push(ev('read', 'GET /secure HTTP/1.1\r\n\r\n', true));
  pipe.push(ev('write', '\x17\x03\x03\x00\x10data', false));
  pipe.push(ev('write', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', true));
  await pipe.flush();
  assert.equal(out.length, 1);
  assert.equal(out[0]!.tls, true);
  assert.equal(out[0]!.server.port, 8080);
});

test('container ids from /proc/PID/cgroup lines', () => {
  const id = 'a'.repeat(64);
  assert.equal(containerIdFromCgroup(`0::/system.slice/docker-${id}.scope\n`), id);
  assert.equal(containerIdFromCgroup(`0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/cri-containerd-${id}.scope`), id);
  assert.equal(containerIdFromCgroup('0::/user.slice/user-0.slice/session-1.scope\n'), undefined);
});

test('sampling under load: per-endpoint and global budgets per second, counted, rare endpoints kept', async () => {
  const out: Transaction[] = [];
  const pipe = new Pipeline({
    maxBody: 1024, redactor: new Redactor(), idPrefix: 's', onTransaction: (t) => out.push(t),
    clock: new KernelClock(0, 0n), processInfo: { containerId: () => undefined } as never,
    sampling: { maxPerSecond: 8, maxPerEndpointPerSecond: 5 },
  });
  pipe.push({ kind: 'open', connectionId: '9:1:0', pid: 9, comm: 'srv', timestampNs: at(), role: 'server', tuple: SERVER, cgroupId: 0n });
  const exchange = (path: string): void => {
    pipe.push(data('9:1:0', 9, 'srv', 'read', `GET ${path} HTTP/1.1\r\nHost: h\r\n\r\n`));
    pipe.push(data('9:1:0', 9, 'srv', 'write', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
  };
  for (let i = 0; i < 20; i++) exchange(`/hot?i=${i}`);
  exchange('/rare');
  await pipe.flush();
  // 5 of the hot endpoint (its budget), then the rare one still fits the global budget of 8.
  assert.deepEqual(out.map((t) => t.request.path), ['/hot', '/hot', '/hot', '/hot', '/hot', '/rare']);
  assert.equal(pipe.counters.sampledOut, 15);
  ns += 2_000_000_000n; // a new one-second window
  exchange('/hot');
  await pipe.flush();
  assert.equal(out.length, 7);
});

test('sampler: timestamps slightly out of order stay in their window', () => {
  const s = new Sampler({ maxPerSecond: 0, maxPerEndpointPerSecond: 2 });
  const kept = [5_000n, 4_000n, 6_000n, 3_000n, 1_000_005_000n].map((t) => s.keep(t, 'h', 'GET', '/x'));
  assert.deepEqual(kept, [true, true, false, false, true]);
  assert.equal(s.sampledOut, 2);
});

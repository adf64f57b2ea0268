// How a connection starts HTTP/2 in the pipeline: the client's preface, an h2c Upgrade, or the
// server's SETTINGS frame when the server writes it before reading the preface (Go and node do;
// the kernel's first-bytes check in sensor/bpf/state.bpf.h accepts both the same way).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline } from '../../sensor/src/pipeline/pipeline';
import { Redactor } from '../../core/src/redaction/redactor';
import { KernelClock } from '../../sensor/src/pipeline/clock';
import type { CaptureEvent, SocketTuple } from '../../sensor/src/capture/events';
import type { Transaction } from '../../core/src/protocol/transaction';
import { h2Frame, PREFACE } from '../support/h2-frames';

const SERVER: SocketTuple = { family: 4, localAddress: '127.0.0.1', localPort: 8443, remoteAddress: '127.0.0.1', remotePort: 50001 };
const frame = h2Frame;

/** HPACK literal fields without indexing and without Huffman (RFC 7541 §6.2.2): no table state. */
function block(fields: [string, string][]): Buffer {
  return Buffer.concat(fields.flatMap(([n, v]) => [Buffer.from([0x00, n.length]), Buffer.from(n), Buffer.from([v.length]), Buffer.from(v)]));
}

const SETTINGS = frame(0x4, 0, 0, Buffer.from([0, 3, 0, 0, 0, 100])); // MAX_CONCURRENT_STREAMS 100
const END_STREAM_HEADERS = 0x1 | 0x4;

function run(events: Array<{ direction: 'read' | 'write'; data: Buffer }>): { out: Transaction[]; pipe: Pipeline } {
  const out: Transaction[] = [];
  const pipe = new Pipeline({ maxBody: 1024, redactor: new Redactor(), idPrefix: 't', onTransaction: (t) => out.push(t), clock: new KernelClock(0, 0n), processInfo: { containerId: () => undefined } as never });
  let ns = 1n;
  for (const e of events) {
    const ev: CaptureEvent = { kind: 'data', connectionId: '7:3:0', pid: 7, comm: 'srv', timestampNs: (ns += 1000n), direction: e.direction, tls: true, role: 'server', tuple: SERVER, data: e.data, originalLength: e.data.length };
    pipe.push(ev);
  }
  pipe.push({ kind: 'close', connectionId: '7:3:0', pid: 7, comm: 'srv', timestampNs: ns + 1000n });
  return { out, pipe };
}

const request = frame(0x1, END_STREAM_HEADERS, 1, block([[':method', 'GET'], [':path', '/orders/1'], [':scheme', 'https'], [':authority', 'localhost'], ['x-api-key', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc']]));
const response = frame(0x1, END_STREAM_HEADERS, 1, block([[':status', '204']]));

test('a server that writes its SETTINGS before reading the preface: one HTTP/2 transaction', async () => {
  const { out, pipe } = run([
    { direction: 'write', data: SETTINGS },
    { direction: 'read', data: Buffer.concat([PREFACE, SETTINGS, request]) },
    { direction: 'write', data: Buffer.concat([frame(0x4, 0x1, 0, Buffer.alloc(0)), response]) },
  ]);
  await pipe.flush();
  assert.deepEqual(out.map((t) => `${t.request.method} ${t.request.path} ${t.response?.status} ${t.httpVersion} tls=${t.tls}`), ['GET /orders/1 204 2 tls=true']);
  assert.equal(pipe.counters.parseErrors, 0);
  assert.ok(!out[0]?.request.headers.find((h) => h.name === 'x-api-key')?.value.includes('4eC39HqLyjWDarjtT1zdp7dc'), 'the API key was redacted');
});

test('the preface first (the server reads before it writes) gives the same transaction', async () => {
  const { out } = run([
    { direction: 'read', data: Buffer.concat([PREFACE, SETTINGS, request]) },
    { direction: 'write', data: Buffer.concat([SETTINGS, response]) },
  ]);
  assert.deepEqual(out.map((t) => `${t.request.path} ${t.response?.status} ${t.httpVersion}`), ['/orders/1 204 2']);
});

test('bytes that only resemble a SETTINGS frame (non-zero stream, ACK flag, odd length) are not HTTP/2', () => {
  for (const bad of [frame(0x4, 0, 1, Buffer.alloc(6)), frame(0x4, 0x1, 0, Buffer.alloc(0)), frame(0x4, 0, 0, Buffer.alloc(5))]) {
    const { out, pipe } = run([{ direction: 'write', data: bad }, { direction: 'read', data: Buffer.concat([PREFACE, request]) }]);
    assert.equal(out.length, 0);
    assert.equal(pipe.counters.parseErrors, 0);
  }
});

test('h2c Upgrade: the HTTP/1.1 request is stream 1, its answer comes in HTTP/2; one transaction, not a 101', async () => {
  const upgrade = 'GET /items/7 HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n';
  const switching = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n';
  const second = frame(0x1, END_STREAM_HEADERS, 3, block([[':method', 'GET'], [':path', '/items/8'], [':scheme', 'http'], [':authority', 'localhost']]));
  const { out, pipe } = run([
    { direction: 'read', data: Buffer.from(upgrade) },
    // The 101 and the server's first frames in one write: the frames must not be lost with the head.
    { direction: 'write', data: Buffer.concat([Buffer.from(switching), SETTINGS, frame(0x1, END_STREAM_HEADERS, 1, block([[':status', '200']]))]) },
    { direction: 'read', data: Buffer.concat([PREFACE, SETTINGS, second]) },
    { direction: 'write', data: frame(0x1, END_STREAM_HEADERS, 3, block([[':status', '404']])) },
  ]);
  await pipe.flush();
  assert.deepEqual(out.map((t) => `${t.request.method} ${t.request.path} ${t.response?.status} ${t.httpVersion}`), ['GET /items/7 200 2', 'GET /items/8 404 2']);
  assert.equal(pipe.counters.parseErrors, 0);
});

test('h2c Upgrade of a request with a body: its header fields and body reach the transaction (no accessor lost on the way)', async () => {
  const upgrade = 'POST /items HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 9\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n{"id":7}\n';
  const switching = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n';
  const { out, pipe } = run([
    { direction: 'read', data: Buffer.from(upgrade) },
    { direction: 'write', data: Buffer.concat([Buffer.from(switching), SETTINGS, frame(0x1, END_STREAM_HEADERS, 1, block([[':status', '201']]))]) },
  ]);
  await pipe.flush();
  assert.equal(out.length, 1);
  const t = out[0]!;
  assert.equal(`${t.request.method} ${t.request.path} ${t.response?.status} ${t.httpVersion}`, 'POST /items 201 2');
  assert.deepEqual(t.request.headers.filter((h) => /^(host|content-type)$/i.test(h.name)).map((h) => `${h.name}: ${h.value}`), ['Host: localhost', 'Content-Type: application/json']);
  assert.equal(t.request.body?.text, '{"id":7}\n');
});

test('an Upgrade to another protocol (websocket) stays one HTTP/1.1 exchange, the rest not followed', async () => {
  const { out } = run([
    { direction: 'read', data: Buffer.from('GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n') },
    { direction: 'write', data: Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x05hello') },
    { direction: 'read', data: Buffer.concat([PREFACE, request]) },
  ]);
  assert.deepEqual(out.map((t) => `${t.request.path} ${t.response?.status} ${t.httpVersion}`), ['/ws 101 1.1']);
});

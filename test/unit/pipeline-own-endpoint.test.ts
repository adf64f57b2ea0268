// The sensor's own endpoint is never reported, whatever the capture knew when an exchange with it
// completed: the synthetic events below are the orders a loaded machine delivers them in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline } from '../../sensor/src/pipeline/pipeline';
import { Redactor } from '../../core/src/redaction/redactor';
import { KernelClock } from '../../sensor/src/pipeline/clock';
import type { CaptureEvent, SocketTuple } from '../../sensor/src/capture/events';
import type { Transaction } from '../../core/src/protocol/transaction';

const SENSOR_PORT = 45211;
const TOKEN = 'Zx9-own-token-0123456789abcdef';
const CLIENT: SocketTuple = { family: 4, localAddress: '127.0.0.1', localPort: 36086, remoteAddress: '127.0.0.1', remotePort: SENSOR_PORT };
const UPGRADE = `GET /v1/stream HTTP/1.1\r\nAuthorization: Bearer ${TOKEN}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: j4Z78LTA/WNavCf/a/gjYQ==\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nHost: 127.0.0.1:${SENSOR_PORT}\r\n\r\n`;
const SWITCHED = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: x\r\n\r\n';
const HEALTH = `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${SENSOR_PORT}\r\n\r\n`;
const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

let ns = 1_000_000n;
const at = (): bigint => (ns += 1_000_000n);

function setup(): { pipe: Pipeline; out: Transaction[] } {
  const out: Transaction[] = [];
  const pipe = new Pipeline({ maxBody: 1 << 16, redactor: new Redactor(), idPrefix: 't', onTransaction: (t) => out.push(t), clock: new KernelClock(1_700_000_000_000, 0n), processInfo: { containerId: () => undefined } as never });
  pipe.ignoreOwnEndpoint(SENSOR_PORT, TOKEN);
  return { pipe, out };
}

function data(direction: 'read' | 'write', text: string, known?: { role: 'client' | 'server'; tuple: SocketTuple }): CaptureEvent {
  const d = new TextEncoder().encode(text);
  return { kind: 'data', connectionId: '77:9:0', pid: 77, comm: 'node', timestampNs: at(), direction, tls: false, data: d, originalLength: d.length, ...(known ?? {}) };
}

const open = (): CaptureEvent => ({ kind: 'open', connectionId: '77:9:0', pid: 77, comm: 'node', timestampNs: at(), role: 'client', tuple: CLIENT, cgroupId: 1n });
const close = (): CaptureEvent => ({ kind: 'close', connectionId: '77:9:0', pid: 77, comm: 'node', timestampNs: at() });

test("a health probe answered before the probe's open event arrived is not reported (tuple unknown, no token)", async () => {
  const { pipe, out } = setup();
  for (const e of [data('write', HEALTH), data('read', OK), open(), close()]) pipe.push(e);
  await pipe.flush();
  assert.deepEqual(out.map((t) => t.request.path), []);
});

test('the WebSocket upgrade to the sensor is not reported, in any order its events arrive', async () => {
  const orders: Array<() => CaptureEvent[]> = [
    () => [open(), data('write', UPGRADE), data('read', SWITCHED), close()],
    () => [data('write', UPGRADE), data('read', SWITCHED), open(), close()],
    () => [data('write', UPGRADE, { role: 'client', tuple: CLIENT }), data('read', SWITCHED), close()],
    () => [data('write', UPGRADE), close()],
  ];
  for (const events of orders) {
    const { pipe, out } = setup();
    for (const e of events()) pipe.push(e);
    await pipe.flush();
    assert.deepEqual(out.map((t) => t.request.path), []);
  }
});

test('a token with other spacing or case in the header still names our client', async () => {
  const { pipe, out } = setup();
  const other: SocketTuple = { ...CLIENT, remotePort: 8080 }; // as through a port-forward: the port is not ours
  for (const e of [data('write', `GET /v1/stream HTTP/1.1\r\nAuthorization:  bearer   ${TOKEN} \r\nHost: fwd\r\n\r\n`, { role: 'client', tuple: other }), data('read', SWITCHED), close()]) pipe.push(e);
  await pipe.flush();
  assert.deepEqual(out.map((t) => t.request.path), []);
});

test('traffic to another service on this machine is still reported, with or without its tuple', async () => {
  const { pipe, out } = setup();
  const req = 'GET /orders HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAuthorization: Bearer someone-else\r\n\r\n';
  for (const e of [data('write', req), data('read', OK), close()]) pipe.push(e);
  await pipe.flush();
  assert.deepEqual(out.map((t) => t.request.path), ['/orders']);
});

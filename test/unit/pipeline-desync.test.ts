// A desync through the pipeline: one event per connection (also when both ends are traced),
// with its client, server and redacted first bytes, valid tapline/1; other connections go on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline } from '../../sensor/src/pipeline/pipeline';
import { Redactor } from '../../core/src/redaction/redactor';
import { KernelClock } from '../../sensor/src/pipeline/clock';
import { validateSensorMessage } from '../../core/src/protocol/validate-messages';
import type { DesyncEvent } from '../../core/src/protocol/desync';
import type { Transaction } from '../../core/src/protocol/transaction';
import type { CaptureEvent, SocketTuple } from '../../sensor/src/capture/events';

const tuple = (clientPort: number, server: boolean): SocketTuple =>
  server
    ? { family: 4, localAddress: '127.0.0.1', localPort: 8080, remoteAddress: '127.0.0.1', remotePort: clientPort }
    : { family: 4, localAddress: '127.0.0.1', localPort: clientPort, remoteAddress: '127.0.0.1', remotePort: 8080 };

let ns = 1_000_000n;
function data(connectionId: string, pid: number, direction: 'read' | 'write', payload: string): CaptureEvent {
  const d = Buffer.from(payload, 'latin1');
  return { kind: 'data', connectionId, pid, comm: pid === 20 ? 'node' : 'curl', timestampNs: (ns += 1000n), direction, tls: false, data: d, originalLength: d.length };
}

test('a smuggling attempt is one redacted, valid desync event with its client; keep-alive on another connection is unaffected', async () => {
  const out: Transaction[] = [];
  const desyncs: DesyncEvent[] = [];
  const pipe = new Pipeline({ maxBody: 4096, redactor: new Redactor(), idPrefix: 't', onTransaction: (t) => out.push(t), onDesync: (e) => desyncs.push(e), clock: new KernelClock(1_700_000_000_000, 0n), processInfo: { containerId: () => undefined } as never });
  const attack = 'POST /login HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer top-secret-token\r\nContent-Length: 40\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled?email=eve@example.com HTTP/1.1\r\n\r\n';
  pipe.push({ kind: 'open', connectionId: 'c1', pid: 10, comm: 'curl', timestampNs: (ns += 1000n), role: 'client', tuple: tuple(50001, false), cgroupId: 1n });
  pipe.push({ kind: 'open', connectionId: 's1', pid: 20, comm: 'node', timestampNs: (ns += 1000n), role: 'server', tuple: tuple(50001, true), cgroupId: 1n });
  pipe.push({ kind: 'open', connectionId: 's2', pid: 20, comm: 'node', timestampNs: (ns += 1000n), role: 'server', tuple: tuple(50002, true), cgroupId: 1n });
  pipe.push(data('c1', 10, 'write', attack));
  pipe.push(data('s1', 20, 'read', attack));
  for (let i = 0; i < 3; i++) {
    pipe.push(data('s2', 20, 'read', `GET /ok/${i} HTTP/1.1\r\nHost: a\r\n\r\n`));
    pipe.push(data('s2', 20, 'write', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
  }
  pipe.push(data('s1', 20, 'write', 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'));
  for (const id of ['c1', 's1', 's2']) pipe.push({ kind: 'close', connectionId: id, pid: id === 'c1' ? 10 : 20, comm: 'x', timestampNs: (ns += 1000n) });
  await pipe.flush();
  assert.deepEqual(out.map((t) => t.request.path), ['/ok/0', '/ok/1', '/ok/2']);
  assert.equal(desyncs.length, 1);
  const e = desyncs[0]!;
  assert.equal(e.rule, 'cl-and-te');
  assert.deepEqual(e.client, { address: '127.0.0.1', port: 50001 });
  assert.deepEqual(e.server, { address: '127.0.0.1', port: 8080 });
  assert.equal(e.messagesBefore, 0);
  assert.ok(e.firstBytes.startsWith('POST /login HTTP/1.1\\r\\nHost: a\\r\\nAuthorization: Bearer [REDACTED'), e.firstBytes);
  assert.ok(!e.firstBytes.includes('top-secret-token'));
  assert.ok(!e.firstBytes.includes('eve@example.com'));
  assert.ok(validateSensorMessage({ type: 'desync', items: desyncs }).ok);
  assert.equal(pipe.counters.desyncs, 1);
});

test('desync messages are validated like every sensor message', () => {
  const bad = validateSensorMessage({ type: 'desync', items: [{ id: 'x', at: 1, rule: 'Bad Rule', reason: 'r', side: 'sideways', client: { address: 'a', port: 70000 }, server: { address: 'b', port: 1 }, tls: false, messagesBefore: 0, firstBytes: 'raw\r\n', firstBytesTruncated: false }] });
  assert.equal(bad.ok, false);
  const paths = bad.ok ? [] : bad.problems.map((p) => p.path);
  assert.deepEqual(paths.sort(), ['$.items[0].client.port', '$.items[0].firstBytes', '$.items[0].rule', '$.items[0].side']);
});

// The pipeline's sampling decisions on keep-alive connections, where it reuses the last
// endpoint's budget slot when a head names the same endpoint and Host (pipeline.ts sampled):
// every decision must be the one the sampler makes from the endpoint and service strings, over
// HTTP/1.x (compared in the head's text) and HTTP/2 (method and target strings).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline } from '../../sensor/src/pipeline/pipeline';
import { Redactor } from '../../core/src/redaction/redactor';
import { KernelClock } from '../../sensor/src/pipeline/clock';
import { Sampler } from '../../sensor/src/pipeline/sampler';
import type { SocketTuple } from '../../sensor/src/capture/events';
import { h2Frame, PREFACE } from '../support/h2-frames';

const SERVER: SocketTuple = { family: 4, localAddress: '127.0.0.1', localPort: 8080, remoteAddress: '127.0.0.1', remotePort: 50000 };

test('slots reused across a connection decide as the sampler does from the strings', async () => {
  const budgets = { maxPerSecond: 40, maxPerEndpointPerSecond: 3 };
  const kept: string[] = [];
  const pipe = new Pipeline({
    maxBody: 1024, redactor: new Redactor(), idPrefix: 's', onTransaction: (t) => kept.push(`${t.request.method} ${t.request.target} ${t.request.headers.find((h) => h.name === "Host")?.value ?? "-"} ${t.request.headers.find((h) => h.name === "X-I")?.value}`),
    clock: new KernelClock(0, 0n), processInfo: { containerId: () => undefined } as never, sampling: budgets,
  });
  const reference = new Sampler(budgets);
  const expected: string[] = [];
  let ns = 1_000n;
  // Targets and Host fields that share prefixes with each other, with queries, doubled spaces,
  // a Host with spaces around it, and none (then the service is the connection's address).
  const targets = ['/a', '/a?x=1', '/ab', '/a/', '/b', '/a?', '/?q', '*'];
  const hosts: (string | undefined)[] = ['h', ' h ', 'h2', 'hh', undefined];
  let seed = 11;
  const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >>> 8) % n;
  for (let c = 0; c < 3; c++) pipe.push({ kind: 'open', connectionId: `9:${c}:0`, pid: 9, comm: 'srv', timestampNs: ns, role: 'server', tuple: { ...SERVER, remotePort: 50000 + c }, cgroupId: 0n });
  for (let i = 0; i < 3000; i++) {
    const conn = `9:${rnd(3)}:0`;
    const target = targets[rnd(targets.length)] ?? '/';
    const host = hosts[rnd(hosts.length)];
    const method = rnd(4) === 0 ? 'POST' : 'GET';
    const sep = rnd(5) === 0 ? '  ' : ' ';
    const head = `${method}${sep}${target} HTTP/1.1\r\n${host === undefined ? '' : `Host:${host}\r\n`}X-I: ${i}\r\nContent-Length: 0\r\n\r\n`;
    ns += BigInt(1 + rnd(40_000_000)); // a new one-second window every few dozen exchanges
    pipe.push({ kind: 'data', connectionId: conn, pid: 9, comm: 'srv', timestampNs: ns, direction: 'read', tls: false, data: Buffer.from(head), originalLength: head.length });
    ns += 1_000n;
    pipe.push({ kind: 'data', connectionId: conn, pid: 9, comm: 'srv', timestampNs: ns, direction: 'write', tls: false, data: Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'), originalLength: 27 });
    const q = target.indexOf('?');
    const service = host?.trim() ?? '127.0.0.1:8080';
    if (reference.keepEndpoint(ns, service, `${method} ${q < 0 ? target : target.slice(0, q)}`)) expected.push(`${method} ${target} ${host?.trim() ?? "-"} ${i}`);
  }
  await pipe.flush();
  assert.ok(expected.length > 300 && expected.length < 2700, `${expected.length} kept: the budgets must bite and let through`);
  assert.deepEqual(kept, expected);
  assert.equal(pipe.counters.sampledOut, reference.sampledOut);
});

test('HTTP/2 streams on one connection: slots reused by method and target decide as the sampler does', async () => {
  const budgets = { maxPerSecond: 0, maxPerEndpointPerSecond: 2 };
  const kept: string[] = [];
  const pipe = new Pipeline({
    maxBody: 1024, redactor: new Redactor(), idPrefix: 's', onTransaction: (t) => kept.push(`${t.request.method} ${t.request.target}`),
    clock: new KernelClock(0, 0n), processInfo: { containerId: () => undefined } as never, sampling: budgets,
  });
  const reference = new Sampler(budgets);
  const expected: string[] = [];
  // Literal fields without indexing (RFC 7541 §6.2.2): every block stands alone.
  const block = (fields: [string, string][]): Buffer => Buffer.concat(fields.flatMap(([n, v]) => [Buffer.from([0x00, n.length]), Buffer.from(n), Buffer.from([v.length]), Buffer.from(v)]));
  const settings = h2Frame(0x4, 0, 0, Buffer.alloc(0));
  let ns = 1_000n;
  const push = (direction: 'read' | 'write', data: Buffer): void => {
    pipe.push({ kind: 'data', connectionId: '7:1:0', pid: 7, comm: 'srv', timestampNs: (ns += 1_000n), direction, tls: true, role: 'server', tuple: SERVER, data, originalLength: data.length });
  };
  const paths = ['/a', '/a?x', '/b', '/a'];
  for (let i = 0; i < 40; i++) {
    if (i === 20) ns += 2_000_000_000n; // a new window
    const path = paths[i % paths.length] ?? '/';
    const method = i % 3 === 0 ? 'POST' : 'GET';
    const request = h2Frame(0x1, 0x5, 2 * i + 1, block([[':method', method], [':path', path], [':scheme', 'https'], [':authority', 'h']]));
    push('read', i === 0 ? Buffer.concat([PREFACE, settings, request]) : request);
    push('write', Buffer.concat([i === 0 ? settings : Buffer.alloc(0), h2Frame(0x1, 0x5, 2 * i + 1, block([[':status', '204']]))]));
    const q = path.indexOf('?');
    if (reference.keepEndpoint(ns, '127.0.0.1:8080', `${method} ${q < 0 ? path : path.slice(0, q)}`)) expected.push(`${method} ${path}`);
  }
  await pipe.flush();
  assert.ok(expected.length > 5 && expected.length < 35);
  assert.deepEqual(kept, expected);
});

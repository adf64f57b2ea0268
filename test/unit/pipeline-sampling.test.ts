// The pipeline's sampling decisions on keep-alive connections, where it reuses the last
// endpoint's budget slot when a head names the same endpoint and Host (pipeline.ts sampled):
// every decision must be the one the sampler makes from the endpoint and service strings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline } from '../../sensor/src/pipeline/pipeline';
import { Redactor } from '../../core/src/redaction/redactor';
import { KernelClock } from '../../sensor/src/pipeline/clock';
import { Sampler } from '../../sensor/src/pipeline/sampler';
import type { SocketTuple } from '../../sensor/src/capture/events';

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

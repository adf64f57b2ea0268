// The real eBPF sensor capture, as root: a node HTTP/HTTPS server and clients on loopback
// (in child processes), curl against the HTTPS server, and the test's own excluded traffic.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { test, type TestContext } from 'node:test';
import type { DataEvent, OpenEvent } from '../../sensor/src/capture/events';
import { EbpfSource, LoaderError } from '../../sensor/src/capture/ebpf-source';
import {
  BIG_BODY_BYTES,
  CLIENT_SCRIPT,
  EventLog,
  SERVER_SCRIPT,
  TLS_CERT,
  TLS_KEY,
  gate,
  isData,
  loaderPath,
  text,
} from './ebpf-helpers';

const CAP = 65536;

function node(script: string, args: string[] = []): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['-e', script, ...args], {
    env: { ...process.env, TLS_KEY, TLS_CERT },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

async function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  let buf = '';
  child.stdout.setEncoding('utf8');
  for await (const chunk of child.stdout) {
    buf += chunk as string;
    const nl = buf.indexOf('\n');
    if (nl >= 0) return buf.slice(0, nl);
  }
  let err = '';
  for await (const chunk of child.stderr) err += String(chunk);
  throw new Error(`child exited without output: ${err}`);
}

/**
 * The test process's own HTTP: both ends in this (excluded) pid, then a traced client (curl)
 * against this process's server — as a client of the sensor's own WebSocket server would be.
 */
async function ownExchange(): Promise<void> {
  const server = http.createServer((_req, res) => res.end('mine'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve, reject) =>
    http.get({ host: '127.0.0.1', port, path: '/own-traffic', agent: false }, (res) => res.resume().on('end', resolve)).on('error', reject),
  );
  await curl([`http://127.0.0.1:${port}/own-traffic-from-curl`]);
  server.close();
}

function curl(args: string[]): Promise<{ pid: number; out: string }> {
  const child = spawn('curl', ['-sk', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve({ pid: child.pid!, out }) : reject(new Error(`curl exited ${code}`))));
  });
}

test('loader errors surface as one-line Errors with the exit code', async (t) => {
  if (!gate(t)) return;
  const source = new EbpfSource({ loaderPath, extraArgs: ['--no-such-flag'] });
  await assert.rejects(source.start(() => {}, () => {}), (err: unknown) => {
    assert.ok(err instanceof LoaderError);
    assert.match(err.message, /unknown or incomplete flag '--no-such-flag'/);
    assert.equal(err.exitCode, 2);
    return true;
  });
});

// Both sets of syscall hooks the loader can attach (loader.c, choose_syscall_hooks): the default
// per-syscall tracepoints, and the raw sys_enter/sys_exit dispatchers (x86-64 only).
const HOOKS = process.arch === 'x64' ? (['tracepoints', 'raw'] as const) : (['tracepoints'] as const);
for (const hooks of HOOKS) {
  test(`captures HTTP and HTTPS on loopback once, server side, with tuples and truncation (${hooks} syscall hooks)`, (t) => captureOnLoopback(t, hooks));
}

/** Names of the BPF programs a process holds open (the `prog_id` of its fds, named by bpftool). */
function programsOf(pid: number): string[] {
  const ids = new Set<number>();
  for (const fd of readdirSync(`/proc/${pid}/fdinfo`)) {
    const id = /^prog_id:\s*(\d+)$/m.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'))?.[1];
    if (id) ids.add(Number(id));
  }
  const out = spawnSync('bpftool', ['-j', 'prog', 'show'], { encoding: 'utf8' });
  assert.equal(out.status, 0, `bpftool prog show: ${out.stderr}`);
  const progs = JSON.parse(out.stdout) as { id: number; name?: string }[];
  return progs.filter((p) => ids.has(p.id)).map((p) => p.name ?? '');
}

async function captureOnLoopback(t: TestContext, hooks: 'tracepoints' | 'raw'): Promise<void> {
  if (!gate(t)) return;
  const log = new EventLog();
  const errors: Error[] = [];
  const source = new EbpfSource({ loaderPath, capBytes: CAP });
  process.env.TAPLINE_SYSCALL_HOOKS = hooks; // inherited by the loader
  try {
    await source.start(log.push, (e) => errors.push(e));
  } finally {
    delete process.env.TAPLINE_SYSCALL_HOOKS;
  }
  // The set asked for is the set attached: the raw dispatchers are named tl_sys_enter/tl_sys_exit.
  const names = programsOf(source.loaderPid!);
  assert.equal(names.includes('tl_sys_enter'), hooks === 'raw', `programs of the loader: ${names.join(', ')}`);
  assert.equal(names.includes('tl_enter_read'), hooks === 'tracepoints');
  const children: ChildProcessWithoutNullStreams[] = [];
  try {
    await ownExchange();

    const server = node(SERVER_SCRIPT);
    children.push(server);
    const ports = JSON.parse(await firstLine(server)) as { http: number; https: number; v6: number };
    const spid = server.pid!;

    const client = node(CLIENT_SCRIPT, [String(ports.http), String(ports.https), String(ports.v6)]);
    children.push(client);
    const done = await firstLine(client);
    const cpid = client.pid!;
    assert.equal(done, `done ${BIG_BODY_BYTES}`);

    const viaCurl = await curl([`https://127.0.0.1:${ports.https}/from-curl?via=curl`]);
    assert.match(viaCurl.out, /from-curl/);

    // Ring-buffer order: once this last response is seen, everything before it has arrived.
    const barrier = await curl([`http://127.0.0.1:${ports.http}/barrier`]);
    await log.waitFor((e) => isData(e) && e.pid === spid && e.direction === 'write' && text(e).includes('"/barrier"'));

    const server4 = (e: DataEvent | OpenEvent): boolean => e.tuple?.localAddress === '127.0.0.1' && e.tuple.remoteAddress === '127.0.0.1';

    // Plain HTTP: the request read by the server, the response written, on one connection.
    const hello = log.data(spid).find((e) => text(e).startsWith('GET /hello?x=1 HTTP/1.1'));
    assert.ok(hello, 'request seen by the server');
    assert.equal(hello.direction, 'read');
    assert.equal(hello.tls, false);
    assert.equal(hello.role, 'server');
    assert.equal(hello.tuple?.localPort, ports.http);
    assert.ok(server4(hello));
    assert.equal(hello.originalLength, hello.data.length);
    const open = log.events.find((e): e is OpenEvent => e.kind === 'open' && e.connectionId === hello.connectionId);
    assert.ok(open, 'open event for the connection');
    assert.equal(open.role, 'server');
    assert.equal(open.pid, spid);
    assert.deepEqual(open.peer, { pid: cpid, comm: 'node' }, 'the local client process is named');
    const sameConn = log.data(spid).filter((e) => e.connectionId === hello.connectionId);
    const writes = sameConn.filter((e) => e.direction === 'write').map(text);
    assert.ok(writes.some((w) => w.startsWith('HTTP/1.1 200 OK') && w.includes('"/hello"')), 'response on the same connection');
    assert.ok(sameConn.some((e) => e.direction === 'read' && text(e).startsWith('POST /echo')), 'keep-alive: second request, same connection');
    assert.ok(sameConn.some((e) => text(e).includes('{"name":"tapline"}')), 'request body seen');

    // 1 MiB response: cut at the cap, original lengths add up to what was written.
    const bigReq = log.data(spid).find((e) => text(e).startsWith('GET /big HTTP/1.1'));
    assert.ok(bigReq);
    const bigWrites = log.data(spid).filter((e) => e.connectionId === bigReq.connectionId && e.direction === 'write');
    const head = text(bigWrites[0]!);
    const headerBytes = head.indexOf('\r\n\r\n') + 4;
    assert.ok(headerBytes > 4 && head.toLowerCase().includes(`content-length: ${BIG_BODY_BYTES}`));
    assert.equal(bigWrites.reduce((n, e) => n + e.originalLength, 0), headerBytes + BIG_BODY_BYTES);
    assert.ok(bigWrites.some((e) => e.originalLength > CAP && e.data.length === CAP), 'a call truncated at the cap');
    assert.ok(bigWrites.every((e) => e.data.length === Math.min(e.originalLength, CAP)));

    // HTTPS (node on both sides, then curl): plaintext with tls: true on the socket's connection.
    const secure = log.data(spid).find((e) => text(e).startsWith('GET /secure?tls=1 HTTP/1.1'));
    assert.ok(secure, 'TLS plaintext request seen');
    assert.equal(secure.tls, true);
    assert.equal(secure.direction, 'read');
    assert.equal(secure.tuple?.localPort, ports.https);
    const secureOpen = log.events.find((e): e is OpenEvent => e.kind === 'open' && e.connectionId === secure.connectionId);
    assert.ok(secureOpen && secureOpen.tuple.localPort === ports.https, 'TLS events carry the socket connection id');
    assert.ok(
      log.data(spid).some((e) => e.connectionId === secure.connectionId && e.direction === 'write' && e.tls && text(e).includes('"/secure"')),
      'TLS plaintext response',
    );
    const fromCurl = log.data(spid).find((e) => text(e).startsWith('GET /from-curl?via=curl HTTP/1.1'));
    assert.ok(fromCurl?.tls, 'curl -k request seen in plaintext by the server');
    const curlOpen = log.events.find((e): e is OpenEvent => e.kind === 'open' && e.connectionId === fromCurl.connectionId);
    assert.deepEqual(curlOpen?.peer, { pid: viaCurl.pid, comm: 'curl' });

    // IPv6 loopback.
    const v6 = log.data(spid).find((e) => text(e).startsWith('GET /v6?family=6 HTTP/1.1'));
    assert.ok(v6, 'IPv6 request seen');
    assert.deepEqual(v6.tuple && { ...v6.tuple, remotePort: 0 }, { family: 6, localAddress: '::1', localPort: ports.v6, remoteAddress: '::1', remotePort: 0 });

    // No ciphertext: every event on an HTTPS connection is TLS plaintext.
    const httpsConns = new Set(
      log.events.filter((e): e is OpenEvent => e.kind === 'open' && e.tuple.localPort === ports.https).map((e) => e.connectionId),
    );
    for (const e of log.events.filter(isData)) {
      if (httpsConns.has(e.connectionId)) assert.equal(e.tls, true, 'no socket-level (ciphertext) event on an HTTPS connection');
      const b0 = e.data[0];
      assert.ok(!(e.tls === false && (b0 === 0x16 || b0 === 0x17) && e.data[1] === 0x03), 'no TLS record copied');
    }

    // One side only: nothing from the client processes, the test process, or the loader.
    for (const pid of [cpid, viaCurl.pid, barrier.pid, process.pid, source.loaderPid]) {
      assert.equal(log.events.filter((e) => e.kind !== 'lost' && e.pid === pid).length, 0, `nothing reported for pid ${pid}`);
    }
    assert.ok(!log.events.some((e) => isData(e) && text(e).includes('/own-traffic')), 'the excluded pid is never traced, nor local clients of its servers');
    assert.deepEqual(errors, []);
    assert.equal(source.stats().badFrames, 0);
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await source.stop();
  }
}

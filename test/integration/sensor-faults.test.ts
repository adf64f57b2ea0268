// Faults with the real sensor and the engine's sensor connection: a traced process exiting in the
// middle of a request, the sensor killed (SIGKILL) and started again on its port, the loader
// killed under a running daemon, and a network-namespace link cut and restored. The engine shows
// each state, reconnects, keeps what it had; after each death no BPF program or link that sensor
// owned is left in the kernel (`bpftool prog`/`link`, by the ids its loader held).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SensorClient, type SensorState } from '../../server/src/engine/sensor-client';
import type { Transaction } from '../../core/src/protocol/transaction';
import { createTwoNodes, stopChild } from '../support/netns';
import { startSensorProcess, type SensorProcess } from '../support/sensor-process';
import { gate, repoRoot } from './ebpf-helpers';

const DEADLINE_MS = 20_000;

/** Resolves once `check` holds, rechecked every 50 ms; rejects naming `what` after the deadline. */
async function until(check: () => boolean, what: string, deadlineMs = DEADLINE_MS): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`waited ${deadlineMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `p`, or a rejection naming `what` after the deadline: a wait that hangs says what it waited for. */
async function within<T>(p: Promise<T>, what: string, deadlineMs = DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`waited ${deadlineMs} ms for ${what}`)), deadlineMs);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The BPF program and link ids a live process holds (its /proc/PID/fdinfo). */
function bpfIdsOf(pid: number): { progs: Set<number>; links: Set<number> } {
  const progs = new Set<number>();
  const links = new Set<number>();
  for (const fd of readdirSync(`/proc/${pid}/fdinfo`)) {
    let info = '';
    try {
      info = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
    } catch {
      continue; // closed meanwhile
    }
    const link = /^link_id:\s*(\d+)/m.exec(info);
    const prog = /^prog_id:\s*(\d+)/m.exec(info);
    if (link?.[1]) links.add(Number(link[1]));
    else if (prog?.[1]) progs.add(Number(prog[1]));
  }
  return { progs, links };
}

/** Which of `ids` the kernel still has, as bpftool lists them. */
function leftInKernel(ids: { progs: Set<number>; links: Set<number> }): string[] {
  const list = (what: 'prog' | 'link'): Array<{ id: number }> => JSON.parse(execFileSync('bpftool', [what, 'show', '-j'], { encoding: 'utf8' }) || '[]') as Array<{ id: number }>;
  return [...list('prog').filter((p) => ids.progs.has(p.id)).map((p) => `prog ${p.id}`), ...list('link').filter((l) => ids.links.has(l.id)).map((l) => `link ${l.id}`)];
}

function loaderOf(sensor: SensorProcess): number {
  const pid = sensor.child.pid ?? 0;
  const kids = readdirSync(`/proc/${pid}/task`).flatMap((tid) => readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
  const loader = kids.find((k) => readFileSync(`/proc/${k}/comm`, 'utf8').trim() === 'tapline-loader');
  assert.ok(loader, 'the sensor runs a loader');
  return loader;
}

/** The engine's connection, recording states, problems and every transaction it received. */
function engineSide(url: string, token: string): { client: SensorClient; states: SensorState['kind'][]; problems: string[]; seen: Map<string, Transaction> } {
  const client = new SensorClient({ url, token, heartbeatMs: 1000, backoff: { baseMs: 100, maxMs: 400 } });
  const states: SensorState['kind'][] = [];
  const problems: string[] = [];
  const seen = new Map<string, Transaction>();
  client.on('state', (s) => states.push(s.kind));
  client.on('problem', (p) => problems.push(p));
  client.on('transactions', (items) => items.forEach((t) => seen.set(t.id, t)));
  client.start();
  return { client, states, problems, seen };
}

const paths = (seen: Map<string, Transaction>): string[] => [...seen.values()].map((t) => t.request.path);

// Answers the first byte of a response, then the whole process exits: a request cut by its server's death.
const DYING_SERVER = `
const net = require('node:net');
const server = net.createServer((s) => s.once('data', () => { s.write('HTTP/1.1 200 OK\\r\\nContent-Length: 1000\\r\\n\\r\\n{"partial":'); setImmediate(() => process.exit(0)); }));
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

test('live sensor: a traced process exits mid-request, the sensor is killed and restarted, the loader is killed; nothing lost, nothing left in the kernel', { timeout: 240_000 }, async (t) => {
  if (!gate(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'tapline-faults-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const service: Server = createServer((req, res) => res.end(JSON.stringify({ path: req.url })));
  service.listen(0, '127.0.0.1');
  await once(service, 'listening');
  t.after(() => service.close());
  const svcPort = (service.address() as AddressInfo).port;
  const dying = spawn(process.execPath, ['-e', DYING_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  // If the test fails before the cut request, the server would keep this process alive for ever.
  t.after(() => dying.kill('SIGKILL'));
  // Listened for from the start: the process may exit before the cut request's rejection arrives.
  const dyingExited = once(dying, 'exit');
  const [portLine] = (await within(once(dying.stdout, 'data'), 'the dying server to print its port')) as [Buffer];
  const dyingPort = Number(portLine.toString().trim());
  const args = (port: number): string[] => ['--listen', `127.0.0.1:${port}`, '--port', String(svcPort), '--port', String(dyingPort), '--heartbeat-ms', '1000', '--stats-interval-ms', '250', '--max-rate', '0'];
  const tokenFile = join(dir, 'token');

  // The loader attaches to every process already running: on a busy machine that takes a while.
  let sensor = await within(startSensorProcess(tokenFile, args(0)), 'the sensor to listen', 60_000);
  t.after(() => sensor.stop());
  const port = Number(new URL(sensor.url).port);
  const engine = engineSide(sensor.url, sensor.token);
  t.after(() => engine.client.stop());
  await until(() => engine.client.state.kind === 'live', 'the engine to be live');
  const get = async (path: string): Promise<void> => void (await within(fetch(`http://127.0.0.1:${svcPort}${path}`).then((r) => r.text()), `GET ${path}`));
  await get('/before');
  await until(() => paths(engine.seen).includes('/before'), 'GET /before through the sensor');

  // A traced server dies while answering: the client sees the connection cut, the sensor goes on.
  await within(assert.rejects(fetch(`http://127.0.0.1:${dyingPort}/mid-request`).then((r) => r.text())), 'the request cut by its server to fail');
  await within(dyingExited, 'the traced server to exit');
  await get('/after-exit');
  await until(() => paths(engine.seen).includes('/after-exit'), 'GET /after-exit after the traced process died');
  assert.equal(sensor.child.exitCode, null, 'the sensor survived the traced process');
  assert.equal(engine.client.state.kind, 'live');

  // SIGKILL: no shutdown path runs. The loader notices its closed stdout and exits; the kernel
  // frees what it held.
  const firstLoader = loaderOf(sensor);
  const firstIds = bpfIdsOf(firstLoader);
  assert.ok(firstIds.progs.size > 0 && firstIds.links.size > 0, 'the loader holds programs and links while running');
  sensor.child.kill('SIGKILL');
  await within(once(sensor.child, 'exit'), 'the killed sensor to exit');
  await until(() => engine.client.state.kind === 'retrying', 'the engine to show the sensor as down');
  await until(() => !existsSync(`/proc/${firstLoader}`), 'the orphaned loader to exit');
  await until(() => leftInKernel(firstIds).length === 0, `the killed sensor's BPF objects to be gone (left: ${leftInKernel(firstIds).join(', ')})`);
  const before = engine.seen.size;

  sensor = await within(startSensorProcess(tokenFile, args(port)), 'the restarted sensor to listen', 60_000);
  await until(() => engine.client.state.kind === 'live', 'the engine to reconnect to the restarted sensor');
  await get('/after-restart');
  await until(() => paths(engine.seen).includes('/after-restart'), 'GET /after-restart through the new sensor');
  assert.ok(engine.seen.size > before && paths(engine.seen).includes('/before'), 'what the engine had is kept');

  // The loader killed under a running daemon: clients are told, the daemon exits 1 for its supervisor.
  const secondLoader = loaderOf(sensor);
  const secondIds = bpfIdsOf(secondLoader);
  process.kill(secondLoader, 'SIGKILL');
  const [code] = (await within(once(sensor.child, 'exit'), 'the daemon to exit after its loader died')) as [number | null];
  assert.equal(code, 1, 'the daemon exits 1 when its loader dies');
  await until(() => engine.problems.some((p) => /sensor error \(capture-failed\)/.test(p)), 'the engine to hear why the capture stopped');
  await until(() => engine.client.state.kind === 'retrying', 'the engine to show the sensor as down');
  await until(() => leftInKernel(secondIds).length === 0, `the killed loader's BPF objects to be gone (left: ${leftInKernel(secondIds).join(', ')})`);
  assert.ok(paths(engine.seen).includes('/after-restart') && paths(engine.seen).includes('/before'), 'still holding everything');
  assert.deepEqual([...new Set(engine.states)].sort(), ['connecting', 'live', 'retrying']);
});

test('a network-namespace link cut and restored: the engine declares the sensor down, reconnects, keeps what it had', { timeout: 90_000 }, async (t) => {
  if (process.getuid?.() !== 0 || spawnSync('ip', ['-V']).status !== 0) {
    if (process.env.CI === 'true') throw new Error('needs root and iproute2 (ip netns) in CI');
    return t.skip('needs root and iproute2 (ip netns)');
  }
  const dir = mkdtempSync(join(tmpdir(), 'tapline-faults-ns-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tag = `tf${process.pid % 100000}`;
  const { nodes, remove } = createTwoNodes(tag);
  t.after(remove);
  const [a, b] = nodes;
  const har = join(repoRoot, 'test', 'fixtures', 'har', 'devtools-export.har');
  const sensor = await startSensorProcess(join(dir, 'token'), ['--listen', `${a.address}:7878`, '--replay', har, '--replay-loop', '--replay-rate', '20', '--heartbeat-ms', '500'], ['ip', 'netns', 'exec', a.ns]);
  t.after(() => sensor.stop());
  const probe = spawn('ip', ['netns', 'exec', b.ns, process.execPath, '--import', 'tsx', join(repoRoot, 'test', 'support', 'sensor-client-probe.ts'), sensor.url, sensor.token, '500'], { stdio: ['ignore', 'pipe', 'inherit'], cwd: repoRoot });
  t.after(() => stopChild(probe));
  const lines: Array<{ state?: string; reason?: string; held: number }> = [];
  let buffered = '';
  probe.stdout.on('data', (d: Buffer) => {
    buffered += d.toString();
    for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
      lines.push(JSON.parse(buffered.slice(0, i)) as { state?: string; held: number });
      buffered = buffered.slice(i + 1);
    }
  });
  const last = (): { state?: string; held: number } => lines.at(-1) ?? { held: 0 };
  const stateNow = (): string | undefined => lines.filter((l) => l.state).at(-1)?.state;
  await until(() => stateNow() === 'live' && last().held > 0, 'the engine in node B to be live and receiving from node A');

  execFileSync('ip', ['-n', a.ns, 'link', 'set', `${tag}va`, 'down']);
  await until(() => stateNow() === 'retrying', 'the engine to declare the unreachable sensor down');
  const down = lines.filter((l) => l.state === 'retrying').at(0);
  assert.match(down?.reason ?? '', /no heartbeat from the sensor|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|closed/, down?.reason);
  const heldWhileDown = last().held;
  assert.ok(heldWhileDown > 0);

  execFileSync('ip', ['-n', a.ns, 'link', 'set', `${tag}va`, 'up']);
  await until(() => stateNow() === 'live' && last().held > heldWhileDown, 'the engine to reconnect once the link is back, and receive more', 30_000);
  assert.equal(sensor.child.exitCode, null, 'the sensor kept running through the cut');
});

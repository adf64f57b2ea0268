// The engine's ingest path under a real sensor streaming 20,000 transactions/s: the real sensor
// (dist/sensor.js, replay mode, looping a HAR of 2,000 calls over 400 endpoints at --replay-rate
// 20000) → WebSocket → the engine (dist/server.js, its own process: validation of every message,
// TrafficStore, analysis) → batched tapline/changed notifications → this process, which plays the
// extension host: it speaks LSP to the engine over stdio as the language client does and, on each
// change, asks for a snapshot as the tree and the status bar do.
//   npm run build && node --import tsx bench/engine-ingest.ts [seconds=20]
// Measured in the same run, against a baseline client (a bare `ws` client in this process that
// only JSON.parses each message) before and after:
//   - this process's event-loop lateness p99 while the engine ingests: target ≤ 10 ms (ingest no
//     longer runs where the extension runs), and ≤ 10 ms above the idle line of the same run (the
//     machine's own floor). Lateness is Node's delay histogram minus its sampling period (see
//     bench/loop-delay.ts): the raw histogram of an idle process reads ~11 ms at resolution 10;
//   - the engine's throughput (transactions counted by its store per second): target ≥ 0.95× the
//     baseline's;
//   - the engine process's resident memory: target within the inventory's documented bound
//     (inventoryMemoryBound of the default tapline.inventory.* settings, see README "Memory").
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import WebSocket from 'ws';
import { inventoryMemoryBound } from '../core/src/inventory/traffic-store';
import { ENGINE_CHANGED, SET_SENSORS, SNAPSHOT, type EngineSnapshot } from '../core/src/messages';
import { inventoryOptions } from '../server/src/settings';
import { startSensorProcess, type SensorProcess } from '../test/support/sensor-process';
import { lateness, loopDelayMonitor, type LoopLateness } from './loop-delay';
import { reportTarget } from './target';

const SECONDS = Number(process.argv[2] ?? 20);
const RATE = 20_000;
const REPO = join(__dirname, '..');

function har(): unknown {
  const entries = [];
  for (let i = 0; i < 2000; i++) {
    const resource = ['users', 'orders', 'items', 'carts', 'invoices', 'shipments', 'reviews', 'coupons'][i % 8]!;
    const sub = ['', '/history', '/lines', '/notes', '/events'][Math.floor(i / 8) % 5]!;
    const text = JSON.stringify({ id: i, name: `name-${i}`, tags: ['a', 'b'], total: i * 1.5, owner: { id: i % 97, email: null } });
    entries.push({
      startedDateTime: new Date(Date.UTC(2026, 10, 26, 9, 0, 0, i)).toISOString(),
      time: 3 + (i % 40),
      request: {
        method: i % 5 === 0 ? 'POST' : 'GET',
        url: `http://10.0.0.${1 + (i % 10)}:8080/api/v${1 + (i % 2)}/${resource}/${1000 + (i % 500)}${sub}?page=${i % 7}`,
        httpVersion: 'HTTP/1.1',
        headers: [{ name: 'Host', value: `svc-${i % 10}:8080` }, { name: 'Accept', value: 'application/json' }],
        queryString: [{ name: 'page', value: String(i % 7) }],
        cookies: [],
        headersSize: -1,
        bodySize: 0,
      },
      response: {
        status: i % 23 === 0 ? 404 : 200,
        statusText: '',
        httpVersion: 'HTTP/1.1',
        headers: [{ name: 'Content-Type', value: 'application/json' }],
        cookies: [],
        content: { size: text.length, mimeType: 'application/json', text },
        redirectURL: '',
        headersSize: -1,
        bodySize: text.length,
      },
      cache: {},
      timings: { send: 0, wait: 3, receive: 0 },
    });
  }
  return { log: { version: '1.2', creator: { name: 'bench', version: '1' }, entries } };
}

async function startSensor(dir: string): Promise<SensorProcess> {
  const file = join(dir, 'bench.har');
  writeFileSync(file, JSON.stringify(har()));
  return startSensorProcess(join(dir, 'token'), ['--listen', '127.0.0.1:0', '--replay', file, '--replay-loop', '--replay-rate', String(RATE), '--backlog', '0']);
}

interface Result extends LoopLateness {
  perSecond: number;
}

/** Counts what `start` reports for `seconds` after a one-second warm-up, with this process's event-loop delay. */
function measure(seconds: number, start: (count: (n: number) => void) => Promise<() => Promise<void>>): Promise<Result> {
  return new Promise((resolve, reject) => {
    let received = 0;
    const delay = loopDelayMonitor();
    start((n) => (received += n)).then((stop) => {
      setTimeout(() => {
        received = 0;
        delay.enable();
        setTimeout(() => {
          delay.disable();
          stop().then(() => resolve({ perSecond: received / seconds, ...lateness(delay) }), reject);
        }, seconds * 1000);
      }, 1000);
    }, reject);
  });
}

function baseline(url: string, token: string): (count: (n: number) => void) => Promise<() => Promise<void>> {
  return async (count) => {
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; items?: unknown[] };
      if (message.type === 'transactions') count(message.items?.length ?? 0);
    });
    return async () => socket.terminate();
  };
}

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

interface EngineRun {
  rss: number;
  endpoints: number;
  snapshots: number;
}

/** The engine as its own process, fed by the sensor; this process asks for a snapshot on every change, as the views do. */
function engine(url: string, token: string, out: EngineRun): (count: (n: number) => void) => Promise<() => Promise<void>> {
  return async (count) => {
    const child = spawn(process.execPath, [join(REPO, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const connection: MessageConnection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    connection.onRequest('workspace/configuration', () => [null]);
    connection.onRequest('client/registerCapability', () => null);
    let last = 0;
    let asking = false;
    const ask = async (): Promise<void> => {
      if (asking) return;
      asking = true;
      try {
        const snapshot = await connection.sendRequest<EngineSnapshot>(SNAPSHOT.method, {});
        out.snapshots++;
        out.endpoints = snapshot.inventory.stats.endpoints;
        const total = snapshot.inventory.stats.transactions;
        count(total - last);
        last = total;
      } finally {
        asking = false;
      }
    };
    connection.onNotification(ENGINE_CHANGED.method, () => void ask());
    connection.listen();
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, workspaceFolders: [], capabilities: {} });
    await connection.sendNotification('initialized', {});
    await connection.sendRequest(SET_SENSORS.method, { sensors: [{ url, token, name: 'bench' }] });
    return async () => {
      await ask();
      out.rss = rssBytes(child.pid!);
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
      connection.dispose();
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    };
  };
}

async function main(): Promise<void> {
  const sensor = await startSensor(mkdtempSync(join(tmpdir(), 'tapline-bench-')));
  try {
    // The machine's own noise floor: this process doing nothing while the sensor streams to no one.
    const idle = await measure(SECONDS / 4, async () => async () => undefined);
    const before = await measure(SECONDS / 2, baseline(sensor.url, sensor.token));
    const run: EngineRun = { rss: NaN, endpoints: 0, snapshots: 0 };
    const ours = await measure(SECONDS, engine(sensor.url, sensor.token, run));
    const after = await measure(SECONDS / 2, baseline(sensor.url, sensor.token));
    const base = (before.perSecond + after.perSecond) / 2;
    const bound = inventoryMemoryBound(inventoryOptions(undefined));
    const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(0)} MiB`;
    const row = (name: string, r: Result): string => `${name.padEnd(40)} ${r.perSecond.toFixed(0).padStart(7)} tx/s   event-loop lateness p99 ${r.p99Ms.toFixed(1).padStart(6)} ms   max ${r.maxMs.toFixed(1)} ms`;
    console.log(`sensor replaying at ${RATE} tx/s; ${SECONDS} s measured with the engine, ${SECONDS / 2} s for each baseline bracket`);
    console.log(row('idle (nothing connected here)', idle));
    console.log(row('baseline (ws + JSON.parse here), before', before));
    console.log(row('engine (own process) → this "host"', ours));
    console.log(row('baseline (ws + JSON.parse here), after', after));
    console.log(`engine: ${run.endpoints} endpoints, ${run.snapshots} snapshots asked, resident ${mib(run.rss)}`);
    console.log(`host event-loop lateness p99: ${ours.p99Ms.toFixed(1)} ms with the engine, ${((before.p99Ms + after.p99Ms) / 2).toFixed(1)} ms parsing here, ${idle.p99Ms.toFixed(1)} ms idle (the machine's floor)`);
    reportTarget('engine ingest: extension-host event-loop lateness p99 at 20,000 tx/s', ours.p99Ms, { atMost: 10 }, ' ms', 1);
    reportTarget('engine ingest: extension-host event-loop lateness p99 above the idle line', ours.p99Ms - idle.p99Ms, { atMost: 10 }, ' ms', 1);
    reportTarget('engine ingest: engine throughput ÷ bare ws + JSON.parse client', ours.perSecond / base, { atLeast: 0.95 }, '×');
    reportTarget(`engine ingest: engine resident memory ÷ documented inventory bound (${mib(bound)})`, run.rss / bound, { atMost: 1 }, '×');
  } finally {
    await sensor.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

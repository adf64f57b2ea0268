// What the eBPF sensor costs a traced service. A node HTTP server pinned to CPU 0 is saturated
// by `wrk -t1 -c32` keep-alive pinned to CPU 1, untraced and traced (loader + the TypeScript
// decoder consuming every event, and the daemon's pipeline with its default sampling), each traced run bracketed by untraced baselines in the same
// run because these machines drift. The sensor consumer runs as its own process
// (bench/sensor-overhead-consumer.ts). The same rows for HTTP/2 over TLS (`h2`: node's http2
// over its OpenSSL, SSL uprobes) and Go (`go`: Go's net/http, HTTP/2 over crypto/tls, Go uprobes),
// loaded by h2load (bench/h2load.ts). Needs root, wrk, h2load, Go and taskset.
//   node --import tsx bench/sensor-overhead.ts [--duration 10] [--rounds 2] [--connections 32] [--protocols h1,h2,go] [--kernel-profile] [--compare-loader PATH]
// --kernel-profile turns kernel.bpf_stats_enabled on for the run and prints each BPF program's
// time per request (the counting itself costs the traced server a little: off by default).
// --compare-loader PATH (another build of tapline-loader, e.g. the base commit's) adds, in every
// round, a traced run with that loader, bracketed by baselines like the others: an A/B of the
// kernel side in one run, printed next to the targets (which stay this build's).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLS_CERT, TLS_KEY } from '../test/integration/ebpf-helpers';
import { buildGoFixture } from '../test/support/go-fixture';
import { enableBpfStats, loadedProgIds, progDelta, progStats, type ProgStats } from './bpf-prog-stats';
import { h2load } from './h2load';
import { reportTarget } from './target';

interface Run {
  label: string;
  rps: number;
  p99Ms: number;
  /** CPU time per request (µs): the server (its syscalls' BPF programs included), the sensor. */
  serverUs?: number;
  sensorUs?: number;
}

/** utime + stime of a process, in ms (clock ticks are 10 ms). */
function cpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const duration = arg('duration', 10);
const rounds = arg('rounds', 2);
const connections = arg('connections', 32);
const protocolsArg = process.argv.indexOf('--protocols');
const protocols = (protocolsArg >= 0 ? (process.argv[protocolsArg + 1] ?? '') : 'h1,h2,go').split(',').filter(Boolean);
const root = join(import.meta.dirname ?? __dirname, '..');
const loaderPath = join(root, 'sensor', 'bpf', 'build', 'tapline-loader');
const compareArg = process.argv.indexOf('--compare-loader');
const compareLoader = compareArg >= 0 ? process.argv[compareArg + 1] : undefined;

const SERVER = `
const http = require('node:http');
const body = JSON.stringify({ id: 42, name: 'tapline', tags: ['a', 'b'], ok: true });
http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.setHeader('content-type', 'application/json'); res.end(body); });
}).listen(0, '127.0.0.1', function () { process.stdout.write(this.address().port + '\\n'); });
`;

/** The same answer over HTTP/2 and TLS (node's http2 on its own OpenSSL); key and cert in argv. */
const H2_SERVER = `
const http2 = require('node:http2'), fs = require('node:fs');
const body = JSON.stringify({ id: 42, name: 'tapline', tags: ['a', 'b'], ok: true });
const server = http2.createSecureServer({ key: fs.readFileSync(process.argv[1]), cert: fs.readFileSync(process.argv[2]) });
server.on('stream', (stream) => { stream.respond({ ':status': 200, 'content-type': 'application/json' }); stream.end(body); });
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

interface Protocol {
  /** How the TARGET lines name its rows (h1 keeps the names docs/performance.md records). */
  title: string;
  /** The server's command, pinned to CPU 0 by main(); it prints its port on its first line. */
  command: () => string[];
  load: (port: number) => Promise<{ rps: number; p99Ms: number }>;
}

let tlsDir: string | undefined;
function tlsFiles(): [string, string] {
  tlsDir ??= mkdtempSync(join(tmpdir(), 'tapline-overhead-'));
  writeFileSync(join(tlsDir, 'key.pem'), TLS_KEY, { mode: 0o600 });
  writeFileSync(join(tlsDir, 'cert.pem'), TLS_CERT);
  return [join(tlsDir, 'key.pem'), join(tlsDir, 'cert.pem')];
}

const PROTOCOLS: Record<string, Protocol> = {
  h1: { title: '', command: () => [process.execPath, '-e', SERVER], load: (port) => wrkOnly(port) },
  h2: { title: 'HTTP/2 over TLS (node, OpenSSL): ', command: () => [process.execPath, '-e', H2_SERVER, ...tlsFiles()], load: (port) => h2load(`https://127.0.0.1:${port}/items/42`, connections, duration) },
  go: {
    title: 'HTTP/2 over Go crypto/tls: ',
    command: () => {
      const [key, cert] = tlsFiles();
      return [buildGoFixture().binary, 'serve', '-cert', cert, '-key', key];
    },
    load: (port) => h2load(`https://127.0.0.1:${port}/items/42`, connections, duration),
  },
};
let protocol: Protocol = PROTOCOLS.h1!;

function need(cond: boolean, why: string): void {
  if (!cond) {
    console.error(`sensor-overhead: ${why}`);
    process.exit(2);
  }
}

function parseDuration(s: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(s);
  if (!m) return NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

let serverPid: number | undefined;

async function wrk(port: number, label: string, sensorPids: number[] = []): Promise<Run> {
  const s0 = cpuMs(serverPid);
  const k0 = sensorPids.reduce((n, p) => n + cpuMs(p), 0);
  const run: Run = { label, ...(await protocol.load(port)) };
  const requests = run.rps * duration;
  run.serverUs = ((cpuMs(serverPid) - s0) * 1000) / requests;
  run.sensorUs = ((sensorPids.reduce((n, p) => n + cpuMs(p), 0) - k0) * 1000) / requests;
  return run;
}

function wrkOnly(port: number): Promise<{ rps: number; p99Ms: number }> {
  return new Promise((resolve, reject) => {
    const args = ['-c', '1', 'wrk', '-t1', `-c${connections}`, `-d${duration}s`, '--latency', `http://127.0.0.1:${port}/items/42`];
    const child = spawn('taskset', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.on('close', (code) => {
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
      const p99 = parseDuration(/\s99%\s+(\S+)/.exec(out)?.[1] ?? '');
      if (code !== 0 || !Number.isFinite(rps) || !Number.isFinite(p99)) reject(new Error(`wrk failed:\n${out}`));
      else resolve({ rps, p99Ms: p99 });
    });
  });
}

interface ConsumerTotals {
  events: number;
  bytes: number;
  lost: number;
  records: number;
  mergeDropped: number;
  badFrames: number;
  transactions: number;
  sampledOut: number;
}

/** One traced run: the consumer (loader + decoder) is its own process, like the daemon. */
async function traced(port: number, loader = loaderPath): Promise<Run> {
  const existing = loadedProgIds();
  const consumer = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench', 'sensor-overhead-consumer.ts'), loader], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  let partial = '';
  let onLine: (() => void) | undefined;
  consumer.stdout.setEncoding('utf8').on('data', (s: string) => {
    const parts = (partial + s).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    onLine?.();
  });
  const nextLine = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (lines.length) {
          onLine = undefined;
          resolve(lines.shift()!);
        }
      };
      onLine = check;
      consumer.once('close', () => reject(new Error('the sensor consumer exited early')));
      check();
    });
  const ready = JSON.parse(await nextLine()) as { loaderPid: number };
  const progsBefore = progStats(existing);
  const run = await wrk(port, loader === loaderPath ? 'traced' : 'compare', [ready.loaderPid, consumer.pid!]);
  // Read while the loader still holds its programs (they are unloaded when it exits).
  const progs = progDelta(progsBefore, progStats(existing));
  consumer.kill('SIGTERM');
  const totals = JSON.parse(await nextLine()) as ConsumerTotals;
  if (loader !== loaderPath) return run;
  kernelRuns.push({ requests: run.rps * duration, progs });
  tracedTotals.dropped += totals.lost + totals.mergeDropped + totals.badFrames;
  tracedTotals.events += totals.events;
  tracedTotals.bytes += totals.bytes;
  tracedTotals.records += totals.records;
  tracedTotals.transactions += totals.transactions;
  tracedTotals.sampledOut += totals.sampledOut;
  return run;
}

/** Per traced run, what each of the loader's BPF programs ran (bpf-prog-stats.ts). */
const kernelRuns: Array<{ requests: number; progs: ProgStats[] }> = [];

/** The kernel profile: µs of BPF program time per request, by program, over all traced runs. */
function printKernelProfile(): void {
  const requests = kernelRuns.reduce((n, r) => n + r.requests, 0);
  const byName = new Map<string, ProgStats>();
  for (const r of kernelRuns) for (const p of r.progs) {
    const sum = byName.get(p.name) ?? { name: p.name, runs: 0, ns: 0 };
    sum.runs += p.runs;
    sum.ns += p.ns;
    byName.set(p.name, sum);
  }
  const progs = [...byName.values()].sort((a, b) => b.ns - a.ns);
  if (progs.length === 0 || requests === 0) {
    console.log('kernel programs: no run counts (needs bpftool and kernel.bpf_stats_enabled)');
    return;
  }
  const total = progs.reduce((n, p) => n + p.ns, 0) / requests / 1000;
  const rows = progs.filter((p) => p.ns > 0).slice(0, 8).map((p) => `${p.name} ${(p.ns / requests / 1000).toFixed(2)} µs (${(p.runs / requests).toFixed(1)} runs, ${(p.ns / p.runs).toFixed(0)} ns each)`);
  console.log(`kernel programs per request: ${total.toFixed(2)} µs in all (bpf_stats, every process's syscalls on the machine): ${rows.join('; ')}`);
}

/** --compare-loader: each traced run against the mean of the baselines bracketing it, by loader. */
function printComparison(runs: Run[], other: string): void {
  const extra = (label: string): number[] =>
    runs.flatMap((r, i) => (r.label === label ? [r.serverUs! - (runs[i - 1]!.serverUs! + runs[i + 1]!.serverUs!) / 2] : []));
  const sensor = (label: string): number => median(runs.filter((r) => r.label === label).map((r) => r.sensorUs!));
  const show = (xs: number[]): string => `${xs.map((x) => x.toFixed(1)).join(', ')} (median ${median(xs).toFixed(1)})`;
  console.log(`A/B, server's extra CPU per request over its bracketing baselines: this build ${show(extra('traced'))} µs; ${other} ${show(extra('compare'))} µs`);
  console.log(`A/B, sensor CPU per request: this build ${sensor('traced').toFixed(1)} µs; ${other} ${sensor('compare').toFixed(1)} µs`);
}

const tracedTotals = { dropped: 0, events: 0, bytes: 0, records: 0, transactions: 0, sampledOut: 0 };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function main(): Promise<void> {
  need(process.platform === 'linux' && process.getuid?.() === 0, 'needs root on Linux (eBPF)');
  need(protocols.length > 0 && protocols.every((p) => p in PROTOCOLS), `--protocols takes a list of ${Object.keys(PROTOCOLS).join(', ')}`);
  if (protocols.includes('h1')) need(spawnSync('wrk', ['--version']).error === undefined, 'needs wrk (apt-get install wrk)');
  if (protocols.some((p) => p !== 'h1')) need(spawnSync('h2load', ['--version']).status === 0, 'needs h2load (apt-get install nghttp2-client)');
  need(spawnSync('taskset', ['-V']).status === 0, 'needs taskset (util-linux)');
  if (!existsSync(loaderPath)) need(spawnSync('make', ['-s', '-C', join(root, 'sensor', 'bpf')], { stdio: 'inherit' }).status === 0, 'cannot build the loader');
  try {
    for (const name of protocols) {
      protocol = PROTOCOLS[name]!;
      console.log(`-- ${name}`); // not `== `: bench/record.ts reads that as the benchmark's name
      await measure();
    }
  } finally {
    if (tlsDir) rmSync(tlsDir, { recursive: true, force: true });
  }
}

async function measure(): Promise<void> {
  tracedTotals.dropped = tracedTotals.events = tracedTotals.bytes = tracedTotals.records = 0;
  tracedTotals.transactions = tracedTotals.sampledOut = 0;
  kernelRuns.length = 0; // each protocol's kernel profile is its own
  const server = spawn('taskset', ['-c', '0', ...protocol.command()], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => server.stdout.once('data', (d: Buffer) => resolve(Number(/(\d+)\s*$/.exec(String(d).split('\n')[0] ?? '')?.[1]))));
  serverPid = server.pid; // taskset execs the server: same process
  const restoreStats = process.argv.includes('--kernel-profile') ? await enableBpfStats() : undefined;
  try {
    await wrk(port, 'warm-up');
    const runs: Run[] = [await wrk(port, 'baseline')];
    const rpsRatios: number[] = [];
    const p99Ratios: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const before = runs.at(-1)!;
      const t = await traced(port);
      runs.push(t);
      const after = await wrk(port, 'baseline');
      runs.push(after);
      const base = { rps: (before.rps + after.rps) / 2, p99: (before.p99Ms + after.p99Ms) / 2 };
      rpsRatios.push(t.rps / base.rps);
      p99Ratios.push(t.p99Ms / base.p99);
      if (compareLoader) runs.push(await traced(port, compareLoader), await wrk(port, 'baseline'));
    }
    for (const r of runs) {
      const cpu = `server CPU ${r.serverUs!.toFixed(1)} µs/req` + (r.label !== 'baseline' ? `, sensor CPU ${r.sensorUs!.toFixed(1)} µs/req` : '');
      console.log(`${r.label.padEnd(9)} ${r.rps.toFixed(0).padStart(8)} req/s   p99 ${r.p99Ms.toFixed(2)} ms   ${cpu}`);
    }
    const tracedRuns = runs.filter((r) => r.label === 'traced');
    const baseRuns = runs.filter((r) => r.label === 'baseline');
    const cpuBase = median(baseRuns.map((r) => r.serverUs!));
    const cpuTraced = median(tracedRuns.map((r) => r.serverUs!));
    console.log(
      `server CPU per request: ${cpuBase.toFixed(1)} µs untraced, ${cpuTraced.toFixed(1)} µs traced ` +
        `(capacity ratio of the CPU-bound server ${(cpuBase / cpuTraced).toFixed(3)}); sensor (loader + decoder + pipeline) ${median(tracedRuns.map((r) => r.sensorUs!)).toFixed(1)} µs/req`,
    );
    if (compareLoader) printComparison(runs, compareLoader);
    const rps = median(rpsRatios);
    const totalTracedS = duration * rounds;
    console.log(`requests/s ratio traced/untraced: ${rpsRatios.map((x) => x.toFixed(3)).join(', ')} (median ${rps.toFixed(3)})`);
    // Issue 11's targets: the traced server's extra CPU plus the sensor's, per request; and the
    // CPU-bound server's capacity ratio (CPU counts, which the machine's noise moves far less than req/s).
    const sensorUs = median(tracedRuns.map((r) => r.sensorUs!));
    reportTarget(`${protocol.title}sensor cost per transaction (traced server's extra CPU + sensor CPU)`, cpuTraced - cpuBase + sensorUs, { atMost: 3 }, ' µs', 1);
    reportTarget(`${protocol.title}traced server's CPU-bound capacity ratio`, cpuBase / cpuTraced, { atLeast: 0.95 }, '', 3);
    console.log(`p99 latency ratio traced/untraced: ${p99Ratios.map((x) => x.toFixed(3)).join(', ')} (median ${median(p99Ratios).toFixed(3)})`);
    console.log(
      `sensor: ${tracedTotals.events} events decoded (${(tracedTotals.events / totalTracedS).toFixed(0)}/s, ` +
        `${(tracedTotals.bytes / 1048576).toFixed(1)} MiB payload), ${tracedTotals.records} kernel records, dropped events: ${tracedTotals.dropped}; ` +
        `pipeline: ${tracedTotals.transactions} transactions built, ${tracedTotals.sampledOut} exchanges sampled out`,
    );
    if (restoreStats) printKernelProfile();
  } finally {
    restoreStats?.();
    server.kill('SIGTERM');
  }
}

void main().catch((e: unknown) => {
  console.error(`sensor-overhead: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

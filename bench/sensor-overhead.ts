// What the eBPF sensor costs a traced service. A node HTTP server pinned to CPU 0 is saturated
// by `wrk -t1 -c32` keep-alive pinned to CPU 1, untraced and traced (loader + the TypeScript
// decoder consuming every event, and the daemon's pipeline with its default sampling), each traced run bracketed by untraced baselines in the same
// run because these machines drift. The sensor consumer runs as its own process
// (bench/sensor-overhead-consumer.ts). The same rows for HTTP/2 over TLS (`h2`: node's http2
// over its OpenSSL, SSL uprobes) and Go (`go`: Go's net/http, HTTP/2 over crypto/tls, Go uprobes),
// loaded by h2load (bench/h2load.ts); `h1tls` is HTTP/1.1 over node's OpenSSL (SSL uprobes), loaded
// by wrk over https. Needs root, wrk, h2load, Go and taskset.
//   node --import tsx bench/sensor-overhead.ts [--duration 10] [--rounds 2] [--connections 32] [--protocols h1,h1tls,h2,go]
//     [--kernel-profile] [--ab REV | --ab-daemon REV] [--tsx] [--cpu-prof DIR]
// The consumer is bundled with esbuild as the daemon ships (dist/sensor.js); `--tsx` runs it
// under tsx instead (a getter call per imported binding: slower than what ships).
// --kernel-profile turns kernel.bpf_stats_enabled on for the run and prints each BPF program's
// time per request (the counting itself costs the traced server a little: off by default).
// --ab REV builds REV's loader too and alternates it with the worktree's in every round;
// --ab-daemon REV does the same with REV's daemon code (the consumer bundled against it) and the
// worktree's loader (bench/sensor-overhead-ab.ts): each prints its own cost, capacity and profile.
// --cpu-prof DIR writes a V8 CPU profile of every traced run's consumer into DIR.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLS_CERT, TLS_KEY } from '../test/integration/ebpf-helpers';
import { buildGoFixture } from '../test/support/go-fixture';
import { buildLoaderAt, bundleConsumer, roundOrder, type Variant } from './sensor-overhead-ab';
import { enableBpfStats, loadedProgIds, progDelta, progStats, type ProgStats } from './bpf-prog-stats';
import { h2load } from './h2load';
import { reportTarget } from './target';
import { H2_SERVER } from './h2-server';

interface Run {
  label: string;
  /** The loader of a traced run. */
  variant?: string;
  rps: number;
  p99Ms: number;
  /** CPU time per request (µs): the server (its syscalls' BPF programs included), the sensor. */
  serverUs?: number;
  sensorUs?: number;
  /** The sensor's share that is the loader's (the rest is the decoder + pipeline). */
  loaderUs?: number;
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
const protocols = (protocolsArg >= 0 ? (process.argv[protocolsArg + 1] ?? '') : 'h1,h1tls,h2,go').split(',').filter(Boolean);
const root = join(import.meta.dirname ?? __dirname, '..');
const loaderPath = join(root, 'sensor', 'bpf', 'build', 'tapline-loader');
const option = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const abRev = option('ab');
const abDaemonRev = option('ab-daemon');
const cpuProfDir = option('cpu-prof');
const underTsx = process.argv.includes('--tsx');
/** The traced configurations, the worktree's last (main() adds the A/B side in front). */
const variants: Variant[] = [];

const SERVER = `
const http = require('node:http');
const body = JSON.stringify({ id: 42, name: 'tapline', tags: ['a', 'b'], ok: true });
http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.setHeader('content-type', 'application/json'); res.end(body); });
}).listen(0, '127.0.0.1', function () { process.stdout.write(this.address().port + '\\n'); });
`;

/** The same answer over HTTP/1.1 and TLS (node's https on its own OpenSSL: SSL uprobes); key and cert in argv. */
const H1_TLS_SERVER = `
const https = require('node:https'), fs = require('node:fs');
const body = JSON.stringify({ id: 42, name: 'tapline', tags: ['a', 'b'], ok: true });
https.createServer({ key: fs.readFileSync(process.argv[1]), cert: fs.readFileSync(process.argv[2]) }, (req, res) => {
  req.resume();
  req.on('end', () => { res.setHeader('content-type', 'application/json'); res.end(body); });
}).listen(0, '127.0.0.1', function () { process.stdout.write(this.address().port + '\\n'); });
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
  h1: { title: '', command: () => [process.execPath, '-e', SERVER], load: (port) => wrkOnly(`http://127.0.0.1:${port}/items/42`) },
  h1tls: { title: 'HTTP/1.1 over TLS (node, OpenSSL): ', command: () => [process.execPath, '-e', H1_TLS_SERVER, ...tlsFiles()], load: (port) => wrkOnly(`https://127.0.0.1:${port}/items/42`) },
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

/** One load run; `sensorPids` are the loader's and the consumer's, in that order. */
async function wrk(port: number, label: string, sensorPids: number[] = []): Promise<Run> {
  const s0 = cpuMs(serverPid);
  const k0 = sensorPids.map(cpuMs);
  const run: Run = { label, ...(await protocol.load(port)) };
  const requests = run.rps * duration;
  const k1 = sensorPids.map(cpuMs);
  run.serverUs = ((cpuMs(serverPid) - s0) * 1000) / requests;
  run.sensorUs = (k1.reduce((n, v, i) => n + v - k0[i]!, 0) * 1000) / requests;
  run.loaderUs = sensorPids.length ? ((k1[0]! - k0[0]!) * 1000) / requests : 0;
  return run;
}

function wrkOnly(url: string): Promise<{ rps: number; p99Ms: number }> {
  return new Promise((resolve, reject) => {
    const args = ['-c', '1', 'wrk', '-t1', `-c${connections}`, `-d${duration}s`, '--latency', url];
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
async function traced(port: number, variant: Variant): Promise<Run> {
  const existing = loadedProgIds();
  const prof = cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir, '--cpu-prof-name', `${variant.name}-${Date.now()}.cpuprofile`] : [];
  const consumer = spawn(process.execPath, [...prof, ...variant.consumer, variant.loader], {
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
  const run = await wrk(port, 'traced', [ready.loaderPid, consumer.pid!]);
  run.variant = variant.name;
  kernelRuns.push({ variant: variant.name, requests: run.rps * duration, progs: progDelta(progsBefore, progStats(existing)) });
  consumer.kill('SIGTERM');
  const totals = JSON.parse(await nextLine()) as ConsumerTotals;
  tracedTotals.dropped += totals.lost + totals.mergeDropped + totals.badFrames;
  tracedTotals.events += totals.events;
  tracedTotals.bytes += totals.bytes;
  tracedTotals.records += totals.records;
  tracedTotals.transactions += totals.transactions;
  tracedTotals.sampledOut += totals.sampledOut;
  return run;
}

/** Per traced run, what each of the loader's BPF programs ran (bpf-prog-stats.ts). */
const kernelRuns: Array<{ variant: string; requests: number; progs: ProgStats[] }> = [];

/** The kernel profile: µs of BPF program time per request, by program, over one loader's traced runs. */
function printKernelProfile(variant: string): void {
  const mine = kernelRuns.filter((r) => r.variant === variant);
  const requests = mine.reduce((n, r) => n + r.requests, 0);
  const byName = new Map<string, ProgStats>();
  for (const r of mine) for (const p of r.progs) {
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
  console.log(`${variants.length > 1 ? `[${variant}] ` : ''}kernel programs per request: ${total.toFixed(2)} µs in all (bpf_stats, every process's syscalls on the machine): ${rows.join('; ')}`);
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
  if (protocols.some((p) => p.startsWith('h1'))) need(spawnSync('wrk', ['--version']).error === undefined, 'needs wrk (apt-get install wrk)');
  if (protocols.some((p) => p !== 'h1')) need(spawnSync('h2load', ['--version']).status === 0, 'needs h2load (apt-get install nghttp2-client)');
  need(spawnSync('taskset', ['-V']).status === 0, 'needs taskset (util-linux)');
  if (!existsSync(loaderPath)) need(spawnSync('make', ['-s', '-C', join(root, 'sensor', 'bpf')], { stdio: 'inherit' }).status === 0, 'cannot build the loader');
  need(!(abRev && abDaemonRev), '--ab and --ab-daemon: one side at a time');
  const cleanups: Array<() => void> = [];
  const mine = underTsx ? undefined : bundleConsumer(root);
  if (mine) cleanups.push(mine.cleanup);
  const myConsumer = mine ? [mine.file] : ['--import', 'tsx', join(root, 'bench', 'sensor-overhead-consumer.ts')];
  variants.push({ name: 'worktree', loader: loaderPath, consumer: myConsumer });
  if (abRev) {
    const ab = buildLoaderAt(root, abRev);
    cleanups.push(ab.cleanup);
    variants.unshift({ name: ab.variant.name, loader: ab.variant.path, consumer: myConsumer });
  }
  if (abDaemonRev) {
    const base = bundleConsumer(root, abDaemonRev);
    cleanups.push(base.cleanup);
    variants.unshift({ name: base.name, loader: loaderPath, consumer: [base.file] });
  }
  console.log(`consumer: ${underTsx ? 'under tsx' : 'bundled (esbuild, as dist/sensor.js)'}`);
  try {
    for (const name of protocols) {
      protocol = PROTOCOLS[name]!;
      console.log(`-- ${name}`); // not `== `: bench/record.ts reads that as the benchmark's name
      await measure();
    }
  } finally {
    if (tlsDir) rmSync(tlsDir, { recursive: true, force: true });
    for (const cleanup of cleanups) cleanup();
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
    /** Per traced run: its requests/s and p99 against the mean of the baselines either side. */
    const ratios: Array<{ variant: string; rps: number; p99: number }> = [];
    for (let r = 0; r < rounds; r++) {
      for (const variant of roundOrder(variants, r)) {
        const before = runs.at(-1)!;
        const t = await traced(port, variant);
        runs.push(t);
        const after = await wrk(port, 'baseline');
        runs.push(after);
        ratios.push({ variant: variant.name, rps: (2 * t.rps) / (before.rps + after.rps), p99: (2 * t.p99Ms) / (before.p99Ms + after.p99Ms) });
      }
    }
    const tag = (r: Run): string => (r.label === 'traced' && variants.length > 1 ? `traced ${r.variant}` : r.label);
    for (const r of runs) {
      const cpu = `server CPU ${r.serverUs!.toFixed(1)} µs/req` + (r.label === 'traced' ? `, sensor CPU ${r.sensorUs!.toFixed(1)} µs/req (loader ${r.loaderUs!.toFixed(1)})` : '');
      console.log(`${tag(r).padEnd(9)} ${r.rps.toFixed(0).padStart(8)} req/s   p99 ${r.p99Ms.toFixed(2)} ms   ${cpu}`);
    }
    const cpuBase = median(runs.filter((r) => r.label === 'baseline').map((r) => r.serverUs!));
    for (const variant of variants) {
      const prefix = variants.length > 1 ? `[${variant.name}] ` : '';
      const tracedRuns = runs.filter((r) => r.variant === variant.name);
      const cpuTraced = median(tracedRuns.map((r) => r.serverUs!));
      const sensorUs = median(tracedRuns.map((r) => r.sensorUs!));
      const cost = cpuTraced - cpuBase + sensorUs;
      console.log(
        `${prefix}server CPU per request: ${cpuBase.toFixed(1)} µs untraced, ${cpuTraced.toFixed(1)} µs traced ` +
          `(capacity ratio of the CPU-bound server ${(cpuBase / cpuTraced).toFixed(3)}); sensor (loader + decoder + pipeline) ${sensorUs.toFixed(1)} µs/req ` +
          `(loader ${median(tracedRuns.map((r) => r.loaderUs!)).toFixed(1)}); cost per transaction ${cost.toFixed(1)} µs`,
      );
      const mine = ratios.filter((x) => x.variant === variant.name);
      console.log(`${prefix}requests/s ratio traced/untraced: ${mine.map((x) => x.rps.toFixed(3)).join(', ')} (median ${median(mine.map((x) => x.rps)).toFixed(3)})`);
      console.log(`${prefix}p99 latency ratio traced/untraced: ${mine.map((x) => x.p99.toFixed(3)).join(', ')} (median ${median(mine.map((x) => x.p99)).toFixed(3)})`);
      if (restoreStats) printKernelProfile(variant.name);
      if (variant.name !== 'worktree') continue;
      // Issue 11's targets, for the worktree's loader: the traced server's extra CPU plus the
      // sensor's, per request; and the CPU-bound server's capacity ratio (CPU counts, which the
      // machine's noise moves far less than req/s).
      reportTarget(`${protocol.title}sensor cost per transaction (traced server's extra CPU + sensor CPU)`, cost, { atMost: 3 }, ' µs', 1);
      reportTarget(`${protocol.title}traced server's CPU-bound capacity ratio`, cpuBase / cpuTraced, { atLeast: 0.95 }, '', 3);
    }
    const totalTracedS = duration * rounds * variants.length;
    console.log(
      `sensor: ${tracedTotals.events} events decoded (${(tracedTotals.events / totalTracedS).toFixed(0)}/s, ` +
        `${(tracedTotals.bytes / 1048576).toFixed(1)} MiB payload), ${tracedTotals.records} kernel records, dropped events: ${tracedTotals.dropped}; ` +
        `pipeline: ${tracedTotals.transactions} transactions built, ${tracedTotals.sampledOut} exchanges sampled out`,
    );
  } finally {
    restoreStats?.();
    server.kill('SIGTERM');
  }
}

void main().catch((e: unknown) => {
  console.error(`sensor-overhead: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

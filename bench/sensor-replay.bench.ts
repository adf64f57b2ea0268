// The daemon's side of the live sensor, on real loader output and without the machine's noise:
// what the daemon does per event from the loader's pipe on (the stream's chunks, frame decoding,
// the visibility count, the pipeline with its default sampling), replayed from a recording of the
// loader's stdout. `--record` makes one (root): a node HTTP server pinned to CPU 0 under
// `wrk -t1 -c32` on CPU 1, as bench/sensor-overhead.ts loads it, the loader's stdout into FILE.
// The replay spawns `cat FILE` as the loader (EbpfSource reads it from a pipe as it reads the
// loader), so the stream, the decoder and the pipeline are the shipped code, bundled with esbuild
// as dist/sensor.js is; it prints the CPU per traced request (requests: the exchanges the pipeline
// saw), the sampling it did and, with `--base REV`, the same for REV's daemon code bundled alike,
// rounds interleaved in one process, with the ratio per round against the two base runs around it.
// `--vary`: every request names another item and every answer echoes it in a header, so that no
// head repeats the one before it on its connection (the parser's reuse of repeated heads never
// applies: what it costs when it misses).
// `--h2`: node's http2 over its OpenSSL under h2load instead (the SSL uprobes' plaintext, HPACK).
// `--decoder`: the replay's frame decoder alone (FrameDecoder, sensor/src/capture/frames.ts), the
// recording fed from memory in 64 KiB chunks as the pipe hands them over, to a sink that counts:
// CPU per frame, without the pipe's and the pipeline's noise around it.
//   node --import tsx bench/sensor-replay.bench.ts --record FILE [--seconds 5] [--vary | --h2]   (root, wrk, h2load)
//   node --expose-gc --import tsx bench/sensor-replay.bench.ts FILE [--rounds 5] [--base REV] [--only mine] [--decoder]
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleTo } from './ab-base';
import type { EbpfSource } from '../sensor/src/capture/ebpf-source';
import type { FrameDecoder, FrameSink } from '../sensor/src/capture/frames';
import type { Pipeline } from '../sensor/src/pipeline/pipeline';
import type { VisibilityReport } from '../sensor/src/visibility/report';
import type { Redactor } from '../core/src/redaction/redactor';
import { TLS_CERT, TLS_KEY } from '../test/integration/ebpf-helpers';
import { h2load } from './h2load';
import { extractAt } from './sensor-overhead-ab';
import { H2_SERVER } from './h2-server';

interface Impl {
  EbpfSource: typeof EbpfSource;
  FrameDecoder: typeof FrameDecoder;
  Pipeline: typeof Pipeline;
  Redactor: typeof Redactor;
  VisibilityReport: typeof VisibilityReport;
}

const ENTRY = `export { EbpfSource } from './sensor/src/capture/ebpf-source';
export { FrameDecoder } from './sensor/src/capture/frames';
export { Pipeline } from './sensor/src/pipeline/pipeline';
export { Redactor } from './core/src/redaction/redactor';
export { VisibilityReport } from './sensor/src/visibility/report';
`;

const root = join(import.meta.dirname ?? __dirname, '..');
const option = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

/** A tree's daemon code bundled as dist/sensor.js is (scripts/build.mjs), and loaded. */
function bundle(dir: string, outfile: string): Impl {
  bundleTo({ source: ENTRY, dir }, outfile);
  return createRequire(__filename)(outfile) as Impl;
}

interface Result {
  us: number;
  requests: number;
  events: number;
  built: number;
  sampledOut: number;
}

async function replay(impl: Impl, file: string, catScript: string): Promise<Result> {
  let built = 0;
  const report = new impl.VisibilityReport({ pids: [], comms: [], excludePids: [process.pid], alive: () => true });
  const pipeline = new impl.Pipeline({
    maxBody: 65536,
    redactor: new impl.Redactor(),
    idPrefix: 'replay',
    selfPid: process.pid,
    sampling: { maxPerSecond: 1000, maxPerEndpointPerSecond: 100 },
    // As main.ts passes them without --pid/--comm/--port, and its own endpoint, checked per exchange.
    filters: { pids: [], comms: [], ports: [] },
    onTransaction: () => built++,
  });
  pipeline.ignoreOwnEndpoint(1, 'sensor-replay');
  let events = 0;
  const source = new impl.EbpfSource({ loaderPath: catScript, extraArgs: [file], onProcess: (p) => report.onProcess(p) });
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  (globalThis as { gc?: () => void }).gc?.();
  const cpu0 = process.cpuUsage();
  await source.start(
    (e) => {
      events++;
      report.observe(e);
      pipeline.push(e);
    },
    () => finished(), // cat exits at the end of the file: the loader "exited"
  );
  await done;
  await pipeline.flush();
  const cpu = process.cpuUsage(cpu0);
  const sampledOut = pipeline.counters.sampledOut ?? 0;
  const requests = built + sampledOut;
  return { us: (cpu.user + cpu.system) / requests, requests, events, built, sampledOut };
}

/** `--decoder`: nanoseconds of CPU per frame decoded from `data`, fed in pipe-sized chunks. */
function decodeOnly(impl: Impl, data: Buffer): number {
  let frames = 0;
  const count = (): void => {
    frames++;
  };
  const sink: FrameSink = { event: count, stats: count, ready: count, process: count };
  // As EbpfSource makes it: data events view the chunks, which are never reused here either.
  const decoder = new impl.FrameDecoder(false);
  (globalThis as { gc?: () => void }).gc?.();
  const cpu0 = process.cpuUsage();
  for (let at = 0; at < data.length; at += PIPE_CHUNK) decoder.feed(data.subarray(at, at + PIPE_CHUNK), sink);
  const cpu = process.cpuUsage(cpu0);
  if (decoder.badFrames > 0) throw new Error(`${decoder.badFrames} bad frames in the recording`);
  return ((cpu.user + cpu.system) * 1000) / frames;
}
const PIPE_CHUNK = 65536;

/** `--decoder`: the decoder alone, this tree's and the base's interleaved (base, mine, base, …, base). */
function decoderRounds(mine: Impl, base: Impl | undefined, file: string, rounds: number, baseRev: string | undefined): void {
  const data = readFileSync(file);
  if (base) decodeOnly(base, data);
  decodeOnly(mine, data);
  const m: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    if (base) b.push(decodeOnly(base, data));
    m.push(decodeOnly(mine, data));
  }
  if (base) b.push(decodeOnly(base, data));
  console.log(`decoder alone, this tree: ${m.map((x) => x.toFixed(0)).join(', ')} ns CPU per frame (median ${median(m).toFixed(0)})`);
  if (!base) return;
  console.log(`base ${baseRev}: ${b.map((x) => x.toFixed(0)).join(', ')} ns (median ${median(b).toFixed(0)})`);
  const ratios = m.map((x, r) => x / ((b[r]! + b[r + 1]!) / 2));
  console.log(`this ÷ base per round: ${ratios.map((x) => x.toFixed(3)).join(', ')} (median ${median(ratios).toFixed(3)})`);
}

async function main(): Promise<void> {
  const recordTo = option('record');
  if (recordTo) return record(recordTo, Number(option('seconds') ?? 5), process.argv.includes('--vary') ? 'vary' : process.argv.includes('--h2') ? 'h2' : 'h1');
  const file = process.argv.slice(2).find((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
  if (!file) throw new Error('usage: sensor-replay.bench.ts FILE [--rounds N] [--base REV] | --record FILE [--seconds S]');
  const rounds = Number(option('rounds') ?? 5);
  const baseRev = option('base');
  const tmp = mkdtempSync(join(tmpdir(), 'tapline-replay-'));
  try {
    // The "loader": the recording on its stdout (EbpfSource passes its flags; the file is the last).
    const catScript = join(tmp, 'cat-loader.sh');
    writeFileSync(catScript, '#!/bin/sh\nfor last; do :; done\nexec cat "$last"\n', { mode: 0o755 });
    const mine = bundle(root, join(tmp, 'mine.cjs'));
    let base: Impl | undefined;
    if (baseRev) {
      const dir = join(tmp, 'base');
      extractAt(root, baseRev, dir, ['sensor/src', 'core/src']);
      base = bundle(dir, join(tmp, 'base.cjs'));
    }
    const mb = statSync(file).size / 1048576;
    console.log(`replay of ${file} (${mb.toFixed(1)} MiB), daemon code bundled${baseRev ? `; base ${baseRev}` : ''}`);
    if (process.argv.includes('--decoder')) return decoderRounds(mine, base, file, rounds, baseRev);
    // A warm-up of each first: the first run of a version pays for its compilation.
    if (base) await replay(base, file, catScript);
    await replay(mine, file, catScript);
    const m: Result[] = [];
    const b: Result[] = [];
    for (let r = 0; r < rounds; r++) {
      if (base) b.push(await replay(base, file, catScript));
      m.push(await replay(mine, file, catScript));
    }
    if (base) b.push(await replay(base, file, catScript));
    const first = m[0]!;
    console.log(`${first.requests} requests, ${first.events} events, ${first.built} built, ${first.sampledOut} sampled out per replay`);
    console.log(`this tree: ${m.map((x) => x.us.toFixed(2)).join(', ')} µs CPU per request (median ${median(m.map((x) => x.us)).toFixed(2)})`);
    if (!base) return;
    console.log(`base ${baseRev}: ${b.map((x) => x.us.toFixed(2)).join(', ')} µs (median ${median(b.map((x) => x.us)).toFixed(2)})`);
    if (b[0]!.requests !== first.requests || b[0]!.built !== first.built) console.log(`note: the base saw ${b[0]!.requests} requests and built ${b[0]!.built}`);
    const ratios = m.map((x, r) => x.us / ((b[r]!.us + b[r + 1]!.us) / 2));
    console.log(`this ÷ base per round: ${ratios.map((x) => x.toFixed(3)).join(', ')} (median ${median(ratios).toFixed(3)})`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

/** Records the loader's stdout while a pinned node server serves wrk, as sensor-overhead loads it. */
async function record(file: string, seconds: number, traffic: 'h1' | 'vary' | 'h2'): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('--record needs root (eBPF)');
  const vary = traffic === 'vary';
  const tls = mkdtempSync(join(tmpdir(), 'tapline-replay-tls-'));
  writeFileSync(join(tls, 'key.pem'), TLS_KEY, { mode: 0o600 });
  writeFileSync(join(tls, 'cert.pem'), TLS_CERT);
  const command = traffic === 'h2' ? [H2_SERVER, join(tls, 'key.pem'), join(tls, 'cert.pem')] : [SERVER, ...(vary ? ['vary'] : [])];
  const server = spawn('taskset', ['-c', '0', process.execPath, '-e', ...command], { stdio: ['ignore', 'pipe', 'inherit'] });
  const script = join(tmpdir(), `tapline-replay-${process.pid}.lua`);
  writeFileSync(script, 'local n = 0\nrequest = function()\n  n = n + 1\n  return wrk.format("GET", "/items/" .. n)\nend\n');
  const port = await new Promise<number>((resolve) => server.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
  const out = openSync(file, 'w');
  const loader = spawn(join(root, 'sensor', 'bpf', 'build', 'tapline-loader'), ['--exclude-pid', String(process.pid)], { stdio: ['ignore', out, 'inherit'] });
  try {
    // Ready once the loader's first frames (its ready record) are in the file.
    for (let i = 0; i < 300 && statSync(file).size === 0; i++) await new Promise((r) => setTimeout(r, 100));
    if (traffic === 'h2') {
      console.log(`${(await h2load(`https://127.0.0.1:${port}/items/42`, 32, seconds)).rps.toFixed(0)} requests/s`);
    } else {
      const wrk = spawnSync('taskset', ['-c', '1', 'wrk', '-t1', '-c32', `-d${seconds}s`, ...(vary ? ['-s', script] : []), `http://127.0.0.1:${port}/items/42`], { encoding: 'utf8' });
      console.log(/Requests\/sec:\s+\S+/.exec(wrk.stdout)?.[0] ?? wrk.stderr);
    }
  } finally {
    loader.kill('SIGTERM');
    await new Promise((r) => loader.once('close', r));
    closeSync(out);
    server.kill('SIGTERM');
    rmSync(script, { force: true });
    rmSync(tls, { recursive: true, force: true });
  }
  console.log(`${file}: ${(statSync(file).size / 1048576).toFixed(1)} MiB of loader output`);
}

const SERVER = `
const http = require('node:http');
const body = JSON.stringify({ id: 42, name: 'tapline', tags: ['a', 'b'], ok: true });
http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    if (process.argv[1] === 'vary') res.setHeader('x-item', req.url);
    res.end(body);
  });
}).listen(0, '127.0.0.1', function () { process.stdout.write(this.address().port + '\\n'); });
`;


void main().catch((e: unknown) => {
  console.error(`sensor-replay: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

// Daemon cost per exchange: capture events → reassembly, parsing, pairing, body decoding,
// redaction → Transaction, for small keep-alive JSON exchanges like those of a saturating load
// test (one read event per request, one write event per response). Prints exchanges/s and the
// CPU time per exchange, so it can be compared with the rate the traced server reaches. Two
// configurations: every exchange built and redacted (`--max-rate 0`), and the daemon's default
// sampling (1000 transactions/s, 100 per endpoint), with kernel timestamps 10 µs apart (a
// server at 50,000 exchanges/s), where most exchanges are parsed, paired and counted only.
// The pipeline measured is this checkout's, bundled with esbuild as scripts/build.mjs bundles the
// sensor (dist/sensor.js, bench/ab-base.ts `bundled`): what ships. `--tsx` measures the modules as
// tsx loads them instead (a getter call per imported binding, so slower than what ships).
// `--protocol h2`: the same exchanges over HTTP/2 as node's OpenSSL uprobes hand them over
// (bench/h2-traffic.ts: one HEADERS read, one HEADERS + DATA write per exchange, HPACK-coded).
// `--vary`: every request names another item and every answer echoes it in a header, so that no
// head repeats the one before it on its connection (the parser reuses the parse of a repeated
// head, sensor/src/http/repeat-head.ts: without `--vary` every head after the first is one).
// Run: node --import tsx bench/sensor-pipeline.bench.ts [--exchanges 200000] [--connections 32] [--only built|sampled] [--tsx] [--protocol h2] [--vary]
// (`--only` runs one configuration, e.g. under `--cpu-prof`.)
// A/B: `--base MODULE` loads another version's Pipeline, Redactor and KernelClock (bench/ab-base.ts
// says how to make one from a commit) and runs it interleaved with this one, round by round, in
// the same process; it prints both and the CPU ratio (give it a `.cjs` base: bundled as well),
// also per round against the two base runs around it. `--rounds N` (5); under
// `node --expose-gc` the heap is collected before every run.
import type { CaptureEvent } from '../sensor/src/capture/events';
import { Pipeline } from '../sensor/src/pipeline/pipeline';
import { KernelClock } from '../sensor/src/pipeline/clock';
import { Redactor } from '../core/src/redaction/redactor';
import type { SamplerOptions } from '../sensor/src/pipeline/sampler';
import { bundledCurrent, loadBase, type PipelineImpl } from './ab-base';
import { reportTarget } from './target';
import { h2Traffic } from './h2-traffic';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const exchanges = arg('exchanges', 200_000);
const connections = arg('connections', 32);
const h2 = process.argv.includes('--protocol') && process.argv[process.argv.indexOf('--protocol') + 1] === 'h2';
const vary = process.argv.includes('--vary');

const request = Buffer.from('GET /api/items/42?expand=owner HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: wrk\r\nAccept: */*\r\n\r\n');
const body = JSON.stringify({ id: 42, name: 'tapline', tags: ['a', 'b'], ok: true });
const response = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nDate: Thu, 26 Nov 2026 02:00:00 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
/** `--vary`: exchange `i`'s request and answer, made before the clock starts (a cycle of 4096 items, longer than any connection's run of heads). */
const varied = vary
  ? Array.from({ length: 4096 }, (_, i) => ({
      request: Buffer.from(`GET /api/items/${i}?expand=owner HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: wrk\r\nAccept: */*\r\n\r\n`),
      response: Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Item: ${i}\r\nDate: Thu, 26 Nov 2026 02:00:00 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: ${body.length}\r\n\r\n${body}`),
    }))
  : undefined;
/** Each run is a new set of connections, so the HTTP/2 bytes (their HPACK tables) are the same for every run. */
const h2Bytes = h2 ? h2Traffic(connections, Math.ceil(exchanges / connections), body) : undefined;

interface Result {
  perSecond: number;
  usPerExchange: number;
  built: number;
}

async function run(impl: PipelineImpl, sampling: SamplerOptions | undefined): Promise<Result> {
  let done = 0;
  const pipe = new impl.Pipeline({
    maxBody: 65536,
    redactor: new impl.Redactor(),
    idPrefix: 'bench',
    onTransaction: () => done++,
    clock: new impl.KernelClock(),
    processInfo: { containerId: () => undefined } as never,
    ...(sampling ? { sampling } : {}),
  });
  // As the daemon does (main.ts): its own endpoint is checked on every exchange.
  pipe.ignoreOwnEndpoint(8443, 'bench-token');
  let ns = 1n;
  for (let c = 0; c < connections; c++) {
    pipe.push({ kind: 'open', connectionId: `1:${c}:0`, pid: 1, comm: 'node', timestampNs: ns++, role: 'server', tuple: { family: 4, localAddress: '127.0.0.1', localPort: 8080, remoteAddress: '127.0.0.1', remotePort: 40000 + c }, cgroupId: 0n });
  }
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < exchanges; i++) {
    const c = i % connections;
    const id = `1:${c}:0`;
    const k = Math.floor(i / connections);
    const req = h2Bytes ? (h2Bytes.reads[c]?.[k] ?? request) : (varied?.[i % 4096]?.request ?? request);
    const res = h2Bytes ? (h2Bytes.writes[c]?.[k] ?? response) : (varied?.[i % 4096]?.response ?? response);
    const read: CaptureEvent = { kind: 'data', connectionId: id, pid: 1, comm: 'node', timestampNs: (ns += 10_000n), direction: 'read', tls: h2, data: req, originalLength: req.length };
    const write: CaptureEvent = { kind: 'data', connectionId: id, pid: 1, comm: 'node', timestampNs: (ns += 10_000n), direction: 'write', tls: h2, data: res, originalLength: res.length };
    pipe.push(read);
    pipe.push(write);
    if (i % 1000 === 999) {
      await pipe.flush();
      // Let the event loop turn, as the daemon's does between reads of the loader's stream: work
      // deferred with process.nextTick (hpack.js's streams, in an older base) runs then, not never.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await pipe.flush();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const sampledOut = pipe.counters.sampledOut ?? 0;
  const expected = exchanges - sampledOut;
  if (done !== expected || (!sampling && done !== exchanges)) throw new Error(`got ${done} transactions for ${exchanges} exchanges (${sampledOut} sampled out)`);
  return { perSecond: exchanges / seconds, usPerExchange: (cpu.user + cpu.system) / exchanges, built: done };
}

const underTsx = process.argv.includes('--tsx');
const current: PipelineImpl = underTsx ? { Pipeline, Redactor, KernelClock } : bundledCurrent();
/** Named in every figure: a bundled run and a tsx run are not the same measurement. */
const build = `${h2 ? 'HTTP/2, ' : ''}${vary ? 'heads that never repeat, ' : ''}${underTsx ? 'under tsx' : 'bundled'}`;

function median(results: Result[]): Result {
  const sorted = [...results].sort((a, b) => a.usPerExchange - b.usPerExchange);
  const mid = sorted[Math.floor(sorted.length / 2)];
  if (!mid) throw new Error('no result');
  return mid;
}

const roundCount = arg('rounds', 5);
/** Collected between runs when node runs with --expose-gc: one version's garbage is not charged to the next run. */
const collect = (globalThis as { gc?: () => void }).gc;

interface Rounds {
  mine: Result;
  base?: Result;
  /** Per round, this run ÷ the mean of the two base runs around it: median, lowest, highest. */
  ratio?: { median: number; low: number; high: number };
}

/** `--rounds` rounds (5) of this version, each between two of the base's when there is one (old, new, old, new…, old), after a warm-up. */
async function rounds(sampling: SamplerOptions | undefined, base: PipelineImpl | undefined): Promise<Rounds> {
  const mine: Result[] = [];
  const theirs: Result[] = [];
  const timed = async (impl: PipelineImpl): Promise<Result> => {
    collect?.();
    return run(impl, sampling);
  };
  // One round each first, not counted: the first run of a version pays for its compilation.
  if (base) await timed(base);
  await timed(current);
  for (let r = 0; r < roundCount; r++) {
    if (base) theirs.push(await timed(base));
    mine.push(await timed(current));
  }
  if (!base) return { mine: median(mine) };
  theirs.push(await timed(base));
  const ratios = mine.map((m, r) => m.usPerExchange / (((theirs[r]?.usPerExchange ?? NaN) + (theirs[r + 1]?.usPerExchange ?? NaN)) / 2)).sort((a, b) => a - b);
  return { mine: median(mine), base: median(theirs), ratio: { median: ratios[Math.floor(ratios.length / 2)] ?? NaN, low: ratios[0] ?? NaN, high: ratios[ratios.length - 1] ?? NaN } };
}

function describe(label: string, r: Rounds): void {
  const { mine, base, ratio } = r;
  console.log(`${label} (${build}): ${mine.perSecond.toFixed(0)} exchanges/s (median of ${roundCount}), ${mine.usPerExchange.toFixed(2)} µs CPU per exchange, ${mine.built} of ${exchanges} built, ${connections} connections`);
  if (base && ratio) console.log(`  base (same process, interleaved): ${base.usPerExchange.toFixed(2)} µs CPU per exchange; this ÷ base ${(mine.usPerExchange / base.usPerExchange).toFixed(3)} (medians), per round ${ratio.median.toFixed(3)} (${ratio.low.toFixed(3)}–${ratio.high.toFixed(3)})`);
}

void (async () => {
  const base = await loadBase(process.argv);
  const o = process.argv.indexOf('--only');
  const only = o >= 0 ? process.argv[o + 1] : undefined;
  if (only !== 'sampled') {
    const all = await rounds(undefined, base);
    describe('every exchange built and redacted', all);
    // The daemon's share of the sensor's per-transaction budget (issue 11: ≤ 3 µs kernel + user in all).
    reportTarget(`sensor daemon (decode → transaction, ${build}), CPU per exchange, every exchange built`, all.mine.usPerExchange, { atMost: 3 }, ' µs', 1);
  }
  if (only !== 'built') {
    const sampled = await rounds({ maxPerSecond: 1000, maxPerEndpointPerSecond: 100 }, base);
    describe('default sampling', sampled);
    reportTarget(`sensor daemon (${build}), CPU per exchange, default sampling (1000/s, 100 per endpoint)`, sampled.mine.usPerExchange, { atMost: 3 }, ' µs', 1);
  }
})();

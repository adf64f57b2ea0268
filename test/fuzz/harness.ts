// The loop every robustness target in test/fuzz shares: inputs from a fast-check arbitrary, in
// batches with their own seeds (so a long run never holds every input at once), one check per
// input. A check that throws is a crash, recorded with its seed and a printable sample of the
// input; the slowest input and the heap's peak are reported, so "no hang, bounded memory" is a
// number in the summary. `main` gives each target the `--runs N [--seed S]` command line that
// prints one JSON line (the convention of test/fuzz, read by `npm run reliability`).
import { getHeapStatistics } from 'node:v8';
import fc from 'fast-check';

export interface FuzzSummary {
  target: string;
  runs: number;
  seed: number;
  crashes: number;
  /** Up to five crashing inputs: seed of the batch, message, and the input's first bytes. */
  examples: { seed: number; error: string; input: string }[];
  /** The slowest single input, in milliseconds (reported, never asserted on). */
  slowestMs: number;
  /** Peak used heap seen between batches, in MiB. */
  peakHeapMiB: number;
  elapsedMs: number;
  /** What the target counted besides (inputs rejected cleanly, frames decoded, …). */
  counts: Record<string, number>;
}

export interface FuzzOptions {
  runs: number;
  seed?: number;
}

const BATCH = 500;

function preview(input: unknown): string {
  let s: string;
  if (typeof input === 'string') s = input;
  else if (input instanceof Uint8Array) s = Buffer.from(input).toString('latin1');
  else {
    try {
      s = JSON.stringify(input, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v)) ?? String(input);
    } catch {
      s = String(input);
    }
  }
  return JSON.stringify(s.slice(0, 300));
}

export function fuzz<T>(target: string, opts: FuzzOptions, arb: fc.Arbitrary<T>, check: (input: T, counts: Record<string, number>) => void): FuzzSummary {
  const seed = opts.seed ?? Date.now() % 2 ** 31;
  const summary: FuzzSummary = { target, runs: 0, seed, crashes: 0, examples: [], slowestMs: 0, peakHeapMiB: 0, elapsedMs: 0, counts: {} };
  const started = performance.now();
  for (let done = 0, k = 0; done < opts.runs; done += BATCH, k++) {
    const batchSeed = seed + k;
    for (const input of fc.sample(arb, { numRuns: Math.min(BATCH, opts.runs - done), seed: batchSeed })) {
      summary.runs++;
      const t0 = performance.now();
      try {
        check(input, summary.counts);
      } catch (e) {
        summary.crashes++;
        if (summary.examples.length < 5) summary.examples.push({ seed: batchSeed, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e), input: preview(input) });
      }
      const ms = performance.now() - t0;
      if (ms > summary.slowestMs) summary.slowestMs = Math.round(ms * 10) / 10;
    }
    const heap = getHeapStatistics().used_heap_size / 2 ** 20;
    if (heap > summary.peakHeapMiB) summary.peakHeapMiB = Math.round(heap);
  }
  summary.elapsedMs = Math.round(performance.now() - started);
  return summary;
}

export function count(counts: Record<string, number>, key: string, n = 1): void {
  counts[key] = (counts[key] ?? 0) + n;
}

/** `node --import tsx test/fuzz/<target>.ts --runs N [--seed S]`: one JSON line on stdout. */
export function main(run: (opts: FuzzOptions) => FuzzSummary, argv: readonly string[]): void {
  const arg = (flag: string): number | undefined => {
    const i = argv.indexOf(flag);
    const v = i >= 0 ? Number(argv[i + 1]) : undefined;
    if (v !== undefined && !Number.isSafeInteger(v)) throw new Error(`${flag} takes an integer`);
    return v;
  };
  const seed = arg('--seed');
  const summary = run({ runs: arg('--runs') ?? 10_000, ...(seed !== undefined ? { seed } : {}) });
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  if (summary.crashes > 0) process.exitCode = 1;
}

/** Byte mutations attackers and broken peers produce: flips, cuts, duplications, insertions of nasty bytes. */
export function mutated(base: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const nasty = fc.constantFrom('\u0000', '\r', '\n', '\r\n', '"', '\\', '{', '}', '[', ']', ':', ',', '\uffff', '\ud800', '-', '&', '%', '\u00ff', 'A'.repeat(300), '9'.repeat(40));
  return fc.tuple(base, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 64 }), fc.oneof(nasty, fc.string({ maxLength: 8 }))), { maxLength: 6 })).map(([text, edits]) => {
    let s = text;
    for (const [at, del, ins] of edits) {
      const i = s.length === 0 ? 0 : at % (s.length + 1);
      s = s.slice(0, i) + ins + s.slice(Math.min(s.length, i + (del % 4 === 0 ? del : 0)));
    }
    return s;
  });
}

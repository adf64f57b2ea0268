// One fuzz target run for scripts/reliability.ts, by the table's short runs and by `--record`
// alike: `node --import tsx test/fuzz/<target>.ts --runs N --seed S` in one process, or split into
// processes of `perProcess` inputs each (http2: hpack.js's nextTick callbacks pile up in one
// synchronous run, see docs/reliability.md). Process k takes seed S + k × perProcess, so no two
// processes sample the same batch seeds; their summaries are added up.
import { spawnSync } from 'node:child_process';

export interface FuzzTotals {
  runs: number;
  crashes: number;
  /** Differential targets only: unexplained differences, agreements, documented tolerances. */
  differences?: number;
  agreed?: number;
  tolerated?: number;
  slowestMs?: number;
  peakHeapMiB?: number;
  counts: Record<string, number>;
  processes: number;
  /** The first crash: its batch seed (the rerun's `--seed`) and message. */
  firstCrash?: string;
  /** The first failure: exit status and last line of stderr. */
  failure?: string;
  seconds: number;
}

type Summary = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const fmt = (n: number): string => n.toLocaleString('en-US');

function once(root: string, target: string, runs: number, seed: number): { status: number | null; stderr: string; summary?: Summary } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', `test/fuzz/${target}.ts`, '--runs', String(runs), '--seed', String(seed)], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  try {
    return { status: r.status, stderr: r.stderr, summary: JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Summary };
  } catch {
    return { status: r.status, stderr: r.stderr };
  }
}

export function runFuzz(root: string, target: string, runs: number, seed: number, perProcess = runs): FuzzTotals {
  const started = Date.now();
  const t: FuzzTotals = { runs: 0, crashes: 0, counts: {}, processes: 0, seconds: 0 };
  for (let done = 0, k = 0; done < runs; done += perProcess, k++) {
    const r = once(root, target, Math.min(perProcess, runs - done), seed + k * perProcess);
    t.processes++;
    const s = r.summary;
    if (r.status !== 0 || !s || typeof s.runs !== 'number') t.failure ??= `exit ${String(r.status)}${r.stderr ? `; ${r.stderr.trim().split('\n').slice(-1)[0] ?? ''}` : ''}`;
    if (!s) continue;
    t.runs += num(s.runs) ?? 0;
    t.crashes += num(s.crashes) ?? 0;
    const example = Array.isArray(s.examples) ? (s.examples[0] as { seed?: unknown; error?: unknown } | undefined) : undefined;
    if (example) t.firstCrash ??= `first in batch seed ${String(example.seed)} (${String(example.error)})`;
    if ('differences' in s) t.differences = (t.differences ?? 0) + (num(s.differences) ?? 0);
    if ('agreed' in s) t.agreed = (t.agreed ?? 0) + (num(s.agreed) ?? 0);
    if (typeof s.tolerated === 'object' && s.tolerated !== null) t.tolerated = (t.tolerated ?? 0) + Object.values(s.tolerated as Record<string, number>).reduce((a, b) => a + b, 0);
    if (num(s.slowestMs) !== undefined) t.slowestMs = Math.max(t.slowestMs ?? 0, num(s.slowestMs) ?? 0);
    if (num(s.peakHeapMiB) !== undefined) t.peakHeapMiB = Math.max(t.peakHeapMiB ?? 0, num(s.peakHeapMiB) ?? 0);
    if (typeof s.counts === 'object' && s.counts !== null) for (const [key, v] of Object.entries(s.counts as Record<string, number>)) t.counts[key] = (t.counts[key] ?? 0) + v;
  }
  t.seconds = (Date.now() - started) / 1000;
  return t;
}

/** The table's words for a run: what was tried (after the count and seed) and what held. */
export function describeFuzz(t: FuzzTotals, runs: number): { counts: string; held: string; ok: boolean } {
  const differences = t.differences ?? 0;
  const ok = t.failure === undefined && t.runs === runs && t.crashes === 0 && differences === 0;
  const counts = Object.entries(t.counts).map(([k, v]) => `${k} ${fmt(v)}`).join(', ');
  const extra = [
    t.slowestMs !== undefined ? `slowest input ${t.slowestMs} ms` : '',
    t.peakHeapMiB !== undefined ? `peak heap ${t.peakHeapMiB} MiB${t.processes > 1 ? ' (largest of the processes)' : ''}` : '',
    t.agreed !== undefined ? `agreed ${fmt(t.agreed)}` : '',
    t.tolerated !== undefined ? `documented tolerances ${fmt(t.tolerated)}` : '',
  ].filter((x) => x !== '');
  const held = ok
    ? `no crash${t.differences !== undefined ? ', no unexplained difference' : ''}; ${extra.join(', ')}`
    : `NOT HELD: ${t.failure ?? 'exit 0'}, ${fmt(t.runs)} of ${fmt(runs)} inputs run, crashes ${t.crashes}${t.firstCrash ? `, ${t.firstCrash}` : ''}, differences ${differences}`;
  return { counts, held, ok };
}

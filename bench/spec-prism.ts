// Tapline against Stoplight Prism (`@stoplight/prism-http` 5.12) on GitHub's REST description, in
// one process, on the same transactions (issue 5, "Speed": ≥ 100× faster per transaction).
//   node --import tsx bench/spec-prism.ts [rounds=3] [stride=1]
// Transactions: one conforming transaction per operation (1,223), from the generator
// bench/spec-match.ts uses. Prism's router sorts and scans every operation per request (≈8 ms
// here), so a round over all of them takes ≈20 s; `stride` N times both sides on every Nth
// transaction only (quicker runs). Tapline is also timed on all of them: one diff has a fixed cost
// (an unused-operation finding for each operation not observed), which a small sample inflates.
// Sections are interleaved per round with a GC before each; medians are reported.
// Prism's inputs are converted up front (lower-cased headers, parsed JSON bodies: what its server
// does before the pipeline), which is work Tapline's timed path does itself on raw captures.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { createSession, diffSpec } from '../core/src/diff/diff';
import { loadSpec } from '../core/src/openapi/load';
import type { Transaction } from '../core/src/protocol/transaction';
import { conformingTx } from '../test/unit/diff-helpers';
import { readUri } from '../test/unit/openapi-helpers';
import { loadPrismOperations, prismCheck, prismRoute, toPrismTx } from './prism-github';
import { GITHUB_JSON_PATH, median, time, timeAsync } from './spec-github';
import { reportTarget } from './target';

const ROUNDS = Math.max(1, Number(process.argv[2] ?? 3));
const STRIDE = Math.max(1, Number(process.argv[3] ?? 1));
const TARGET = 150;
const SETTLE_MS = 300;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

// After a full GC of Prism's large heap, V8 keeps sweeping concurrently for a while; a section
// started at once pays for it (measured: Tapline's route pass 2–10× slower). So: collect, let the
// sweeper finish, then time `reps` back-to-back runs (short sections are repeated) and average.
async function timed(f: () => void, reps = 1): Promise<number> {
  gc();
  await sleep(SETTLE_MS);
  return time(() => { for (let i = 0; i < reps; i++) f(); }).ms / reps;
}

async function main(): Promise<void> {
  // Load: Tapline's loader (parse + model + ref index) vs Prism's (dereference + transform + bundle per operation).
  gc();
  const loaded = await timeAsync(() => loadSpec(pathToFileURL(GITHUB_JSON_PATH).href, readUri));
  const spec = loaded.value;
  const model = spec.model!;
  gc();
  const prismLoaded = await timeAsync(() => loadPrismOperations(GITHUB_JSON_PATH));
  const ops = prismLoaded.value;
  console.log(`load GitHub description (JSON): Tapline ${loaded.ms.toFixed(0)} ms (${model.operations.length} operations), Prism ${prismLoaded.ms.toFixed(0)} ms (${ops.length} operations) — Prism ÷ Tapline ${(prismLoaded.ms / loaded.ms).toFixed(1)}×`);

  const all: Transaction[] = model.operations.map((op) => conformingTx(spec, op));
  const sample = all.filter((_, i) => i % STRIDE === 0);
  const prismSample = sample.map(toPrismTx);
  console.log(STRIDE === 1
    ? `transactions: ${all.length} (one per operation), all timed on both sides`
    : `transactions: ${all.length} (one per operation); both sides timed on a sample, every ${STRIDE}th: ${sample.length}`);

  // Both routers must land on the operation the transaction was generated from, or the race is unfair.
  const session = createSession(spec)!;
  let taplineRouted = 0;
  let prismRouted = 0;
  sample.forEach((tx, i) => {
    const op = model.operations[i * STRIDE]!;
    const m = session.router.match({ method: tx.request.method, path: tx.request.path, service: tx.service });
    if (m.kind === 'operation' && m.operation === op) taplineRouted++;
    const p = prismRoute(ops, prismSample[i]!);
    if (p && p.method === op.method && p.path === op.path) prismRouted++;
  });
  console.log(`routed to the generating operation: Tapline ${taplineRouted}/${sample.length}, Prism ${prismRouted}/${sample.length}`);

  // Cold: each side compiles the schemas it meets on first use.
  const diffAll = () => diffSpec(spec, all, { router: session.router, validator: session.validator });
  const diffSample = () => diffSpec(spec, sample, { router: session.router, validator: session.validator });
  let findings = 0;
  const taplineCold = await timed(() => { findings = diffSample().length; });
  let inputIssues = 0;
  let outputIssues = 0;
  const prismCold = await timed(() => {
    for (const t of prismSample) {
      const c = prismCheck(ops, t);
      inputIssues += c.inputIssues;
      outputIssues += c.outputIssues;
    }
  });
  console.log(`first pass (compiles schemas): Tapline ${taplineCold.toFixed(0)} ms (${findings} findings), Prism ${prismCold.toFixed(0)} ms (${inputIssues} input + ${outputIssues} output diagnostics)`);
  if (STRIDE > 1) diffAll();

  const t = { diffAll: [] as number[], diff: [] as number[], route: [] as number[], prismRoute: [] as number[], prismCheck: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    t.diff.push(await timed(diffSample, 3));
    t.prismRoute.push(await timed(() => { for (const p of prismSample) prismRoute(ops, p); }));
    t.route.push(await timed(() => { for (const tx of sample) session.router.match({ method: tx.request.method, path: tx.request.path, service: tx.service }); }, 20));
    t.prismCheck.push(await timed(() => { for (const p of prismSample) prismCheck(ops, p); }));
    if (STRIDE > 1) t.diffAll.push(await timed(diffAll, 3));
    process.stderr.write(`round ${r + 1}/${ROUNDS} done\n`);
  }

  const perTx = (xs: number[], n: number) => (median(xs) / n) * 1000;
  const us = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} ms` : `${v.toFixed(1)} µs`);
  const tRoute = perTx(t.route, sample.length);
  const pRoute = perTx(t.prismRoute, sample.length);
  const tDiff = perTx(t.diff, sample.length);
  const pCheck = perTx(t.prismCheck, sample.length);
  console.log(`warm, per transaction (median of ${ROUNDS} interleaved rounds):`);
  console.log(`  route only:          Tapline ${us(tRoute).padStart(9)}   Prism ${us(pRoute).padStart(9)}   Prism ÷ Tapline ${(pRoute / tRoute).toFixed(0)}×`);
  console.log(`  route + validation:  Tapline ${us(tDiff).padStart(9)}   Prism ${us(pCheck).padStart(9)}   Prism ÷ Tapline ${(pCheck / tDiff).toFixed(0)}×`);
  console.log(`    (Tapline: match + validate + every rule via diffSpec; Prism: route + validateSecurity + validateInput + validateOutput)`);
  // The spread shows how much a loaded 2-core machine moves the ratio between rounds.
  const perRound = t.diff.map((d, i) => (t.prismCheck[i]! / sample.length) / (d / sample.length));
  console.log(`    per-round ratios (route + validation): ${perRound.map((r) => `${r.toFixed(0)}×`).join(', ')}`);
  if (STRIDE > 1) console.log(`  Tapline on all ${all.length} transactions in one diff: ${us(perTx(t.diffAll, all.length))} per transaction (the sample's figure carries the diff's fixed cost)`);
  const ratio = pCheck / tDiff;
  reportTarget('match + validate, Prism\'s router + validator ÷ Tapline (per transaction)', ratio, { atLeast: TARGET }, '×', 0);
}

void main();

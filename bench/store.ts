// TrafficStore throughput and memory on realistic synthetic traffic.
//   node --import tsx bench/store.ts [transactions=1000000]
// Prints: add() CPU cost against a baseline measured in the same run (a Map counting raw
// `METHOD path` keys, the least an inventory could do), the heap a full store holds after
// 1,000,000 transactions next to the documented worst-case bound, and the event-loop delay while
// ingesting 5,000 transactions/s with a capped drain every 100 ms.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DEFAULT_STORE_OPTIONS, TrafficStore, inventoryMemoryBound } from '../core/src/inventory/traffic-store';
import type { Transaction } from '../core/src/protocol/transaction';
import { syntheticTraffic } from '../test/fixtures/templating/synthetic-traffic';
import { reportTarget } from './target';
import { lateness, loopDelayMonitor } from './loop-delay';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const POOL = 50_000;
const MB = 1024 * 1024;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

// As many services as the default cap (20), a catalog of 480 literal endpoints per service (the
// cap is 250) and 2 % never-repeating paths, so that the endpoint bounds are reached: the heap
// figure is for a full store, not a lucky small one.
const next = syntheticTraffic({ seed: 2026, services: 20, junkPathShare: 0.02, catalogShare: 0.5, bodyBytes: 600 });
const pool: Transaction[] = [];
for (let i = 0; i < POOL; i++) pool.push(next());
// Fresh paths keep arriving after the pool wraps (the junk ones); ids and bodies repeat.
function txAt(i: number): Transaction {
  const t = pool[i % POOL]!;
  if (i < POOL || !t.request.path.startsWith('/junk/')) return t;
  const path = `${t.request.path}${i}`;
  return { ...t, request: { ...t.request, path, target: path } };
}

// ── baseline: count raw method + path ────────────────────────────────────────────────────────
/** CPU milliseconds (user + system) of this process: steadier than wall time on a shared machine. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function runBaseline(n: number): number {
  const counts = new Map<string, number>();
  const start = cpuMs();
  for (let i = 0; i < n; i++) {
    const t = txAt(i);
    const key = `${t.request.method} ${t.request.path}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const ms = cpuMs() - start;
  if (counts.size === 0) throw new Error('unreachable');
  return ms;
}

function runStore(n: number, store: TrafficStore): number {
  const start = cpuMs();
  for (let i = 0; i < n; i++) store.add(txAt(i));
  return cpuMs() - start;
}

// Warm both paths up so that the JIT compares steady states.
runBaseline(100_000);
runStore(100_000, new TrafficStore());

const baselineMs = runBaseline(TOTAL);
const heapBefore = heapAfterGc();
const store = new TrafficStore();
const storeMs = runStore(TOTAL, store);
store.drainDelta();
const heapStore = heapAfterGc() - heapBefore;
const stats = store.stats();
const bound = inventoryMemoryBound(DEFAULT_STORE_OPTIONS);

const perTx = (ms: number): string => `${((ms * 1e6) / TOTAL).toFixed(0)} ns/tx (CPU)`;
console.log(`transactions: ${TOTAL.toLocaleString('en-US')} (pool of ${POOL.toLocaleString('en-US')}, 20 services, 50 % catalog, 2 % junk paths)`);
console.log(`baseline (Map count of raw METHOD path): ${perTx(baselineMs)}`);
console.log(`TrafficStore.add:                        ${perTx(storeMs)}  → ${Math.round(TOTAL / (storeMs / 1000)).toLocaleString('en-US')} tx/s`);
console.log(`ratio store / baseline: ${(storeMs / baselineMs).toFixed(1)}×`);
console.log(
  `store: ${stats.services} services, ${stats.endpoints} endpoints, evicted ${stats.evictedEndpoints} endpoints / ${stats.evictedServices} services, merged ${stats.mergedEndpoints}`,
);
console.log(
  `heap held by the store after ${TOTAL.toLocaleString('en-US')} transactions: ${(heapStore / MB).toFixed(1)} MB ` +
    `(${((heapStore / Math.max(1, stats.endpoints)) / 1024).toFixed(1)} KB per endpoint); ` +
    `documented worst-case bound for the default options: ${(bound / MB).toFixed(0)} MB → ${heapStore <= bound ? 'within' : 'OVER'}`,
);

// ── steady state: the same services without the oversized catalog (no eviction churn) ────────
{
  const steadyNext = syntheticTraffic({ seed: 7, services: 20, bodyBytes: 600 });
  const steadyPool: Transaction[] = [];
  for (let i = 0; i < POOL; i++) steadyPool.push(steadyNext());
  const steady = new TrafficStore();
  for (let i = 0; i < 100_000; i++) steady.add(steadyPool[i % POOL]!);
  const start = cpuMs();
  for (let i = 0; i < TOTAL; i++) steady.add(steadyPool[i % POOL]!);
  const ms = cpuMs() - start;
  const counts = new Map<string, number>();
  const b0 = cpuMs();
  for (let i = 0; i < TOTAL; i++) {
    const t = steadyPool[i % POOL]!;
    const key = `${t.request.method} ${t.request.path}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const bms = cpuMs() - b0;
  console.log(
    `steady state (${steady.stats().endpoints} endpoints, no evictions): TrafficStore.add ${perTx(ms)}, baseline ${perTx(bms)}, ratio ${(ms / bms).toFixed(1)}×`,
  );
}

// ── 5,000 tx/s with drains: event-loop delay ─────────────────────────────────────────────────
async function streamAtRate(rate: number, seconds: number): Promise<void> {
  const live = new TrafficStore();
  const histogram = loopDelayMonitor();
  histogram.enable();
  const tickMs = 10;
  const perTick = (rate * tickMs) / 1000;
  let sent = 0;
  let drained = 0;
  let longestFeed = 0;
  let longestDrain = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const feed = setInterval(() => {
      // Catch up to the schedule so that the rate holds even if a tick was late.
      const t0 = performance.now();
      const due = Math.min(rate * seconds, Math.floor(((t0 - start) / 1000) * rate));
      while (sent < due) live.add(txAt(sent++));
      longestFeed = Math.max(longestFeed, performance.now() - t0);
      if (sent >= rate * seconds) {
        clearInterval(feed);
        clearInterval(drain);
        resolve();
      }
    }, tickMs);
    // Capped drains, as the extension should do them: ≤ 400 endpoints per turn, every 100 ms.
    const drain = setInterval(() => {
      const t0 = performance.now();
      const delta = live.drainDelta(400);
      if (delta !== undefined) drained += JSON.stringify(delta).length; // what the LSP notification costs to encode
      longestDrain = Math.max(longestDrain, performance.now() - t0);
    }, 100);
  });
  histogram.disable();
  const late = lateness(histogram);
  console.log(
    `stream ${rate.toLocaleString('en-US')} tx/s for ${seconds} s (${perTick} per 10 ms tick, capped drain (400 endpoints) + JSON every 100 ms, ${(drained / MB).toFixed(1)} MB of deltas): ` +
      `event-loop lateness p99 ${late.p99Ms.toFixed(1)} ms, max ${late.maxMs.toFixed(1)} ms (target p99 < 50 ms; bench/loop-delay.ts says why the 10 ms period is taken off); ` +
      `longest feed ${longestFeed.toFixed(1)} ms, longest drain+JSON ${longestDrain.toFixed(1)} ms`,
  );
  reportTarget(`inventory store at ${rate.toLocaleString('en-US')} tx/s, event-loop lateness p99`, late.p99Ms, { atMost: 50 }, ' ms', 1);
}

streamAtRate(5_000, 5).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

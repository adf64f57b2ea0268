// Event-loop lateness from Node's delay histogram. `monitorEventLoopDelay` records the time
// between two ticks of a repeating libuv timer (ELDHistogram::RecordDelta in src/histogram.cc),
// so every sample includes the timer's own period: an idle process with `resolution: 10` reports
// p50 ≈ 10 ms and p99 ≈ 11 ms. What a user feels is how late the loop ran, the sample minus the
// resolution; that is what these figures report.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** Node's default sampling period. */
export const LOOP_RESOLUTION_MS = 10;

export interface LoopLateness {
  p99Ms: number;
  maxMs: number;
}

export function loopDelayMonitor(): IntervalHistogram {
  return monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
}

/** p99 and max lateness in ms: the histogram's interval minus the period it was asked for (never below 0). */
export function lateness(histogram: IntervalHistogram): LoopLateness {
  const late = (ns: number): number => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
  return { p99Ms: late(histogram.percentile(99)), maxMs: late(histogram.max) };
}

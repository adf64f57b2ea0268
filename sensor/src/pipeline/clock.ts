// Kernel timestamps (bpf_ktime_get_ns, CLOCK_MONOTONIC) to wall-clock milliseconds. Node's
// hrtime reads the same clock on Linux, so one offset taken at start converts both ways.
export class KernelClock {
  private readonly offsetNs: bigint;

  constructor(nowMs: number = Date.now(), monoNs: bigint = process.hrtime.bigint()) {
    this.offsetNs = BigInt(Math.round(nowMs * 1e6)) - monoNs;
  }

  toEpochMs(ns: bigint): number {
    return Number((ns + this.offsetNs) / 1000n) / 1000;
  }
}

export function durationMs(fromNs: bigint, toNs: bigint): number {
  return toNs > fromNs ? Number(toNs - fromNs) / 1e6 : 0;
}

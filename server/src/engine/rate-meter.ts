const WINDOW_SECONDS = 5;

/** Counts transactions per second over a short sliding window of one-second buckets. */
export class RateMeter {
  private readonly buckets = new Array<number>(WINDOW_SECONDS).fill(0);
  private second = Math.floor(Date.now() / 1000);

  add(count: number, now = Date.now()): void {
    this.advance(now);
    this.buckets[this.second % WINDOW_SECONDS]! += count;
  }

  perSecond(now = Date.now()): number {
    this.advance(now);
    // The current second is still filling: average over the complete ones.
    const complete = this.buckets.reduce((sum, n) => sum + n, 0) - this.buckets[this.second % WINDOW_SECONDS]!;
    return complete / (WINDOW_SECONDS - 1);
  }

  private advance(now: number): void {
    const second = Math.floor(now / 1000);
    for (let s = Math.max(this.second + 1, second - WINDOW_SECONDS + 1); s <= second; s++) this.buckets[s % WINDOW_SECONDS] = 0;
    this.second = Math.max(this.second, second);
  }
}

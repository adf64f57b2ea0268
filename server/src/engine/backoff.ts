/** Capped exponential backoff with full jitter: attempt 0 → up to `baseMs`, doubling to `maxMs`. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  const random = options.random ?? Math.random;
  // Never zero: half the ceiling is guaranteed, the rest is jitter so that many clients spread out.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

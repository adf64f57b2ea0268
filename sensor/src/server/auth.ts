// The bearer token: read from a file, or created there (fresh, random, mode 0600) when missing.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class TokenError extends Error {}

export function ensureTokenFile(path: string): { token: string; created: boolean } {
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new TokenError(`cannot read token file ${path}: ${(e as Error).message}`);
  }
  if (text !== undefined) {
    const token = text.trim();
    if (token.length < 16) throw new TokenError(`token file ${path} holds no usable token (at least 16 characters)`);
    return { token, created: false };
  }
  const token = randomBytes(32).toString('base64url');
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // 'wx': never overwrite a token another sensor wrote meanwhile.
    writeFileSync(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return ensureTokenFile(path);
    throw new TokenError(`cannot create token file ${path}: ${(e as Error).message}`);
  }
  return { token, created: true };
}

/** True when a token file can be read by others than its owner (worth a warning). */
export function tokenFileTooOpen(path: string): boolean {
  try {
    return (statSync(path).mode & 0o077) !== 0;
  } catch {
    return false;
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Constant-time check of an `Authorization: Bearer …` header value. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  if (!header) return false;
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (!m?.[1]) return false;
  return timingSafeEqual(digest(m[1]), digest(token));
}

export interface ThrottleOptions {
  /** Delay before answering the first bad token from an address; doubles with each one after. */
  baseMs: number;
  maxMs: number;
  /** Failures older than this are forgotten. */
  windowMs: number;
  /** Addresses tracked at most (the oldest is forgotten first), so a spray of sources stays bounded. */
  maxAddresses: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = { baseMs: 250, maxMs: 30_000, windowMs: 10 * 60_000, maxAddresses: 4096 };

/**
 * Repeated bad tokens from one address are answered later and later (250 ms, 500 ms, … up to
 * 30 s), so guessing a 256-bit token over the network is slower still, and logged on the 1st,
 * 2nd, 4th, 8th… failure so a guessing client is visible without flooding the log.
 */
export class BadTokenThrottle {
  private readonly failures = new Map<string, { count: number; last: number }>();

  constructor(private readonly opts: ThrottleOptions = DEFAULT_THROTTLE) {}

  /** Records a failure; returns how long to wait before answering, and a log line when one is due. */
  fail(address: string, now: number): { delayMs: number; log?: string } {
    let f = this.failures.get(address);
    if (f && now - f.last > this.opts.windowMs) f = undefined;
    const count = (f?.count ?? 0) + 1;
    this.failures.delete(address);
    if (this.failures.size >= this.opts.maxAddresses) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
    this.failures.set(address, { count, last: now });
    const delayMs = Math.min(this.opts.maxMs, this.opts.baseMs * 2 ** Math.min(count - 1, 30));
    const due = (count & (count - 1)) === 0;
    return due ? { delayMs, log: `bad token from ${address}: ${count} in a row, answering after ${delayMs} ms` } : { delayMs };
  }

  succeed(address: string): void {
    this.failures.delete(address);
  }

  get tracked(): number {
    return this.failures.size;
  }
}

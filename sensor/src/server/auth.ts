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

// Finding a sensor on this machine without asking: is something listening on its address, and
// which of tapline-sensor's default token files may this user read (and, if none, why not).
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DEFAULT_LOCAL_SENSOR_URL = 'ws://127.0.0.1:7878';
const PROBE_MS = 2_000;

export interface LocalSensorSettings {
  url: string;
  /** A token file named by the user; empty: the sensor's defaults. */
  tokenFile: string;
}

/** Where tapline-sensor's default --token-file is for this user, then for root (`sudo tapline-sensor`). */
export function tokenFileCandidates(settings: LocalSensorSettings, home = homedir()): string[] {
  if (settings.tokenFile) return [settings.tokenFile.replace(/^~(?=\/|$)/, home)];
  const own = join(home, '.tapline', 'sensor.token');
  const root = '/root/.tapline/sensor.token';
  return own === root ? [own] : [own, root];
}

export type TokenLookup = { ok: true; file: string; token: string } | { ok: false; reason: string };

/** The first candidate this user may read; else why each was not usable, in words a user acts on. */
export async function findToken(candidates: readonly string[], read: (file: string) => Promise<string> = (f) => readFile(f, 'utf8')): Promise<TokenLookup> {
  const reasons: string[] = [];
  for (const file of candidates) {
    try {
      const token = (await read(file)).trim();
      if (token) return { ok: true, file, token };
      reasons.push(`${file} is empty`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') reasons.push(`${file} exists but you may not read it (the sensor was started by another user; start it with --token-file in your home, as the walkthrough's command does)`);
      else if (code === 'ENOENT' || code === 'ENOTDIR') reasons.push(`${file} does not exist`);
      else reasons.push(`${file}: ${String(error)}`);
    }
  }
  return { ok: false, reason: `no readable sensor token: ${reasons.join('; ')}` };
}

/** Resolves whether something accepts TCP connections at the URL's host and port (no bytes sent). */
export function isListening(url: string, timeoutMs = PROBE_MS): Promise<boolean> {
  const parsed = new URL(url);
  const port = Number(parsed.port || (parsed.protocol === 'wss:' ? 443 : 80));
  return new Promise((resolve) => {
    const socket = connect({ host: parsed.hostname.replace(/^\[|\]$/g, ''), port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

// Finds OpenAPI documents under the workspace folders: files matching the `tapline.specGlob`
// setting whose first bytes declare `openapi:` or `swagger:`. Bounded, so that a huge tree
// (or a symlink loop) cannot stall the server.
import { open, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { detectOpenApi } from '../../core/src/openapi/detect';

export interface ScanOptions {
  glob: string;
  exclude: string;
  /** Stop after visiting this many entries (default 50,000). */
  maxEntries?: number;
}

const ALWAYS_SKIPPED = new Set(['.git', 'node_modules', '.hg', '.svn']);
const HEAD_BYTES = 4096;

export async function readHead(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * Files under `folder` whose relative path `include` accepts (and `exclude` does not), visiting at
 * most `maxEntries` entries; `.git`, `node_modules` and the like are never entered.
 */
export async function listFiles(folder: string, include: (rel: string) => boolean, exclude: (rel: string) => boolean, maxEntries = 50_000): Promise<string[]> {
  const found: string[] = [];
  let budget = maxEntries;
  const pending = [folder];
  while (pending.length > 0 && budget > 0) {
    const dir = pending.pop()!;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue; // unreadable folders are not our concern
    }
    for (const entry of entries) {
      if (--budget <= 0) break;
      const path = join(dir, entry.name);
      const rel = relative(folder, path).split(sep).join('/');
      if (exclude(rel)) continue;
      if (entry.isDirectory()) {
        if (!ALWAYS_SKIPPED.has(entry.name)) pending.push(path);
      } else if (entry.isFile() && include(rel)) {
        found.push(path);
      }
    }
  }
  return found.sort();
}

/** Absolute paths of the OpenAPI roots found under `folder`. */
export async function findSpecFiles(folder: string, options: ScanOptions): Promise<string[]> {
  const candidates = await listFiles(folder, picomatch(options.glob, { dot: false }), picomatch(options.exclude, { dot: true }), options.maxEntries);
  const found: string[] = [];
  for (const path of candidates) {
    const head = await readHead(path).catch(() => '');
    if (detectOpenApi(head)) found.push(path);
  }
  return found;
}

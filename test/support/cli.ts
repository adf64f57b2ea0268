// The `tapline` CLI in-process (server/src/cli/run.ts with its I/O injected): files are read
// relative to `cwd`, or from `files` (relative paths) first; output is collected.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../../server/src/cli/run';

export const REPO_ROOT = path.resolve(__dirname, '../..');

export async function runTapline(argv: readonly string[], opts: { cwd?: string; files?: Record<string, string>; onStderr?: (text: string) => void } = {}): Promise<{ code: number; out: string; err: string }> {
  const cwd = opts.cwd ?? REPO_ROOT;
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    cwd,
    readFile: (p) => {
      const rel = path.isAbsolute(p) ? path.relative(cwd, p) : p;
      const given = opts.files?.[rel];
      if (given !== undefined) return given;
      try {
        return readFileSync(path.resolve(cwd, p), 'utf8');
      } catch {
        return undefined;
      }
    },
    // Files not given inline are streamed, as the real entry point does.
    readChunks: (p) => {
      const rel = path.isAbsolute(p) ? path.relative(cwd, p) : p;
      if (opts.files?.[rel] !== undefined) return undefined;
      try {
        const full = path.resolve(cwd, p);
        return statSync(full).isFile() ? { size: statSync(full).size, chunks: createReadStream(full, { highWaterMark: 256 * 1024 }) } : undefined;
      } catch {
        return undefined;
      }
    },
    stdout: (t) => (out += t),
    stderr: (t) => {
      err += t;
      opts.onStderr?.(t);
    },
    version: '0.0.0-test',
  });
  return { code, out, err };
}

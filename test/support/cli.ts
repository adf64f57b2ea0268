// The `tapline` CLI in-process (server/src/cli/run.ts with its I/O injected): files are read
// relative to `cwd`, or from `files` (relative paths) first; output is collected.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../../server/src/cli/run';

export const REPO_ROOT = path.resolve(__dirname, '../..');

export async function runTapline(argv: readonly string[], opts: { cwd?: string; files?: Record<string, string> } = {}): Promise<{ code: number; out: string; err: string }> {
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
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    version: '0.0.0-test',
  });
  return { code, out, err };
}

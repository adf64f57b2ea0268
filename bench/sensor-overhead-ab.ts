// `--ab REV` for bench/sensor-overhead.ts: REV's kernel programs and loader, built from a
// `git archive` of its sensor/bpf into a temp folder, so that the traced runs can alternate
// between REV's loader and the worktree's in one run (the machine drifts more between runs
// than most changes move the cost). The consumer (decoder + pipeline) is the worktree's for both.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LoaderVariant {
  /** How the output names it: the revision, or `worktree`. */
  name: string;
  path: string;
}

/** Builds REV's loader; returns it and how to remove the folder. Throws with make's output when it fails. */
export function buildLoaderAt(root: string, rev: string): { variant: LoaderVariant; cleanup: () => void } {
  const short = execFileSync('git', ['-C', root, 'rev-parse', '--short', rev], { encoding: 'utf8' }).trim();
  const dir = mkdtempSync(join(tmpdir(), 'tapline-ab-'));
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  const archive = spawnSync('sh', ['-c', `git -C "$1" archive "$2" sensor/bpf | tar -x -C "$3"`, 'sh', root, short, dir], { encoding: 'utf8' });
  const make = archive.status === 0 ? spawnSync('make', ['-s', '-C', join(dir, 'sensor', 'bpf')], { encoding: 'utf8' }) : archive;
  if (make.status !== 0) {
    cleanup();
    throw new Error(`cannot build ${rev}'s loader:\n${make.stderr}`);
  }
  return { variant: { name: short, path: join(dir, 'sensor', 'bpf', 'build', 'tapline-loader') }, cleanup };
}

/** The order of the variants in round `r`: alternated, so that neither always runs first after a baseline. */
export function roundOrder<T>(variants: readonly T[], r: number): T[] {
  return r % 2 ? [...variants].reverse() : [...variants];
}

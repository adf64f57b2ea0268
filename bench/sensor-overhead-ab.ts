// A/B for bench/sensor-overhead.ts, in one run (the machine drifts more between runs than most
// changes move the cost). `--ab REV` builds REV's kernel programs and loader from a `git archive`
// of its sensor/bpf; `--ab-daemon REV` bundles the consumer (bench/sensor-overhead-consumer.ts,
// this checkout's harness) against REV's sensor/src and core/src. Either way the traced runs
// alternate between REV's side and the worktree's in every round.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

export interface LoaderVariant {
  /** How the output names it: the revision, or `worktree`. */
  name: string;
  path: string;
}

/** One traced configuration: a loader, and the consumer process that reads it. */
export interface Variant {
  name: string;
  loader: string;
  /** The consumer's node arguments before its own: a bundle, or `--import tsx` and the source. */
  consumer: string[];
}

/** Builds REV's loader; returns it and how to remove the folder. Throws with make's output when it fails. */
export function buildLoaderAt(root: string, rev: string): { variant: LoaderVariant; cleanup: () => void } {
  const short = shortRev(root, rev);
  const dir = mkdtempSync(join(tmpdir(), 'tapline-ab-'));
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  const archive = extract(root, short, dir, ['sensor/bpf']);
  const make = archive.status === 0 ? spawnSync('make', ['-s', '-C', join(dir, 'sensor', 'bpf')], { encoding: 'utf8' }) : archive;
  if (make.status !== 0) {
    cleanup();
    throw new Error(`cannot build ${rev}'s loader:\n${make.stderr}`);
  }
  return { variant: { name: short, path: join(dir, 'sensor', 'bpf', 'build', 'tapline-loader') }, cleanup };
}

/**
 * The consumer bundled with esbuild as scripts/build.mjs bundles dist/sensor.js (cross-module calls
 * are plain calls, not the getter per imported binding that `tsx` adds): what ships. Without `rev`
 * against this checkout; with it, the same harness against REV's daemon code.
 */
export function bundleConsumer(root: string, rev?: string): { name: string; file: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tapline-consumer-'));
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  let entry = join(root, 'bench', 'sensor-overhead-consumer.ts');
  let name = 'worktree';
  if (rev) {
    try {
      name = extractAt(root, rev, dir, ['sensor/src', 'core/src']);
    } catch (e) {
      cleanup();
      throw e;
    }
    mkdirSync(join(dir, 'bench'));
    copyFileSync(entry, (entry = join(dir, 'bench', 'sensor-overhead-consumer.ts')));
  }
  const file = join(dir, 'consumer.cjs');
  buildSync({ entryPoints: [entry], outfile: file, platform: 'node', format: 'cjs', target: 'node20', bundle: true, mainFields: ['module', 'main'], logLevel: 'warning' });
  return { name, file, cleanup };
}

/** REV's `paths` (a `git archive`) into `dir`, with this checkout's node_modules beside them; returns REV's short name. */
export function extractAt(root: string, rev: string, dir: string, paths: string[]): string {
  const short = shortRev(root, rev);
  mkdirSync(dir, { recursive: true });
  const archive = extract(root, short, dir, paths);
  if (archive.status !== 0) throw new Error(`cannot extract ${rev}'s ${paths.join(', ')}:\n${String(archive.stderr)}`);
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return short;
}

function shortRev(root: string, rev: string): string {
  return execFileSync('git', ['-C', root, 'rev-parse', '--short', rev], { encoding: 'utf8' }).trim();
}

function extract(root: string, rev: string, dir: string, paths: string[]): ReturnType<typeof spawnSync> {
  return spawnSync('sh', ['-c', `git -C "$1" archive "$2" ${paths.join(' ')} | tar -x -C "$3"`, 'sh', root, rev, dir], { encoding: 'utf8' });
}

/** The order of the variants in round `r`: alternated, so that neither always runs first after a baseline. */
export function roundOrder<T>(variants: readonly T[], r: number): T[] {
  return r % 2 ? [...variants].reverse() : [...variants];
}

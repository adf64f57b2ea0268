// Another version of the sensor's daemon code, for A/B benchmarks in one process (the machine is
// shared: only old and new interleaved in the same run compare). Made from a commit:
//   node --import tsx bench/ab-base.ts <commit> <dir>            → <dir>/ab-entry.ts (for tsx)
//   node --import tsx bench/ab-base.ts <commit> <dir> --bundle   → also <dir>/ab-entry.cjs (esbuild, as the sensor ships)
// then `--base <dir>/ab-entry.ts` (or `.cjs`) to bench/sensor-pipeline.bench.ts or http-parser.bench.ts.
// `bundled()` bundles this checkout's daemon code the same way, for benchmarks that measure what ships.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import type { KernelClock } from '../sensor/src/pipeline/clock';
import type { HttpStreamParser } from '../sensor/src/http/parser';
import type { Pipeline } from '../sensor/src/pipeline/pipeline';
import type { Redactor } from '../core/src/redaction/redactor';

/** What the benchmarks construct; the other version's classes are taken to have the same shape. */
export interface PipelineImpl {
  Pipeline: typeof Pipeline;
  Redactor: typeof Redactor;
  KernelClock: typeof KernelClock;
}

export interface BaseImpl extends PipelineImpl {
  HttpStreamParser: typeof HttpStreamParser;
}

const ENTRY = `export { Pipeline } from './sensor/src/pipeline/pipeline';
export { KernelClock } from './sensor/src/pipeline/clock';
export { Redactor } from './core/src/redaction/redactor';
export { HttpStreamParser } from './sensor/src/http/parser';
`;

/** The module named by `--base` in `argv`, or undefined without one. */
export async function loadBase(argv: readonly string[]): Promise<BaseImpl | undefined> {
  const i = argv.indexOf('--base');
  if (i < 0) return undefined;
  const path = argv[i + 1];
  if (!path) throw new Error('--base needs a module path (see bench/ab-base.ts)');
  const mod = (await import(pathToFileURL(resolve(path)).href)) as Partial<BaseImpl> & { default?: Partial<BaseImpl> };
  const impl = mod.Pipeline ? mod : mod.default;
  if (!impl?.Pipeline || !impl.Redactor || !impl.KernelClock || !impl.HttpStreamParser) throw new Error(`${path} does not export Pipeline, Redactor, KernelClock and HttpStreamParser`);
  return impl as BaseImpl;
}

/** The options scripts/build.mjs gives the sensor's bundle (dist/sensor.js), less its source map. */
export function bundleTo(entry: { file: string } | { source: string; dir: string }, outfile: string): void {
  buildSync({
    ...('file' in entry ? { entryPoints: [entry.file] } : { stdin: { contents: entry.source, resolveDir: entry.dir, loader: 'ts', sourcefile: 'bench-entry.ts' } }),
    outfile,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    bundle: true,
    mainFields: ['module', 'main'],
    logLevel: 'warning',
  });
}

/**
 * `source` (a module that re-exports from this checkout, paths relative to its root) bundled with
 * esbuild as scripts/build.mjs bundles the sensor, and loaded: cross-module calls are plain calls,
 * as in dist/sensor.js, not the getter per imported binding that running under `tsx` adds.
 */
export function bundled<T>(source: string): T {
  const outfile = join(mkdtempSync(join(tmpdir(), 'tapline-bench-')), 'bundle.cjs');
  bundleTo({ source, dir: resolve(__dirname, '..') }, outfile);
  return createRequire(__filename)(outfile) as T;
}

/** This checkout's Pipeline, Redactor, KernelClock and HttpStreamParser, bundled (see `bundled`). */
export function bundledCurrent(): BaseImpl {
  return bundled<BaseImpl>(ENTRY);
}

function make(commit: string, dir: string, bundle: boolean): void {
  mkdirSync(dir, { recursive: true });
  const archive = execFileSync('git', ['archive', commit, 'sensor/src', 'core/src'], { maxBuffer: 1 << 28 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  writeFileSync(join(dir, 'ab-entry.ts'), ENTRY);
  // The same packages as this checkout, for whatever the old code imports.
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
  console.log(`${join(dir, 'ab-entry.ts')}: ${commit}`);
  if (!bundle) return;
  bundleTo({ file: join(dir, 'ab-entry.ts') }, join(dir, 'ab-entry.cjs'));
}

// Run as a script, not when a benchmark (or a bundle of one) imports it.
if (/ab-base\.ts$/.test(process.argv[1] ?? '')) {
  const [commit, dir] = process.argv.slice(2);
  if (!commit || !dir) {
    console.error('usage: node --import tsx bench/ab-base.ts <commit> <dir> [--bundle]');
    process.exit(2);
  }
  make(commit, dir, process.argv.includes('--bundle'));
}

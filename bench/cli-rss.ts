// Runs the `tapline` CLI from source as a child process and reads back its peak RSS (printed on
// exit by max-rss-preload.mjs) and its CPU time, for bench/har-stream.ts.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(__dirname, '..');

export function cliPeakRss(argv: readonly string[]): { rssBytes: number; cpuSeconds: number; findings: number } {
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(resolve(__dirname, 'max-rss-preload.mjs')).href, '--import', 'tsx', 'server/src/cli/main.ts', ...argv], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`tapline ${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const kb = /TAPLINE_MAX_RSS_KB (\d+)/.exec(r.stderr)?.[1];
  if (kb === undefined) throw new Error('the child did not report its peak RSS');
  return { rssBytes: Number(kb) * 1024, cpuSeconds: cpuOf(r.stderr), findings: (JSON.parse(r.stdout) as { findings: unknown[] }).findings.length };
}

function cpuOf(stderr: string): number {
  const m = /TAPLINE_CPU_US (\d+)/.exec(stderr);
  return m ? Number(m[1]) / 1e6 : NaN;
}

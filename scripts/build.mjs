// One build for every bundle: extension (node, cjs, `vscode` external), server (node), webview
// (browser iife), sensor and the `tapline` CLI (node, with a shebang), and the eBPF loader (make).
// Usage: node scripts/build.mjs [--watch] [--production]
import { build, context } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const shebang = { js: '#!/usr/bin/env node' };
// ws probes for these optional native speed-ups with try/require; they are not installed.
const wsOptional = ['bufferutil', 'utf-8-validate'];

const node = {
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  external: wsOptional,
  // Prefer packages' ESM builds: jsonc-parser's UMD build requires its own files dynamically,
  // which a bundle cannot follow.
  mainFields: ['module', 'main'],
};

const bundles = [
  { ...node, entryPoints: ['extension/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', ...wsOptional] },
  { ...node, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' },
  { ...node, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: shebang },
  { ...node, entryPoints: ['sensor/src/main.ts'], outfile: 'dist/sensor.js', banner: shebang },
  {
    entryPoints: ['webview/src/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    bundle: true,
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'warning',
  },
].map((options) => ({ ...options, absWorkingDir: root }));

function buildLoader() {
  if (!existsSync(join(root, 'sensor/bpf/Makefile'))) return;
  const clang = spawnSync('clang', ['--version'], { stdio: 'ignore' });
  if (clang.status !== 0) {
    console.warn('build: clang not found, skipping the eBPF loader (run scripts/setup-system.sh)');
    return;
  }
  const make = spawnSync('make', ['-s', '-C', join(root, 'sensor/bpf')], { stdio: 'inherit' });
  if (make.status !== 0) throw new Error('build: the eBPF loader failed to build (make -C sensor/bpf)');
}

mkdirSync(join(root, 'dist'), { recursive: true });
const missing = bundles.filter((b) => !existsSync(join(root, b.entryPoints[0])));
if (missing.length > 0) throw new Error(`build: missing entry points: ${missing.map((b) => b.entryPoints[0]).join(', ')}`);

if (watch) {
  for (const options of bundles) await (await context(options)).watch();
  console.log('build: watching for changes');
} else {
  const started = Date.now();
  await Promise.all(bundles.map((options) => build(options)));
  for (const b of bundles) if (b.banner) chmodSync(join(root, b.outfile), 0o755);
  buildLoader();
  console.log(`build: ${bundles.length} bundles in ${Date.now() - started} ms${production ? ' (production)' : ''}`);
}

// Builds the production bundles and packages the extension into tapline.vsix, then checks the
// package: it must hold the bundles and no node_modules folder or TypeScript sources.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'tapline.vsix');
function run(cmd, args) {
  try {
    return execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  } catch {
    // The command printed its own error on stderr; say which step failed, without a stack.
    console.error(`package: ${[cmd, ...args].join(' ')} failed`);
    process.exit(1);
  }
}

run(process.execPath, ['scripts/build.mjs', '--production']);
run(join(root, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '--skip-license', '--out', out]);

// A .vsix is a zip; list it with Python's zipfile, which every machine here has.
const names = run('python3', ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', out])
  .split('\n')
  .filter(Boolean);
const problems = [
  ...names.filter((n) => n.includes('node_modules/')).map((n) => `contains node_modules: ${n}`),
  ...names.filter((n) => /\.tsx?$/.test(n) && !n.endsWith('.d.ts')).map((n) => `contains TypeScript source: ${n}`),
  ...['extension/dist/extension.js', 'extension/dist/server.js', 'extension/dist/webview.js']
    .filter((n) => !names.includes(n))
    .map((n) => `missing ${n}`),
];
if (problems.length > 0) {
  console.error(`package: ${out} is wrong:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
const kib = (statSync(out).size / 1024).toFixed(1);
console.log(`package: ${out} — ${kib} KiB, ${names.length} files`);

// Builds the production bundles, renders the icon, and packages the extension into tapline.vsix
// (or `--out FILE`), then checks the package: it must hold the bundles and the icon, no
// node_modules folder or TypeScript sources, and vsce must have printed no warning (a warning is
// a defect users meet on the marketplace page, so it fails the step).
import { execFileSync, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderIcon } from './icon.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 && process.argv[outIndex + 1] ? resolve(process.argv[outIndex + 1]) : join(root, 'tapline.vsix');
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
renderIcon();
// vsce writes warnings on either stream; both are read so that none goes unnoticed.
// --skip-license: the project has chosen no licence yet (package.json says UNLICENSED).
// --no-rewrite-relative-links: the README's screenshots ship in the VSIX (docs/images/), where
// VS Code's extension page resolves them; the repository URL is no public host to point them at.
const vsceArgs = ['package', '--no-dependencies', '--skip-license', '--no-rewrite-relative-links', '--out', out];
const vsce = spawnSync(join(root, 'node_modules/.bin/vsce'), vsceArgs, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const vsceOutput = `${vsce.stdout ?? ''}${vsce.stderr ?? ''}`;
if (vsce.status !== 0) {
  console.error(vsceOutput.trim());
  console.error(`package: vsce ${vsceArgs.join(' ')} failed`);
  process.exit(1);
}
const warnings = vsceOutput.split('\n').filter((line) => /\bWARN(ING)?\b/i.test(line));

// A .vsix is a zip; list it with Python's zipfile, which every machine here has.
const names = run('python3', ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', out])
  .split('\n')
  .filter(Boolean);
const problems = [
  ...warnings.map((line) => `vsce warned: ${line.trim()}`),
  ...names.filter((n) => n.includes('node_modules/')).map((n) => `contains node_modules: ${n}`),
  ...names.filter((n) => /\.tsx?$/.test(n) && !n.endsWith('.d.ts')).map((n) => `contains TypeScript source: ${n}`),
  ...['extension/dist/extension.js', 'extension/dist/server.js', 'extension/dist/webview.js', 'extension/dist/icon.png', 'extension/changelog.md']
    .filter((n) => !names.some((name) => name.toLowerCase() === n.toLowerCase()))
    .map((n) => `missing ${n}`),
];
if (problems.length > 0) {
  console.error(`package: ${out} is wrong:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
const kib = (statSync(out).size / 1024).toFixed(1);
console.log(`package: ${out} — ${kib} KiB, ${names.length} files, icon dist/icon.png, no warnings`);

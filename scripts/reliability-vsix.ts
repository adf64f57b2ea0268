// The packaged extension for the report's e2e items (test/e2e/xss.test.ts installs tapline.vsix
// into code-server). A VSIX older than any file it is built from would test yesterday's code, and
// none at all used to make the item fail: when it is missing or stale, the project's own
// packaging script (scripts/package.mjs, the one CI runs) builds it first.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What goes into the bundles and the package (scripts/build.mjs entry points, .vscodeignore). */
const INPUTS = ['core', 'extension', 'server', 'webview', 'sensor/src', 'media', 'schemas', 'package.json', 'README.md', '.vscodeignore', 'scripts/build.mjs', 'scripts/package.mjs', 'scripts/icon.mjs'];

/** The newest input file (tracked or not, unless ignored) when it is newer than the VSIX, else undefined. */
export function newerInput(root: string, vsix: string): string | undefined {
  const built = statSync(vsix).mtimeMs;
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '--', ...INPUTS], { cwd: root, encoding: 'utf8' }).split('\n');
  let newest: { file: string; at: number } | undefined;
  for (const file of files) {
    if (file === '' || !existsSync(join(root, file))) continue;
    const at = statSync(join(root, file)).mtimeMs;
    if (at > built && (!newest || at > newest.at)) newest = { file, at };
  }
  return newest?.file;
}

/** Makes sure `root/tapline.vsix` is current; a string says why it could not be built. */
export function ensureVsix(root: string, log: (line: string) => void): string | undefined {
  const vsix = join(root, 'tapline.vsix');
  const why = !existsSync(vsix) ? 'there is no tapline.vsix' : newerInput(root, vsix);
  if (why === undefined) return undefined;
  log(`reliability: packaging the extension for the e2e items (${existsSync(vsix) ? `${why} is newer than tapline.vsix` : why}): node scripts/package.mjs …`);
  const r = spawnSync(process.execPath, ['scripts/package.mjs'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  if (r.status === 0) {
    log(r.stdout.trim().split('\n').pop() ?? 'reliability: packaged');
    return undefined;
  }
  const last = `${r.stderr}${r.stdout}`.trim().split('\n').pop() ?? '';
  return `node scripts/package.mjs failed (exit ${String(r.status)}): ${last}`;
}

// `npm run package` as a user runs it: the real build, the real vsce. The VSIX must carry the
// 128×128 PNG icon rendered from media/tapline.svg (named in its manifest) and the changelog, and
// the step must have printed no warning (scripts/package.mjs fails on one; this checks it said so).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..');

function unzip(vsix: string, entry: string): Buffer {
  const script = 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))';
  return execFileSync('python3', ['-c', script, vsix, entry], { maxBuffer: 16 << 20 });
}

test('npm run package: no warning, and the VSIX carries the icon and the changelog', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tapline-package-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const vsix = join(dir, 'tapline.vsix');
  // stderr too: vsce may warn on either stream.
  const run = spawnSync(process.execPath, ['scripts/package.mjs', '--out', vsix], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const printed = `${run.stdout}${run.stderr}`;
  assert.equal(run.status, 0, printed);
  assert.doesNotMatch(printed, /\bWARN(ING)?\b/i, printed);
  assert.match(printed, /no warnings/);

  const manifest = unzip(vsix, 'extension.vsixmanifest').toString('utf8');
  assert.match(manifest, /<Icon>extension\/dist\/icon\.png<\/Icon>/, 'the manifest names the icon');
  const png = unzip(vsix, 'extension/dist/icon.png');
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128], 'IHDR says 128×128');
  const packaged = JSON.parse(unzip(vsix, 'extension/package.json').toString('utf8')) as { icon?: string; galleryBanner?: { color?: string } };
  assert.equal(packaged.icon, 'dist/icon.png');
  assert.match(packaged.galleryBanner?.color ?? '', /^#[0-9a-f]{6}$/i);
  assert.match(unzip(vsix, 'extension/changelog.md').toString('utf8'), /^# Changelog/);
  assert.equal(readFileSync(join(REPO, 'CHANGELOG.md'), 'utf8'), unzip(vsix, 'extension/changelog.md').toString('utf8'));
});

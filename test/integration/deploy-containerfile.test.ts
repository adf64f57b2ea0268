// No container engine runs here, so the image is not built; what the Containerfile's build stages
// do is run on this machine instead: its loader stage's `make` on a copy of sensor/bpf/, and its
// daemon stage's bundle command on a copy of core/ and sensor/src/ (with this checkout's
// node_modules standing in for `npm ci`). The runtime stage must take both from those stages,
// never a binary built on the host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SENSOR_VERSION } from '../../sensor/src/version';

const ROOT = join(__dirname, '..', '..');

interface Stage {
  name: string;
  lines: string[];
}

function stages(): Stage[] {
  const text = readFileSync(join(ROOT, 'sensor', 'deploy', 'Containerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  const out: Stage[] = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?$/i.exec(line);
    if (from) out.push({ name: from[1] ?? 'final', lines: [] });
    else out.at(-1)?.lines.push(line);
  }
  return out;
}

const runs = (s: Stage | undefined): string[] => (s?.lines ?? []).filter((l) => l.startsWith('RUN ')).map((l) => l.slice(4));

test('the runtime stage copies the loader and the bundle from the build stages only', () => {
  const all = stages();
  assert.deepEqual(all.map((s) => s.name), ['loader', 'daemon', 'final']);
  const final = all[2]!.lines.filter((l) => l.startsWith('COPY'));
  assert.ok(final.length >= 2);
  for (const c of final) assert.match(c, /^COPY --from=(loader|daemon) /, `${c} comes from a build stage`);
  assert.ok(final.some((c) => c.includes('--from=loader') && c.includes('tapline-loader')));
  assert.ok(final.some((c) => c.includes('--from=daemon') && c.includes('dist/sensor.js')));
});

test("the Containerfile's build stages build the loader and the sensor from source", (t) => {
  if (spawnSync('clang', ['--version'], { stdio: 'ignore' }).status !== 0) {
    if (process.env.CI === 'true') throw new Error('clang is missing (scripts/setup-system.sh installs it)');
    t.skip('needs clang (scripts/setup-system.sh)');
    return;
  }
  const [loader, daemon] = stages();
  const work = mkdtempSync(join(tmpdir(), 'tapline-image-'));
  try {
    cpSync(join(ROOT, 'sensor', 'bpf'), join(work, 'sensor', 'bpf'), { recursive: true, filter: (src) => !src.includes(`${join('sensor', 'bpf', 'build')}`) });
    const make = runs(loader).filter((r) => !r.startsWith('apt-get'));
    assert.deepEqual(make, ['make -C sensor/bpf clean all']);
    execFileSync('sh', ['-c', make[0]!], { cwd: work, stdio: 'pipe' });
    const loaderBinary = readFileSync(join(work, 'sensor', 'bpf', 'build', 'tapline-loader'));
    assert.equal(loaderBinary.subarray(0, 4).toString('latin1'), '\x7fELF', 'the loader stage made an executable');

    for (const dir of ['core', join('sensor', 'src')]) cpSync(join(ROOT, dir), join(work, dir), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'));
    const bundle = runs(daemon).filter((r) => !r.startsWith('npm ci'));
    assert.equal(bundle.length, 1);
    execFileSync('sh', ['-c', bundle[0]!], { cwd: work, stdio: 'pipe' });
    const version = execFileSync(process.execPath, [join(work, 'dist', 'sensor.js'), '--version'], { encoding: 'utf8' }).trim();
    assert.equal(version, SENSOR_VERSION, 'the bundled sensor runs');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

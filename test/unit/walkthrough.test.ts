// The Get Started walkthrough as a manifest (every step has its page, real command links and a
// completion key the extension sets), the sensor start command per situation, and how "Connect
// to Local Sensor" finds its sensor and token (real files and a real listener; EACCES, which root
// cannot meet here, through the reader it is given).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findToken, isListening, tokenFileCandidates } from '../../extension/src/walkthrough/local-sensor-lookup';
import { PROGRESS_KEYS } from '../../extension/src/walkthrough/progress-keys';
import { startCommand, type MachineFacts } from '../../extension/src/walkthrough/start-command';

const REPO = join(__dirname, '..', '..');
interface Step {
  id: string;
  description: string;
  media: { markdown?: string };
  completionEvents: string[];
}
const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  contributes: { walkthroughs: Array<{ id: string; steps: Step[] }>; commands: Array<{ command: string }> };
};

test('the walkthrough: four steps, each with its page, real commands, and a key the extension sets on the real event', () => {
  const [walkthrough] = manifest.contributes.walkthroughs;
  assert.equal(walkthrough?.id, 'tapline.getStarted');
  const commands = new Set(manifest.contributes.commands.map((c) => c.command));
  const keys: string[] = Object.values(PROGRESS_KEYS);
  assert.deepEqual(walkthrough.steps.map((s) => s.id), ['sampleTraffic', 'localSensor', 'openApi', 'devCluster']);
  for (const step of walkthrough.steps) {
    assert.ok(step.media.markdown && existsSync(join(REPO, step.media.markdown)), `${step.id}: ${step.media.markdown} exists`);
    const links = [...step.description.matchAll(/\]\(command:([\w.]+)/g)].map((m) => m[1]!);
    assert.ok(links.length > 0, `${step.id} has a button`);
    for (const id of links) assert.ok(commands.has(id) || id.startsWith('workbench.'), `${step.id}: ${id} is a command`);
    assert.equal(step.completionEvents.length, 1);
    assert.ok(keys.includes(step.completionEvents[0]!.replace(/^onContext:/, '')), `${step.id} completes on a key the extension sets`);
  }
});

test('the bundled sample: as many entries as its page says, recorded by the sensor, nothing it sent left unredacted', () => {
  const text = readFileSync(join(REPO, 'media', 'sample', 'petstore.har'), 'utf8');
  const entries = (JSON.parse(text) as { log: { entries: Array<{ _tapline?: { origin?: string } }> } }).log.entries;
  const page = readFileSync(join(REPO, 'media', 'walkthrough', 'sample-traffic.md'), 'utf8');
  assert.match(page, new RegExp(`\\b${entries.length}\\s+real\\s+exchanges\\b`));
  assert.ok(entries.every((e) => e._tapline?.origin === 'ebpf'), 'every entry was captured live');
  for (const secret of ['ana@example.com', 'bo@example.org', 'eyJhbGciOiJIUzI1NiJ9', 'sk_test_', 'tapline-demo-key-']) assert.ok(!text.includes(secret), `${secret} is redacted`);
  assert.match(text, /\[REDACTED:authorization\]/);
});

const facts: MachineFacts = { platform: 'linux', uid: 1000, hasSudo: true, sensor: "node '/home/ana/tapline/dist/sensor.js'", loader: '/home/ana/tapline/sensor/bpf/build/tapline-loader' };

test('the sensor start command fits the situation: root, sudo (as the user, four capabilities), setcap, not Linux', () => {
  assert.deepEqual(startCommand({ ...facts, uid: 0 }), { situation: 'root', command: `node '/home/ana/tapline/dist/sensor.js' --listen 127.0.0.1:7878 --token-file "$HOME/.tapline/sensor.token"` });

  const sudo = startCommand(facts);
  assert.equal(sudo.situation, 'sudo');
  assert.match(sudo.command, /^sudo setpriv --reuid="\$\(id -u\)" --regid="\$\(id -g\)" --init-groups /);
  assert.match(sudo.command, /--ambient-caps=\+bpf,\+perfmon,\+sys_ptrace,\+dac_read_search "\$\(command -v node\)" '\/home\/ana\/tapline\/dist\/sensor\.js' --listen/);
  assert.match(startCommand({ ...facts, sensor: 'npx tapline-sensor' }).command, /"\$\(command -v node\)" "\$\(command -v npx\)" tapline-sensor --listen/);

  const setcap = startCommand({ ...facts, hasSudo: false });
  assert.equal(setcap.situation, 'setcap');
  assert.match(setcap.command, /setcap cap_bpf,cap_perfmon,cap_sys_ptrace,cap_dac_read_search\+ep \/opt\/tapline\/node/);
  assert.match(setcap.command, /setcap cap_bpf,cap_perfmon,cap_sys_ptrace,cap_dac_read_search\+ep \/opt\/tapline\/tapline-loader/);
  assert.match(setcap.command, /\nTAPLINE_LOADER=\/opt\/tapline\/tapline-loader \/opt\/tapline\/node '\/home\/ana\/tapline\/dist\/sensor\.js' --listen/);

  const mac = startCommand({ ...facts, platform: 'darwin' });
  assert.equal(mac.situation, 'not-linux');
  assert.match(mac.command, /--replay/);
});

test('the token: the user\'s own file first, then root\'s; each unusable file is named with why', async () => {
  assert.deepEqual(tokenFileCandidates({ url: '', tokenFile: '' }, '/home/ana'), ['/home/ana/.tapline/sensor.token', '/root/.tapline/sensor.token']);
  assert.deepEqual(tokenFileCandidates({ url: '', tokenFile: '' }, '/root'), ['/root/.tapline/sensor.token']);
  assert.deepEqual(tokenFileCandidates({ url: '', tokenFile: '~/s.token' }, '/home/ana'), ['/home/ana/s.token']);

  const dir = mkdtempSync(join(tmpdir(), 'tapline-token-'));
  const good = join(dir, 'sensor.token');
  writeFileSync(good, 'abc123\n');
  const empty = join(dir, 'empty.token');
  writeFileSync(empty, '\n');
  assert.deepEqual(await findToken([join(dir, 'missing'), empty, good]), { ok: true, file: good, token: 'abc123' });

  const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
  const lookup = await findToken([join(dir, 'missing'), '/root/.tapline/sensor.token'], async (file) => {
    if (file.startsWith('/root')) throw denied;
    return readFileSync(file, 'utf8');
  });
  assert.equal(lookup.ok, false);
  assert.match(!lookup.ok ? lookup.reason : '', /missing does not exist; \/root\/\.tapline\/sensor\.token exists but you may not read it/);
});

test('isListening: true for a real listener, false once it is closed', async () => {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  assert.equal(await isListening(`ws://127.0.0.1:${port}`), true);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.equal(await isListening(`ws://127.0.0.1:${port}`), false);
});

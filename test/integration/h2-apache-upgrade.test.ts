// h2c through an HTTP/1.1 Upgrade (RFC 7540 §3.2) through the live eBPF sensor (root, Linux):
// Debian's Apache httpd with mod_http2 (`Protocols h2c http/1.1`) is the real peer here that
// accepts `Upgrade: h2c` (nginx, node's http2 and Go's standard library do not), driven by
// `curl --http2 http://`. The upgraded request and its HTTP/2 answer are one transaction.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import { freePort, waitForPort } from '../support/nginx';
import { startSensorProcess, type SensorProcess } from '../support/sensor-process';
import { SensorView, brief } from '../support/sensor-view';
import { gate } from './ebpf-helpers';

const run = promisify(execFile);
const APACHE = '/usr/sbin/apache2';
const MODULES = '/usr/lib/apache2/modules';

function apacheGate(t: TestContext): boolean {
  if (existsSync(APACHE) && existsSync(join(MODULES, 'mod_http2.so'))) return true;
  const why = `needs Apache httpd with mod_http2 at ${APACHE} (bash scripts/setup-system.sh installs apache2-bin)`;
  if (process.env.CI === 'true') throw new Error(`h2c Upgrade suite cannot run in CI: ${why}`);
  t.skip(why);
  return false;
}

/** A config for `apache2 -X` (one process, foreground) serving `docs` on loopback, h2c allowed. */
function config(dir: string, port: number, docs: string): string {
  const mod = (name: string, file: string): string => `LoadModule ${name}_module ${join(MODULES, `mod_${file}.so`)}`;
  return [
    `ServerRoot ${dir}`,
    `PidFile ${join(dir, 'httpd.pid')}`,
    `ErrorLog ${join(dir, 'error.log')}`,
    mod('mpm_event', 'mpm_event'),
    mod('authz_core', 'authz_core'),
    mod('mime', 'mime'),
    mod('http2', 'http2'),
    `Listen 127.0.0.1:${port}`,
    'ServerName localhost',
    // Started as root, httpd serves as an unprivileged user (it refuses to serve as root).
    'User nobody',
    'Group nogroup',
    `DocumentRoot ${docs}`,
    'Protocols h2c http/1.1',
    'TypesConfig /dev/null',
    'AddType application/json .json',
    `<Directory ${docs}>`,
    '  Require all granted',
    '</Directory>',
    '',
  ].join('\n');
}

test('h2c Upgrade (curl --http2 to Apache httpd): each upgraded request is one HTTP/2 transaction', { timeout: 60_000 }, async (t) => {
  if (!gate(t) || !apacheGate(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'tapline-h2c-upgrade-'));
  const docs = join(dir, 'www');
  mkdirSync(join(docs, 'api'), { recursive: true });
  writeFileSync(join(docs, 'api', 'item.json'), '{"id":7}\n');
  // The serving user must read the documents (mkdtemp makes the folder private).
  for (const d of [dir, docs, join(docs, 'api')]) chmodSync(d, 0o755);
  const port = await freePort();
  writeFileSync(join(dir, 'httpd.conf'), config(dir, port, docs));
  const errorLog = join(dir, 'error.log');
  let apache: ChildProcess | undefined;
  let sensor: SensorProcess | undefined;
  try {
    apache = spawn(APACHE, ['-X', '-f', join(dir, 'httpd.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    apache.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    await waitForPort(port, apache, () => out + (existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : ''));
    // Only our port: other sensors' tests run on this machine at the same time.
    sensor = await startSensorProcess(join(dir, 'token'), ['--listen', '127.0.0.1:0', '--port', String(port)]);
    const view = await SensorView.open(sensor, new Set([port]));

    const base = `http://127.0.0.1:${port}`;
    // Each curl asks to upgrade (101, then its answer in HTTP/2). One request per connection:
    // curl 7.88 sometimes fails a second request on an upgraded connection to httpd.
    for (const path of ['/api/item.json?v=1', '/api/missing.json']) {
      const { stdout } = await run('curl', ['-sS', '--http2', '-o', '/dev/null', '-w', '%{http_version}', `${base}${path}`]);
      assert.equal(stdout, '2', `curl upgraded to h2c for ${path}`);
    }
    await view.untilPath('/api/missing.json');

    assert.deepEqual(view.transactions.map(brief).sort(), ['GET /api/item.json 200 v2 tls=false', 'GET /api/missing.json 404 v2 tls=false']);
    const item = view.transactions.find((x) => x.request.path === '/api/item.json');
    assert.equal(item?.request.query, 'v=1');
    assert.equal(item?.response?.body?.text, '{"id":7}\n');
    assert.ok(item?.request.headers.some((h) => h.name.toLowerCase() === 'upgrade' && h.value === 'h2c'), 'the upgrade request is the one reported');
    assert.ok(view.transactions.every((x) => x.server.pid === apache?.pid), 'Apache reports each exchange (curl\'s side defers to it)');
    view.close();
  } finally {
    await sensor?.stop();
    if (apache && apache.exitCode === null && apache.signalCode === null) {
      apache.kill('SIGTERM');
      await once(apache, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

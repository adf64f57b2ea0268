// Go's crypto/tls through the live eBPF sensor (root, Linux, Go from Debian): a Go client calls a
// Go server over HTTPS (HTTP/2 through ALPN, as Go does by default, and one HTTP/1.1 call), with
// no OpenSSL anywhere, and a WebSocket client of the real sensor must get exactly one transaction
// per exchange. The same run checks the visibility report (the
// `visibility` message and /healthz?detail=1) for a plaintext server, an OpenSSL server (node), a
// Go TLS server and a stripped Go server whose TLS the sensor cannot read, and that the engine's
// sensor connection hands the report on to the Sensors view (SensorStatus.visibility).
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import type { Transaction } from '../../core/src/protocol/transaction';
import type { ProcessVisibility } from '../../core/src/protocol/visibility';
import { SensorHub } from '../../server/src/engine/sensor-hub';
import { buildGoFixture, goUnavailable, type GoFixture } from '../support/go-fixture';
import { startSensorProcess, type SensorProcess } from '../support/sensor-process';
import { SensorView } from '../support/sensor-view';
import { TLS_CERT, TLS_KEY, gate, lineFrom, stopChildren } from './ebpf-helpers';

const run = promisify(execFile);
/** A request body that spans three TLS records (16 KiB of plaintext each). */
const BIG = 40_000;

const NODE_TLS_SERVER = `
const https = require('node:https');
const fs = require('node:fs');
const server = https.createServer({ key: fs.readFileSync(process.argv[1]), cert: fs.readFileSync(process.argv[2]) }, (req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ path: req.url }));
});
server.listen(0, '127.0.0.1', () => process.stdout.write('listening ' + server.address().port + '\\n'));
`;

/** The port a server prints ("listening PORT"). */
const portOf = async (proc: ChildProcess): Promise<number> => Number((await lineFrom(proc, /listening (\d+)/))[1]);

/** A Go client call (`gotls get`); resolves once it printed its responses. */
const goGet = (bin: string, url: string, ...more: string[]): Promise<unknown> => run(bin, ['get', '-url', url, ...more]);

/** Bodies over several TLS records: Read's copy probe sees each record piece once (HTTP/1.1
 * reads through a 4 KiB bufio.Reader, so most Reads take part of a record). */
async function sendUploads(bin: string, port: number): Promise<void> {
  await goGet(bin, `https://127.0.0.1:${port}/upload`, '-method', 'PUT', '-size', String(BIG));
  await goGet(bin, `https://127.0.0.1:${port}/upload-h1`, '-method', 'PUT', '-size', String(BIG), '-h1');
}

function checkUploads(seen: readonly Transaction[]): void {
  const bigBody = '0123456789abcdef'.repeat(BIG / 16 + 1).slice(0, BIG);
  for (const path of ['/upload', '/upload-h1']) {
    const up = seen.find((x) => x.request.path === path);
    assert.equal(up?.request.body?.text, bigBody, `${path}: the request body, every record of it, once`);
    assert.match(up?.response?.body?.text ?? '', new RegExp(`"received":${BIG}}$`));
  }
}

interface Rig {
  go: GoFixture;
  dir: string;
  key: string;
  cert: string;
  procs: ChildProcess[];
  start: (cmd: string, args: string[]) => ChildProcess;
}

/** The Go fixture, a key and certificate, and a list of the children to stop; undefined when skipped. */
function rig(t: TestContext): Rig | undefined {
  if (!gate(t)) return undefined;
  const noGo = goUnavailable();
  if (noGo) {
    if (process.env.CI === 'true') assert.fail(`cannot run in CI: ${noGo}`);
    t.skip(noGo);
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tapline-go-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  writeFileSync(key, TLS_KEY, { mode: 0o600 });
  writeFileSync(cert, TLS_CERT);
  const procs: ChildProcess[] = [];
  const start = (cmd: string, args: string[]): ChildProcess => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(p);
    return p;
  };
  return { go: buildGoFixture(), dir, key, cert, procs, start };
}

test('Go client to Go server over crypto/tls: one transaction per exchange; visibility names each process\'s state', { timeout: 120_000 }, async (t) => {
  const r = rig(t);
  if (!r) return;
  const { go, dir, key, cert, procs, start } = r;
  let sensor: SensorProcess | undefined;
  try {
    // Go negotiates HTTP/2 through ALPN, as it does by default; one client call below forces HTTP/1.1.
    const goTls = start(go.binary, ['serve', '-cert', cert, '-key', key]);
    const goStripped = start(go.stripped, ['serve', '-cert', cert, '-key', key]);
    const goPlain = start(go.binary, ['serve']);
    const nodeTls = start(process.execPath, ['-e', NODE_TLS_SERVER, key, cert]);
    const anonymous = start(go.anonymous, ['serve', '-cert', cert, '-key', key]);
    const [tlsPort, strippedPort, plainPort, opensslPort, anonymousPort] = await Promise.all([portOf(goTls), portOf(goStripped), portOf(goPlain), portOf(nodeTls), portOf(anonymous)]);
    const ports = new Set([tlsPort, strippedPort, plainPort, opensslPort, anonymousPort]);
    // Only our ports: other sensors' tests run on this machine at the same time.
    sensor = await startSensorProcess(join(dir, 'token'), ['--listen', '127.0.0.1:0', ...[...ports].flatMap((p) => ['--port', String(p)])]);
    const view = await SensorView.open(sensor, ports);

    // Before any traffic: what each server's executable says.
    await view.until('the visibility report to list the four servers by their TLS library', () =>
      view.of(goTls.pid)?.state === 'go-tls' && view.of(goStripped.pid)?.state === 'unreadable' && view.of(nodeTls.pid)?.library === 'openssl-static' && view.of(goPlain.pid)?.library === 'go-crypto-tls');
    assert.equal(view.of(goTls.pid)?.goVersion, go.version);
    assert.equal(view.of(goStripped.pid)?.library, 'go-stripped');
    assert.match(view.of(goStripped.pid)?.reason ?? '', /without a symbol table/);

    const get = goGet;
    await get(go.binary, `https://127.0.0.1:${tlsPort}/orders/1?expand=items`);
    await get(go.binary, `https://127.0.0.1:${tlsPort}/orders`, '-method', 'POST', '-n', '2');
    await get(go.binary, `https://127.0.0.1:${tlsPort}/missing/7`);
    await sendUploads(go.binary, tlsPort);
    await get(go.binary, `https://127.0.0.1:${tlsPort}/h1`, '-h1');
    await get(go.stripped, `https://127.0.0.1:${strippedPort}/hidden`);
    await get(go.anonymous, `https://127.0.0.1:${anonymousPort}/anonymous`);
    await get(go.binary, `http://127.0.0.1:${plainPort}/plain?x=1`);
    await run('curl', ['-sk', '-o', '/dev/null', `https://127.0.0.1:${opensslPort}/openssl`]);
    // Last, on the Go server: when it arrives, everything before it has been through the pipeline.
    await get(go.binary, `https://127.0.0.1:${tlsPort}/last`);
    await view.until('the last Go TLS exchange and the plaintext and OpenSSL ones', () =>
      ['/last', '/plain', '/openssl'].every((p) => view.transactions.some((x) => x.request.path === p)));

    const line = (x: Transaction): string => `${x.server.port === tlsPort ? 'go' : x.server.port === plainPort ? 'plain' : x.server.port === opensslPort ? 'openssl' : 'unreadable'} ${x.request.method} ${x.request.path} ${x.response?.status} tls=${x.tls} ${x.httpVersion}`;
    assert.deepEqual(view.transactions.map(line).sort(), [
      'go GET /h1 200 tls=true 1.1',
      'go GET /last 200 tls=true 2',
      'go GET /missing/7 404 tls=true 2',
      'go GET /orders/1 200 tls=true 2',
      'go POST /orders 200 tls=true 2',
      'go POST /orders 200 tls=true 2',
      'go PUT /upload 200 tls=true 2',
      'go PUT /upload-h1 200 tls=true 1.1',
      'openssl GET /openssl 200 tls=true 1.1',
      'plain GET /plain 200 tls=false 1.1',
    ]);
    const goSide = view.transactions.filter((x) => x.server.port === tlsPort);
    assert.ok(goSide.every((x) => x.server.pid === goTls.pid), 'the Go server reports its exchanges (its Go client defers to it)');
    const orders = goSide.find((x) => x.request.path === '/orders/1');
    assert.equal(orders?.request.query, 'expand=items');
    assert.equal(orders?.response?.body?.text, '{"method":"GET","path":"/orders/1","proto":"HTTP/2.0","received":0}');
    assert.deepEqual(goSide.filter((x) => x.request.method === 'POST').map((x) => x.request.body?.text).sort(), ['{"i":0}', '{"i":1}']);
    checkUploads(goSide);

    // After traffic: what was seen.
    await view.until('the report to show the Go server\'s TLS and the plaintext server\'s clear HTTP as seen', () =>
      (view.of(goTls.pid)?.tlsCalls ?? 0) > 0 && view.of(goPlain.pid)?.state === 'plaintext' && view.of(nodeTls.pid)?.state === 'openssl');
    assert.equal(view.of(goStripped.pid)?.state, 'unreadable');
    assert.equal(view.of(goStripped.pid)?.tlsCalls, 0);
    // No library to name: the kernel saw its TLS records, the loader reported them (next rescan).
    await view.until('the report to name the server with an unknown TLS stack as unreadable', () => view.of(anonymous.pid)?.state === 'unreadable');
    assert.equal(view.of(anonymous.pid)?.library, undefined);
    assert.match(view.of(anonymous.pid)?.reason ?? '', /no TLS library the sensor can hook/);


    const health = new URL(sensor.url.replace(/^ws/, 'http'));
    health.pathname = '/healthz';
    health.search = 'detail=1';
    assert.equal((await fetch(health)).status, 401);
    const detail = (await (await fetch(health, { headers: { Authorization: `Bearer ${sensor.token}` } })).json()) as { visibility: ProcessVisibility[] };
    const stateOf = (pid: number | undefined): string | undefined => detail.visibility.find((p) => p.pid === pid)?.state;
    assert.deepEqual([stateOf(goTls.pid), stateOf(goStripped.pid), stateOf(goPlain.pid), stateOf(nodeTls.pid)], ['go-tls', 'unreadable', 'plaintext', 'openssl']);
    view.close();

    // The engine's own sensor connection keeps the report for the Sensors view.
    let changed!: () => void;
    const hubSaw = new Promise<void>((resolve) => (changed = resolve));
    const pids = [goTls.pid, goStripped.pid, goPlain.pid, nodeTls.pid];
    const hub: SensorHub = new SensorHub({
      transactions: () => undefined,
      log: () => undefined,
      changed: () => {
        const v = hub.statuses()[0]?.visibility ?? [];
        if (pids.every((pid) => v.some((p) => p.pid === pid))) changed();
      },
    });
    try {
      hub.set([{ url: sensor.url, token: sensor.token }]);
      const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out after 10 s waiting for the engine\'s SensorHub to hold the visibility report')), 10_000).unref());
      await Promise.race([hubSaw, deadline]);
      const held = hub.statuses()[0]?.visibility ?? [];
      assert.deepEqual(pids.map((pid) => held.find((p) => p.pid === pid)?.state), ['go-tls', 'unreadable', 'plaintext', 'openssl']);
    } finally {
      hub.dispose();
    }

    // A Go program that appears after the sensor started, from a file it has never seen (another
    // inode): found by the periodic rescan, attached, and its exchange seen once. It takes over
    // the plaintext server's port, one of those the sensor traces.
    goPlain.kill('SIGTERM');
    await once(goPlain, 'exit');
    const lateBinary = join(dir, 'gotls-late');
    copyFileSync(go.binary, lateBinary);
    const late = start(lateBinary, ['serve', '-addr', `127.0.0.1:${plainPort}`, '-cert', cert, '-key', key]);
    await portOf(late);
    const view2 = await SensorView.open(sensor, ports);
    await view2.until('the rescan to find the Go server started after the sensor', () => view2.of(late.pid)?.state === 'go-tls');
    await get(go.binary, `https://127.0.0.1:${plainPort}/late`);
    await view2.until('the late Go server\'s exchange', () => view2.transactions.some((x) => x.request.path === '/late'));
    assert.deepEqual(view2.transactions.filter((x) => x.server.pid === late.pid).map(line), ['plain GET /late 200 tls=true 2']);
    view2.close();
  } finally {
    await sensor?.stop();
    await stopChildren(procs.reverse());
    rmSync(dir, { recursive: true, force: true });
  }
});

// The plan for Go code of another shape (a probe on each function's first instruction and on
// every RET, single-stepped and slow, see docs/capture.md) is what other Go versions may get:
// forced here on the fixture, it must capture the same exchanges.
test('the general Go probe plan (TAPLINE_GO_PROBES=general: first instruction and every RET) captures the same exchanges', { timeout: 90_000 }, async (t) => {
  const r = rig(t);
  if (!r) return;
  let sensor: SensorProcess | undefined;
  process.env.TAPLINE_GO_PROBES = 'general'; // inherited by the sensor, then its loader
  try {
    const server = r.start(r.go.binary, ['serve', '-cert', r.cert, '-key', r.key]);
    const port = await portOf(server);
    sensor = await startSensorProcess(join(r.dir, 'token'), ['--listen', '127.0.0.1:0', '--port', String(port)]);
    const view = await SensorView.open(sensor, new Set([port]));
    await view.until('the Go server to be hooked', () => view.of(server.pid)?.state === 'go-tls');
    await goGet(r.go.binary, `https://127.0.0.1:${port}/orders`, '-method', 'POST', '-n', '2');
    await sendUploads(r.go.binary, port);
    await goGet(r.go.binary, `https://127.0.0.1:${port}/last`);
    await view.until('the last exchange', () => view.transactions.some((x) => x.request.path === '/last'));
    assert.deepEqual(view.transactions.map((x) => `${x.request.method} ${x.request.path} ${x.response?.status} ${x.httpVersion}`).sort(), [
      'GET /last 200 2',
      'POST /orders 200 2',
      'POST /orders 200 2',
      'PUT /upload 200 2',
      'PUT /upload-h1 200 1.1',
    ]);
    assert.deepEqual(view.transactions.filter((x) => x.request.method === 'POST').map((x) => x.request.body?.text).sort(), ['{"i":0}', '{"i":1}']);
    checkUploads(view.transactions);
    view.close();
  } finally {
    delete process.env.TAPLINE_GO_PROBES;
    await sensor?.stop();
    await stopChildren(r.procs.reverse());
    rmSync(r.dir, { recursive: true, force: true });
  }
});

// A wss:// sensor with a self-signed certificate (made by openssl), trusted by the engine exactly
// when its SHA-256 is pinned in the sensor's `certificateFingerprint`: the real sensor process
// and the real language server (CONNECT_SENSOR, as the extension sends it). Unpinned, mispinned
// and malformed pins are refused with a reason naming the certificate; an impostor holding
// another certificate never receives a byte of the upgrade request (the token stays home).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { CONNECT_SENSOR, SNAPSHOT, type EngineSnapshot, type SensorConnection, type SensorStatus } from '../../core/src/messages';
import { SensorClient, type SensorState } from '../../server/src/engine/sensor-client';
import { startSensorProcess } from '../support/sensor-process';
import { LspTestClient } from './lsp-client';

const HAR = join(__dirname, '..', 'fixtures', 'har', 'devtools-export.har');

function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function selfSigned(dir: string, name: string): { cert: string; key: string; fingerprint: string } {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${name}`, '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  // As a user copies it: "sha256 Fingerprint=AB:CD:…".
  const fingerprint = execFileSync('openssl', ['x509', '-in', cert, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' }).trim();
  return { cert, key, fingerprint };
}

function hexOf(fingerprint: string): string {
  return fingerprint.replace(/^.*=/, '').replace(/:/g, '').toLowerCase();
}

async function connect(lsp: LspTestClient, sensor: SensorConnection): Promise<SensorStatus> {
  return lsp.connection.sendRequest(CONNECT_SENSOR.method, { sensor, waitMs: 15_000 });
}

/** The engine's snapshot once it holds a service, rechecked at each tapline/changed notification. */
async function servicesSeen(lsp: LspTestClient): Promise<EngineSnapshot> {
  for (;;) {
    lsp.notifications.delete('tapline/changed');
    const snapshot = await lsp.connection.sendRequest<EngineSnapshot>(SNAPSHOT.method, {});
    if (snapshot.inventory.services.length > 0) return snapshot;
    await lsp.until(() => lsp.notifications.has('tapline/changed'), 'the engine to report traffic from the pinned sensor', 15_000);
  }
}

test('wss:// with a self-signed certificate: the engine connects only when its fingerprint is pinned', async (t) => {
  if (!haveOpenssl() && process.env.CI !== 'true') return t.skip('openssl is not installed (scripts/setup-system.sh installs it)');
  const dir = mkdtempSync(join(tmpdir(), 'tapline-pin-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const real = selfSigned(dir, 'tapline-sensor');
  const other = selfSigned(dir, 'impostor');
  const sensor = await startSensorProcess(join(dir, 'token'), ['--listen', '127.0.0.1:0', '--tls-cert', real.cert, '--tls-key', real.key, '--replay', HAR, '--name', 'pinned-sensor']);
  t.after(() => sensor.stop());
  assert.match(sensor.url, /^wss:\/\/127\.0\.0\.1:\d+\/v1\/stream$/);
  const lsp = new LspTestClient();
  t.after(() => lsp.shutdown());
  await lsp.initialize();

  const unpinned = await connect(lsp, { url: sensor.url, token: sensor.token, name: 'unpinned' });
  assert.equal(unpinned.state, 'retrying');
  assert.match(unpinned.detail, /certificate is not trusted \(.*SELF_SIGNED|self.signed/i);
  assert.ok(unpinned.detail.includes(real.fingerprint.replace(/^.*=/, '')), `the refusal names the presented fingerprint: ${unpinned.detail}`);

  const mispinned = await connect(lsp, { url: sensor.url, token: sensor.token, name: 'mispinned', certificateFingerprint: other.fingerprint });
  assert.equal(mispinned.state, 'retrying');
  assert.match(mispinned.detail, new RegExp(`certificate \\(SHA-256 ${hexOf(real.fingerprint).slice(0, 16)}…\\) is not the pinned one \\(${hexOf(other.fingerprint).slice(0, 16)}…\\)`));

  const malformed = await connect(lsp, { url: sensor.url, token: sensor.token, name: 'malformed', certificateFingerprint: 'AB:CD:EF' });
  assert.equal(malformed.state, 'retrying');
  assert.match(malformed.detail, /pinned fingerprint "AB:CD:EF" is not a SHA-256 fingerprint/);

  // Pinned in the spelling openssl prints; a plain lower-case hex pin is the same pin.
  const pinned = await connect(lsp, { url: sensor.url, token: sensor.token, name: 'pinned', certificateFingerprint: real.fingerprint });
  assert.equal(pinned.state, 'live', pinned.detail);
  assert.equal(pinned.sensorName, 'pinned-sensor');
  const snapshot = await servicesSeen(lsp);
  assert.ok(snapshot.inventory.services.length > 0, 'the replayed traffic arrived over the pinned connection');
  const hex = await connect(lsp, { url: sensor.url, token: sensor.token, name: 'pinned', certificateFingerprint: hexOf(real.fingerprint) });
  assert.equal(hex.state, 'live', hex.detail);
});

test('an impostor with another certificate gets no byte of the upgrade request, so never the token', async (t) => {
  if (!haveOpenssl() && process.env.CI !== 'true') return t.skip('openssl is not installed (scripts/setup-system.sh installs it)');
  const dir = mkdtempSync(join(tmpdir(), 'tapline-pin-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const real = selfSigned(dir, 'tapline-sensor');
  const other = selfSigned(dir, 'impostor');
  let received = 0;
  let markClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  const impostor = createTlsServer({ cert: readFileSync(other.cert), key: readFileSync(other.key) }, (socket) => {
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.on('error', () => undefined);
    socket.once('close', () => markClosed());
  });
  // The client drops the connection as soon as it has judged the certificate, often before its
  // own Finished leaves: the impostor then sees a failed handshake rather than a connection.
  impostor.once('tlsClientError', () => markClosed());
  impostor.listen(0, '127.0.0.1');
  await once(impostor, 'listening');
  t.after(() => impostor.close());
  const port = (impostor.address() as AddressInfo).port;

  const client = new SensorClient({ url: `wss://127.0.0.1:${port}`, token: 'the-secret-token-0000000000', certificateFingerprint: real.fingerprint, maxAttempts: 1 });
  const failed = new Promise<SensorState>((resolve) => client.on('state', (s) => s.kind === 'failed' && resolve(s)));
  client.start();
  const state = await failed;
  client.stop();
  assert.equal(state.kind, 'failed');
  if (state.kind === 'failed') assert.match(state.reason, /is not the pinned one/);
  // The impostor's certificate was seen and judged, then the connection closed without one byte of HTTP.
  await closed;
  assert.equal(received, 0, 'the impostor received part of the upgrade request');
});

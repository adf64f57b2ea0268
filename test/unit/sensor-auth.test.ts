// The sensor's door: bad tokens slowed down and logged (sensor/src/server/auth.ts), TLS with a
// self-signed certificate the client trusts by its pinned SHA-256 fingerprint
// (core/src/protocol/fingerprint.ts), tried against the real StreamServer over wss:// with a
// certificate made by openssl.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { WebSocket } from 'ws';
import { BadTokenThrottle, bearerMatches } from '../../sensor/src/server/auth';
import { StreamServer } from '../../sensor/src/server/stream-server';
import type { VisibilityMessage } from '../../core/src/protocol/visibility';
import { checkPinnedFingerprint, normalizeFingerprint } from '../../core/src/protocol/fingerprint';

test('bearer tokens: exact match only, whatever the length or case of the scheme', () => {
  const token = 'a'.repeat(43);
  assert.equal(bearerMatches(`Bearer ${token}`, token), true);
  assert.equal(bearerMatches(`bearer ${token}`, token), true);
  for (const bad of [undefined, '', 'Bearer', `Bearer ${token}x`, `Bearer ${token.slice(1)}`, `Basic ${token}`, `Bearer  ${token} extra`]) assert.equal(bearerMatches(bad, token), false, String(bad));
});

test('bad tokens: the delay doubles per address up to a cap, logs on the 1st, 2nd, 4th, 8th…, forgets after the window', () => {
  const t = new BadTokenThrottle({ baseMs: 250, maxMs: 4000, windowMs: 60_000, maxAddresses: 3 });
  const seen = Array.from({ length: 9 }, (_, i) => t.fail('10.0.0.1', 1000 + i));
  assert.deepEqual(seen.map((s) => s.delayMs), [250, 500, 1000, 2000, 4000, 4000, 4000, 4000, 4000]);
  assert.deepEqual(seen.map((s) => s.log !== undefined), [true, true, false, true, false, false, false, true, false]);
  assert.match(seen[3]!.log!, /bad token from 10\.0\.0\.1: 4 in a row, answering after 2000 ms/);
  assert.equal(t.fail('10.0.0.2', 2000).delayMs, 250, 'other addresses are not slowed by this one');
  assert.equal(t.fail('10.0.0.1', 1000 + 9 + 60_001).delayMs, 250, 'forgotten after the window');
  t.succeed('10.0.0.1');
  assert.equal(t.fail('10.0.0.1', 70_000).delayMs, 250, 'a good token resets its address');
  for (let i = 0; i < 100; i++) t.fail(`10.1.0.${i}`, 80_000);
  assert.equal(t.tracked, 3, 'a spray of addresses stays bounded');
});

test('pinned fingerprints: every usual spelling, mismatches and malformed pins explained', () => {
  const hex = 'ab'.repeat(32);
  const colons = hex.toUpperCase().match(/../g)!.join(':');
  for (const spelling of [hex, colons, `SHA256 Fingerprint=${colons}`, `sha256/${colons}`, ` ${colons}\n`]) assert.equal(normalizeFingerprint(spelling), hex, spelling);
  assert.deepEqual(checkPinnedFingerprint(colons, hex), { ok: true });
  const other = checkPinnedFingerprint('cd'.repeat(32), hex);
  assert.equal(other.ok, false);
  if (!other.ok) assert.match(other.reason, /is not the pinned one/);
  const malformed = checkPinnedFingerprint(colons, 'AB:CD');
  assert.equal(malformed.ok, false);
  if (!malformed.ok) assert.match(malformed.reason, /not a SHA-256 fingerprint/);
  assert.equal(checkPinnedFingerprint(undefined, hex).ok, false);
});

function selfSigned(dir: string): { cert: Buffer; key: Buffer; fingerprint: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=tapline-sensor', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const fingerprint = execFileSync('openssl', ['x509', '-in', cert, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
  return { cert: readFileSync(cert), key: readFileSync(key), fingerprint };
}

/**
 * The real StreamServer over wss:// with a certificate openssl made for this test, bad tokens
 * slowed from `baseMs`; undefined (the test skipped) outside CI where openssl is missing.
 */
async function tlsServer(
  t: TestContext,
  token: string,
  opts: { baseMs: number; mode: 'replay' | 'ebpf'; visibility?: () => VisibilityMessage },
): Promise<{ port: number; fingerprint: string; logs: string[] } | undefined> {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    if (process.env.CI !== 'true') return void t.skip('openssl is not installed (scripts/setup-system.sh installs it)');
  }
  const dir = mkdtempSync(join(tmpdir(), 'tapline-auth-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { cert, key, fingerprint } = selfSigned(dir);
  const logs: string[] = [];
  const server = new StreamServer({
    host: '127.0.0.1', port: 0, token, tls: { cert, key },
    hello: () => ({ type: 'hello', protocol: 'tapline/1', sensor: { id: 's1', name: 'test', version: '0.1.0', hostname: 'h', mode: opts.mode }, capabilities: ['redaction'], serverTime: Date.now(), maxBodyBytes: 1024 }),
    counters: () => ({ transactions: 0, capturedEvents: 0, capturedBytes: 0, droppedEvents: 0, parseErrors: 0, redactions: 0, truncated: 0, deduplicated: 0, activeConnections: 0 }),
    ...(opts.visibility ? { visibility: opts.visibility } : {}),
    log: (m) => logs.push(m),
    badTokens: { baseMs: opts.baseMs, maxMs: opts.baseMs * 10, windowMs: 60_000, maxAddresses: 16 },
  });
  const { port } = await server.listen();
  t.after(() => server.close());
  return { port, fingerprint, logs };
}

/** Opens a wss:// connection trusting only the pinned fingerprint; resolves with the HTTP status or 101. */
function connect(url: string, token: string, pinned: string): Promise<{ status: number; pin: string }> {
  return new Promise((resolve, reject) => {
    let pin = 'not checked';
    const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` }, rejectUnauthorized: false });
    ws.once('upgrade', (res) => {
      const check = checkPinnedFingerprint((res.socket as TLSSocket).getPeerCertificate().fingerprint256, pinned);
      pin = check.ok ? 'pinned' : check.reason;
    });
    ws.once('open', () => {
      ws.close();
      resolve({ status: 101, pin });
    });
    ws.once('unexpected-response', (req, res) => {
      const check = checkPinnedFingerprint((res.socket as TLSSocket).getPeerCertificate().fingerprint256, pinned);
      req.destroy();
      resolve({ status: res.statusCode ?? 0, pin: check.ok ? 'pinned' : check.reason });
    });
    ws.once('error', reject);
  });
}

test('the real stream server over wss:// with a self-signed certificate: pinned, bad tokens logged and slowed', async (t) => {
  const token = 'k'.repeat(43);
  const tls = await tlsServer(t, token, { baseMs: 20, mode: 'replay' });
  if (!tls) return;
  const { port, fingerprint, logs } = tls;
  const url = `wss://127.0.0.1:${port}/v1/stream`;

  for (let i = 0; i < 4; i++) assert.deepEqual(await connect(url, 'wrong-token-guess-0000000000', fingerprint), { status: 401, pin: 'pinned' });
  assert.deepEqual(logs.filter((l) => l.startsWith('bad token')), [
    'bad token from 127.0.0.1: 1 in a row, answering after 20 ms (/v1/stream)',
    'bad token from 127.0.0.1: 2 in a row, answering after 40 ms (/v1/stream)',
    'bad token from 127.0.0.1: 4 in a row, answering after 160 ms (/v1/stream)',
  ]);
  assert.deepEqual(await connect(url, token, fingerprint), { status: 101, pin: 'pinned' });
  const wrongPin = await connect(url, token, 'ab'.repeat(32));
  assert.match(wrongPin.pin, /is not the pinned one/);
});

/** GET over https trusting only the pinned certificate's fingerprint; resolves with status, body and how long the answer took. */
function httpsGet(url: string, headers: Record<string, string>, pinned: string): Promise<{ status: number; body: string; pin: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = httpsRequest(url, { headers, rejectUnauthorized: false, agent: false }, (res) => {
      const check = checkPinnedFingerprint((res.socket as TLSSocket).getPeerCertificate().fingerprint256, pinned);
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, pin: check.ok ? 'pinned' : check.reason, ms: performance.now() - started }));
    });
    req.once('error', reject);
    req.end();
  });
}

test('/healthz?detail=1: bad tokens are slowed and logged like the stream, sharing its count; plain /healthz stays open', async (t) => {
  const token = 'h'.repeat(43);
  const tls = await tlsServer(t, token, {
    baseMs: 40,
    mode: 'ebpf',
    visibility: (): VisibilityMessage => ({ type: 'visibility', at: Date.now(), processes: [{ pid: 4242, comm: 'secret-service', state: 'plaintext', reason: 'seen in the clear', plaintextCalls: 1, tlsCalls: 0 }] }),
  });
  if (!tls) return;
  const { port, fingerprint, logs } = tls;
  const base = `https://127.0.0.1:${port}`;

  const open = await httpsGet(`${base}/healthz`, {}, fingerprint);
  assert.deepEqual([open.status, open.body], [200, 'ok\n'], 'the plain probe needs no token');
  const delays = [40, 80, 160];
  const refused: Array<Record<string, string>> = [{}, { Authorization: 'Bearer wrong-token-guess-0000000000' }, { Authorization: `Basic ${token}` }];
  for (const [i, header] of refused.entries()) {
    const r = await httpsGet(`${base}/healthz?detail=1`, header, fingerprint);
    assert.equal(r.status, 401, `attempt ${i + 1}`);
    assert.equal(r.body, '', 'a refused detail request reveals nothing');
    assert.ok(r.ms >= delays[i]! - 5, `attempt ${i + 1} answered after ${r.ms.toFixed(0)} ms, not held for ${delays[i]} ms`);
  }
  // The stream door shares the address's count: the 4th failure overall is logged there.
  assert.equal((await connect(`wss://127.0.0.1:${port}/v1/stream`, 'wrong-token-guess-0000000000', fingerprint)).status, 401);
  assert.deepEqual(logs.filter((l) => l.startsWith('bad token')), [
    'bad token from 127.0.0.1: 1 in a row, answering after 40 ms (/healthz?detail=1)',
    'bad token from 127.0.0.1: 2 in a row, answering after 80 ms (/healthz?detail=1)',
    'bad token from 127.0.0.1: 4 in a row, answering after 320 ms (/v1/stream)',
  ]);
  const good = await httpsGet(`${base}/healthz?detail=1`, { Authorization: `Bearer ${token}` }, fingerprint);
  assert.equal(good.status, 200);
  assert.equal(good.pin, 'pinned');
  assert.equal((JSON.parse(good.body) as { visibility: Array<{ comm: string }> }).visibility[0]?.comm, 'secret-service');
  const afterReset = await httpsGet(`${base}/healthz?detail=1`, { Authorization: 'Bearer nope-nope-nope-nope' }, fingerprint);
  assert.equal(afterReset.status, 401);
  assert.equal(logs.at(-1), 'bad token from 127.0.0.1: 1 in a row, answering after 40 ms (/healthz?detail=1)', 'a right token reset the count');
});

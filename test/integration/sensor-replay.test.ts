// The real `tapline-sensor` (dist/sensor.js) in replay mode on loopback, spoken to with `ws` like any client.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import WebSocket from 'ws';
import { chromium } from 'playwright-core';
import { parseSensorMessage } from '../../core/src/protocol/validate-messages';
import type { SensorMessage } from '../../core/src/protocol/messages';
import type { Transaction } from '../../core/src/protocol/transaction';
import { runSensorToExit, startSensorProcess, type SensorProcess } from '../support/sensor-process';

const ROOT = join(__dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'har');
const dir = mkdtempSync(join(tmpdir(), 'tapline-sensor-'));

interface Sensor extends SensorProcess {
  port: number;
  tokenFile: string;
}

/** The real sensor (dist/sensor.js, through the one helper in test/support) on a loopback port of its choosing. */
async function startSensor(extra: string[], tokenFile = join(dir, `token-${Math.random().toString(36).slice(2)}`)): Promise<Sensor> {
  const sensor = await startSensorProcess(tokenFile, ['--listen', '127.0.0.1:0', ...extra]);
  return { ...sensor, port: Number(/:(\d+)\//.exec(sensor.url)?.[1]), tokenFile };
}

const runCli = runSensorToExit;

/** A client that collects validated messages and lets a test wait for one that matches. */
class Client {
  readonly messages: SensorMessage[] = [];
  readonly invalid: string[] = [];
  private waiters: Array<() => void> = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const r = parseSensorMessage(data.toString());
      if (r.ok) this.messages.push(r.value);
      else this.invalid.push(data.toString().slice(0, 200));
      for (const w of this.waiters.splice(0)) w();
    });
  }
  get transactions(): Transaction[] {
    return this.messages.flatMap((m) => (m.type === 'transactions' ? m.items : []));
  }
  async until(pred: () => boolean, what: string): Promise<void> {
    while (!pred()) {
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`closed while waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        this.ws.once('close', () => resolve());
      });
    }
  }
}

async function connect(s: Sensor, token = s.token, opts: WebSocket.ClientOptions = {}): Promise<Client> {
  const ws = new WebSocket(s.url, { headers: { Authorization: `Bearer ${token}` }, ...opts });
  const client = new Client(ws);
  await once(ws, 'open');
  return client;
}

function refusedStatus(s: Sensor, headers: Record<string, string>): Promise<number> {
  const ws = new WebSocket(s.url, { headers });
  return new Promise((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => reject(new Error('upgrade accepted')));
    ws.on('error', () => undefined);
  });
}

let devtools: Sensor;

before(async () => {
  devtools = await startSensor(['--replay', join(FIXTURES, 'devtools-export.har'), '--stats-interval-ms', '100']);
});

after(async () => {
  await devtools?.stop();
});

test('token file is created with a fresh token, mode 0600', () => {
  assert.equal(statSync(devtools.tokenFile).mode & 0o777, 0o600);
  assert.ok(devtools.token.length >= 32);
});

test('upgrade without a token or with a wrong one: 401 and nothing else', async () => {
  assert.equal(await refusedStatus(devtools, {}), 401);
  assert.equal(await refusedStatus(devtools, { Authorization: 'Bearer wrong-token-wrong-token' }), 401);
  assert.equal(await refusedStatus(devtools, { Authorization: `Basic ${devtools.token}` }), 401);
  // Byte-exact: the raw answer is the 401 head, with no body and no frames after it.
  const sock = net.connect(devtools.port, '127.0.0.1');
  sock.write('GET /v1/stream HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
  let raw = '';
  sock.on('data', (d) => (raw += d.toString('latin1')));
  await once(sock, 'close');
  assert.match(raw, /^HTTP\/1\.1 401 Unauthorized\r\n/);
  assert.ok(raw.endsWith('\r\n\r\n'));
  assert.doesNotMatch(raw, /tapline|hello|transactions/i);
});

test('GET /healthz answers 200 without a token and says nothing else', async () => {
  const res = await fetch(`http://127.0.0.1:${devtools.port}/healthz`);
  assert.equal(res.status, 200);
  assert.equal((await res.text()).trim(), 'ok');
  assert.equal((await fetch(`http://127.0.0.1:${devtools.port}/v1/other`)).status, 404);
});

test('hello first, then the HAR transactions, redacted; stats follow', async () => {
  const c = await connect(devtools);
  await c.until(() => c.transactions.length >= 3 && c.messages.some((m) => m.type === 'stats'), 'transactions and stats');
  assert.equal(c.messages[0]?.type, 'hello');
  const hello = c.messages[0];
  if (hello?.type === 'hello') {
    assert.equal(hello.protocol, 'tapline/1');
    assert.equal(hello.sensor.mode, 'replay');
  }
  assert.deepEqual(c.invalid, []);
  const txs = c.transactions;
  assert.deepEqual(txs.map((t) => `${t.request.method} ${t.request.path} ${t.request.query} ${t.response?.status ?? '-'}`), [
    'GET /api/v2/orders status=open&page=1 200',
    'POST /api/v2/orders  201',
    'GET /api/v2/slow  -',
  ]);
  assert.ok(txs.every((t) => t.origin === 'replay'));
  assert.equal(txs[0]!.response?.body?.text, '{"orders":[{"id":7,"owner":"[REDACTED:email]"}],"total":1}');
  assert.equal(txs[0]!.request.headers.find((h) => h.name === 'cookie')?.value, 'sid=[REDACTED:cookie]; theme=dark');
  assert.equal(txs[1]!.request.headers.find((h) => h.name === 'authorization')?.value, 'Bearer [REDACTED:authorization]');
  assert.ok(txs[0]!.redactions.some((r) => r.kind === 'email' && r.location === 'response.body' && r.name === '/orders/0/owner'));
  const stats = c.messages.find((m) => m.type === 'stats');
  if (stats?.type === 'stats') assert.ok(stats.counters.transactions >= 3 && stats.counters.redactions >= 3);
  c.ws.close();
});

test('garbage frames get an error message and nothing breaks', async () => {
  const c = await connect(devtools);
  await c.until(() => c.transactions.length >= 3, 'backlog');
  c.ws.send('this is not json');
  c.ws.send(Buffer.from([0, 1, 2, 255]));
  c.ws.send('{"type":"subscribe","filters":{"pids":["x"]}}');
  c.ws.send(JSON.stringify({ type: 'nonsense' }));
  await c.until(() => c.messages.filter((m) => m.type === 'error').length >= 4, 'four errors');
  const errors = c.messages.filter((m) => m.type === 'error');
  assert.ok(errors.every((e) => e.type === 'error' && e.code === 'bad-message'));
  assert.equal(c.ws.readyState, WebSocket.OPEN);
  // Still serving: another client connects and gets everything.
  const d = await connect(devtools);
  await d.until(() => d.transactions.length >= 3, 'second client backlog');
  d.ws.close();
  c.ws.close();
});

test('subscribe filters apply on the server; looped replay at a rate; dead clients are closed by heartbeats', async () => {
  const s = await startSensor(['--replay', join(FIXTURES, 'devtools-export.har'), '--replay-loop', '--replay-rate', '200', '--backlog', '0', '--heartbeat-ms', '100']);
  try {
    const c = await connect(s);
    c.ws.send(JSON.stringify({ type: 'subscribe', filters: { methods: ['POST'], includeBodies: false } }));
    // Transactions queued before the subscribe was applied may still arrive; the replay mixes
    // GET and POST, so six bodiless POSTs in a row can only come from the filter.
    const filtered = (t: Transaction): boolean => t.request.method === 'POST' && t.request.body === undefined && t.response?.body === undefined;
    await c.until(() => c.transactions.length >= 6 && c.transactions.slice(-6).every(filtered), 'six filtered POSTs in a row');
    assert.equal(new Set(c.transactions.map((t) => t.id)).size, c.transactions.length);
    c.ws.close();
    const dead = await connect(s, s.token, { autoPong: false });
    const [code] = (await once(dead.ws, 'close')) as [number];
    assert.equal(code, 1006);
  } finally {
    await s.stop();
  }
});

test('CLI errors: bad flags (2), port in use (3), unusable HAR (5), missing TLS key (2)', async () => {
  const bad = await runCli(['--listen', 'nowhere']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  const inUse = await runCli(['--listen', `127.0.0.1:${devtools.port}`, '--token-file', join(dir, 't-inuse'), '--replay', join(FIXTURES, 'devtools-export.har')]);
  assert.equal(inUse.code, 3);
  assert.match(inUse.stderr, /already in use/);
  const junk = join(dir, 'junk.har');
  writeFileSync(junk, '{"log":{}}');
  const badHar = await runCli(['--listen', '127.0.0.1:0', '--token-file', join(dir, 't-junk'), '--replay', junk]);
  assert.equal(badHar.code, 5);
  assert.match(badHar.stderr, /\$\.log\.entries/);
  const tls = await runCli(['--tls-cert', 'x.pem']);
  assert.equal(tls.code, 2);
  const help = await runCli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--listen HOST:PORT/);
});

test('a HAR recorded by Chromium (playwright recordHar) against a local server replays as transactions', async () => {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      // Each body is read before the next call: Chromium records a response body in the HAR
      // only once the page has received it, and the test waits on the title set after the last one.
      res.end(`<script>(async () => {
        await (await fetch('/api/pets?limit=2', { headers: { 'X-Api-Key': 'k-123' } })).text();
        await (await fetch('/api/pets', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"Rex","owner":"sam@example.org"}' })).text();
        await (await fetch('/api/pets/gz')).text();
        await (await fetch('/api/pets/1', { method: 'DELETE' })).text();
        document.title = 'done';
      })();</script>`);
    } else if (path === '/api/pets' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[{"id":1,"name":"Rex"}]');
    } else if (path === '/api/pets') {
      req.resume();
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end('{"id":2}');
      });
    } else if (path === '/api/pets/gz') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync('{"zipped":true}'));
    } else {
      res.writeHead(204);
      res.end();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const harPath = join(dir, 'recorded.har');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    const ctx = await browser.newContext({ recordHar: { path: harPath, content: 'embed' } });
    const page = await ctx.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => document.title === 'done');
    await ctx.close();
  } finally {
    await browser.close();
    server.close();
  }
  const s = await startSensor(['--replay', harPath]);
  try {
    const c = await connect(s);
    await c.until(() => c.transactions.length >= 5, 'recorded transactions');
    const seen = c.transactions.map((t) => `${t.request.method} ${t.request.path} ${t.response?.status}`);
    assert.deepEqual(seen, ['GET / 200', 'GET /api/pets 200', 'POST /api/pets 201', 'GET /api/pets/gz 200', 'DELETE /api/pets/1 204']);
    const [, list, create, gz] = c.transactions;
    assert.equal(list!.request.query, 'limit=2');
    assert.equal(list!.request.headers.find((h) => h.name.toLowerCase() === 'x-api-key')?.value, '[REDACTED:api-key]');
    assert.equal(create!.request.body?.text, '{"name":"Rex","owner":"[REDACTED:email]"}');
    assert.equal(gz!.response?.body?.text, '{"zipped":true}');
    assert.equal(gz!.service, `127.0.0.1:${port}`);
    c.ws.close();
  } finally {
    await s.stop();
  }
});

// The real sensor capturing real loopback HTTP with eBPF (root, Linux): a Node server and Node
// clients in their own processes exchange a known set of requests; a WebSocket client of the
// sensor must receive exactly those transactions, each once, right and redacted, and nothing
// about the sensor's own WebSocket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { TLS_CERT, TLS_KEY, lineFrom, stopChildren } from './ebpf-helpers';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { parseSensorMessage } from '../../core/src/protocol/validate-messages';
import type { Transaction } from '../../core/src/protocol/transaction';

const ROOT = join(__dirname, '..', '..');
const LOADER = join(ROOT, 'sensor', 'bpf', 'build', 'tapline-loader');
const MAX_BODY = 65536;

function skipReason(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux';
  if (process.getuid?.() !== 0) return 'needs root (eBPF)';
  if (!existsSync(LOADER)) return 'needs the eBPF loader (npm run build)';
  return undefined;
}

// The traced server: JSON, chunked, gzip, 1 MiB, HEAD, 204, and an e-mail in a body.
const SERVER = `
const http = require('node:http');
const zlib = require('node:zlib');
const big = Buffer.alloc(1 << 20, 0x61);
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const p = url.pathname;
  if (p === '/echo') {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => { res.writeHead(201, { 'content-type': 'application/json' }); res.end(Buffer.concat(chunks)); });
    return;
  }
  if (p === '/chunked') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"parts":['); res.write('1,2,'); res.end('3]}');
    return;
  }
  if (p === '/gzip') {
    const body = zlib.gzipSync(JSON.stringify({ zipped: true, n: 42 }));
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.length });
    res.end(body);
    return;
  }
  if (p === '/big') { res.writeHead(200, { 'content-type': 'text/plain', 'content-length': big.length }); res.end(big); return; }
  if (p.startsWith('/item/') && req.method === 'DELETE') { res.writeHead(204); res.end(); return; }
  if (p === '/secret') { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ owner: 'alice@example.com' })); return; }
  const body = JSON.stringify({ path: p, query: url.search });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write('port ' + server.address().port + '\\n'));
`;

// The traced clients, in their own process: every exchange of the known set, then /done.
const CLIENT = `
const http = require('node:http');
const net = require('node:net');
const port = Number(process.argv[1]);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function req(method, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const r = http.request({ host: '127.0.0.1', port, method, path, agent, headers: { ...headers, ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) } }, (res) => {
      res.resume(); res.on('end', resolve);
    });
    r.on('error', reject);
    r.end(body);
  });
}
function pipelined() {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (d) => { got += d; if ((got.match(/HTTP\\/1\\.1 200/g) || []).length === 3) { s.end(); resolve(); } });
    s.on('error', reject);
    s.write('GET /p/1 HTTP/1.1\\r\\nHost: x\\r\\n\\r\\nGET /p/2 HTTP/1.1\\r\\nHost: x\\r\\n\\r\\nGET /p/3 HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n');
  });
}
(async () => {
  await req('GET', '/json?x=1');
  await req('POST', '/echo', JSON.stringify({ hello: 'world' }));
  await req('GET', '/chunked');
  await req('GET', '/gzip');
  for (let i = 0; i < 20; i++) await req('GET', '/ka/' + i);
  await pipelined();
  await req('GET', '/big');
  await req('HEAD', '/json');
  await req('DELETE', '/item/1');
  await req('GET', '/secret', undefined, { Authorization: 'Bearer very-secret-token' });
  await req('GET', '/done');
  agent.destroy();
})().catch((e) => { console.error(e); process.exit(1); });
`;


test('live eBPF capture on loopback: exactly the exchanged transactions, once each, redacted', { timeout: 60_000 }, async (t) => {
  const reason = skipReason();
  if (reason) {
    if (process.env.CI === 'true') assert.fail(`cannot run in CI: ${reason}`);
    t.skip(reason);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tapline-ebpf-'));
  const tokenFile = join(dir, 'token');
  const procs: ChildProcess[] = [];
  try {
    const server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(server);
    const serverPort = Number((await lineFrom(server, /port (\d+)/))[1]);

    const sensor = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'sensor/src/main.ts'), '--listen', '127.0.0.1:0', '--token-file', tokenFile, '--max-body', String(MAX_BODY)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(sensor);
    const url = (await lineFrom(sensor, /listening on (ws:\/\/\S+)/))[1] ?? '';
    const sensorPort = Number(/:(\d+)\//.exec(url)?.[1]);
    const token = readFileSync(tokenFile, 'utf8').trim();

    const all: Transaction[] = [];
    const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` } });
    let sawDone!: () => void;
    const done = new Promise<void>((resolve) => (sawDone = resolve));
    ws.on('message', (data) => {
      const m = parseSensorMessage(data.toString());
      assert.ok(m.ok, 'every sensor message validates');
      if (m.value.type !== 'transactions') return;
      all.push(...m.value.items);
      if (m.value.items.some((x) => x.server.port === serverPort && x.request.path === '/done')) sawDone();
    });
    await once(ws, 'open');

    const client = spawn(process.execPath, ['-e', CLIENT, String(serverPort)], { stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(client);
    const [code] = (await once(client, 'exit')) as [number];
    assert.equal(code, 0);
    await done;
    ws.close();

    const ours = all.filter((x) => x.server.port === serverPort);
    const expected = [
      'GET /json x=1 200', 'POST /echo  201', 'GET /chunked  200', 'GET /gzip  200',
      ...Array.from({ length: 20 }, (_, i) => `GET /ka/${i}  200`),
      'GET /p/1  200', 'GET /p/2  200', 'GET /p/3  200',
      'GET /big  200', 'HEAD /json  200', 'DELETE /item/1  204', 'GET /secret  200', 'GET /done  200',
    ];
    assert.deepEqual(ours.map((x) => `${x.request.method} ${x.request.path} ${x.request.query} ${x.response?.status}`).sort(), [...expected].sort());

    const by = (path: string): Transaction => ours.find((x) => x.request.path === path) as Transaction;
    const json = by('/json');
    assert.equal(json.response?.body?.text, '{"path":"/json","query":"?x=1"}');
    assert.equal(json.server.process, 'node');
    assert.equal(json.tls, false);
    assert.equal(by('/echo').request.body?.text, '{"hello":"world"}');
    assert.equal(by('/echo').response?.body?.text, '{"hello":"world"}');
    assert.equal(by('/chunked').response?.body?.text, '{"parts":[1,2,3]}');
    assert.equal(by('/gzip').response?.body?.text, '{"zipped":true,"n":42}');
    assert.equal(by('/gzip').response?.body?.contentEncoding, 'gzip');
    const big = by('/big').response?.body;
    assert.equal(big?.truncated, true);
    assert.equal(big?.size, 1 << 20);
    assert.ok((big?.text?.length ?? 0) <= MAX_BODY && (big?.text?.length ?? 0) > 0);
    assert.equal(ours.find((x) => x.request.method === 'HEAD')?.response?.body, undefined);
    assert.equal(by('/item/1').response?.body, undefined);
    const secret = by('/secret');
    assert.equal(secret.request.headers.find((h) => h.name.toLowerCase() === 'authorization')?.value, 'Bearer [REDACTED:authorization]');
    assert.equal(secret.response?.body?.text, '{"owner":"[REDACTED:email]"}');
    assert.deepEqual(secret.redactions.map((r) => `${r.kind}@${r.location}`).sort(), ['authorization@request.header', 'email@response.body']);
    // Each once, from the server side, with the client process known when both ends were seen.
    assert.equal(new Set(ours.map((x) => x.id)).size, ours.length);
    assert.ok(ours.every((x) => x.server.pid === server.pid));
    assert.deepEqual([...new Set(ours.map((x) => `${x.client.pid}/${x.client.process}`))], [`${client.pid}/node`]);
    assert.ok(ours.every((x) => x.durationMs >= 0 && x.startedAt > Date.now() - 600_000));
    // Nothing about the sensor's own WebSocket or its health endpoint. The sensor captures the
    // whole machine: other sensors' streams (other tests, other users) are rightly reported, so
    // ours is told apart by its port, its Host and this process as the client, not by the path.
    const ownHost = new URL(url).host;
    const aboutOurs = (x: Transaction): boolean => x.server.port === sensorPort || x.client.pid === process.pid || x.request.headers.some((h) => h.name.toLowerCase() === 'host' && h.value === ownHost);
    assert.deepEqual(all.filter(aboutOurs), []);
  } finally {
    await stopChildren(procs.reverse());
  }
});

const TLS_SERVER = `
const https = require('node:https');
const fs = require('node:fs');
const server = https.createServer({ key: fs.readFileSync(process.argv[1]), cert: fs.readFileSync(process.argv[2]) }, (req, res) => {
  const body = JSON.stringify({ path: req.url, contact: 'bob@example.com' });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => process.stdout.write('port ' + server.address().port + '\\n'));
`;

const TLS_CLIENT = `
const https = require('node:https');
const port = Number(process.argv[1]);
function get(path) {
  return new Promise((resolve, reject) => {
    https.get({ host: '127.0.0.1', port, path, rejectUnauthorized: false }, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject);
  });
}
get('/secure?tls=1').then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
`;

test('HTTPS through the OpenSSL uprobes (node:https both sides, then curl), streamed over wss://', { timeout: 60_000 }, async (t) => {
  const reason = skipReason();
  if (reason) {
    if (process.env.CI === 'true') assert.fail(`cannot run in CI: ${reason}`);
    t.skip(reason);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tapline-ebpf-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  // The capture tests' self-signed certificate (CN=localhost, SAN 127.0.0.1), shared rather than duplicated.
  writeFileSync(key, TLS_KEY, { mode: 0o600 });
  writeFileSync(cert, TLS_CERT);
  const procs: ChildProcess[] = [];
  try {
    const server = spawn(process.execPath, ['-e', TLS_SERVER, key, cert], { stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(server);
    const serverPort = Number((await lineFrom(server, /port (\d+)/))[1]);
    const tokenFile = join(dir, 'token');
    const sensor = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'sensor/src/main.ts'), '--listen', '127.0.0.1:0', '--token-file', tokenFile, '--tls-cert', cert, '--tls-key', key], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(sensor);
    const url = (await lineFrom(sensor, /listening on (wss:\/\/\S+)/))[1] ?? '';
    const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${readFileSync(tokenFile, 'utf8').trim()}` }, ca: readFileSync(cert) });
    const seen: Transaction[] = [];
    let gotAll!: () => void;
    const all = new Promise<void>((resolve) => (gotAll = resolve));
    ws.on('message', (data) => {
      const m = parseSensorMessage(data.toString());
      if (!m.ok || m.value.type !== 'transactions') return;
      seen.push(...m.value.items.filter((x) => x.server.port === serverPort));
      if (seen.some((x) => x.request.path === '/from-curl')) gotAll();
    });
    await once(ws, 'open');
    const client = spawn(process.execPath, ['-e', TLS_CLIENT, String(serverPort)], { stdio: 'ignore' });
    procs.push(client);
    assert.equal(((await once(client, 'exit')) as [number])[0], 0);
    // curl after the node client: its transaction arriving means the node one was handled before it.
    execFileSync('curl', ['-sk', '-o', '/dev/null', `https://127.0.0.1:${serverPort}/from-curl?via=curl`]);
    await all;
    ws.close();
    assert.deepEqual(seen.map((x) => `${x.request.method} ${x.request.path} ${x.request.query} ${x.response?.status} ${x.tls}`), ['GET /secure tls=1 200 true', 'GET /from-curl via=curl 200 true']);
    assert.equal(seen[0]!.response?.body?.text, '{"path":"/secure?tls=1","contact":"[REDACTED:email]"}');
    assert.ok(seen.every((x) => x.server.pid === server.pid));
  } finally {
    await stopChildren(procs.reverse());
  }
});

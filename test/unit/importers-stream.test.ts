// Streamed traffic inputs: HAR files read entry by entry (a generated ~50 MB file with bounded
// heap), nginx and Envoy JSON access logs and NDJSON transactions line by line, chunk boundaries
// anywhere (even inside a UTF-8 character), and `tapline diff --har/--log` on them with progress.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createTrafficReader, sniffFormat } from '../../core/src/importers/traffic-reader';
import type { Problem } from '../../core/src/protocol/check';
import type { Transaction } from '../../core/src/protocol/transaction';
import { runTapline } from '../support/cli';
import { writeBigHar } from '../support/big-har';
import { tx } from './diff-helpers';

const SPEC = 'test/fixtures/workspaces/petstore/openapi.yaml';

function collect(format: 'har' | 'lines', chunks: Array<string | Uint8Array>): { txs: Transaction[]; skipped: Problem[] } {
  const txs: Transaction[] = [];
  const skipped: Problem[] = [];
  const reader = createTrafficReader(format, { transaction: (t) => txs.push(t), skipped: (p) => skipped.push(p) }, 't');
  for (const c of chunks) reader.write(c);
  reader.end();
  return { txs, skipped };
}

const NGINX = JSON.stringify({ time_iso8601: '2026-12-01T09:00:01+00:00', remote_addr: '10.0.0.7', request_method: 'GET', request_uri: '/v1/pets/42?full=1', server_protocol: 'HTTP/1.1', status: '200', request_time: '0.012', http_host: 'pets.internal', http_user_agent: 'curl/8.5' });
const NGINX_REQUEST = JSON.stringify({ remote_addr: '10.0.0.8', request: 'DELETE /v1/pets/7 HTTP/2.0', status: 204, host: 'pets.internal', request_time: 0.003 });
const ENVOY = JSON.stringify({ start_time: '2026-12-01T09:00:02.000Z', method: 'POST', path: '/v1/pets', protocol: 'HTTP/2', response_code: 201, duration: 7, authority: 'pets.internal', downstream_remote_address: '10.0.0.9:51000', user_agent: 'grpc-go/1.60' });

test('nginx and Envoy JSON access logs and NDJSON transactions, line by line; bad lines are named and skipped', () => {
  const own = JSON.stringify(tx({ method: 'GET', path: '/v1/pets', service: 'pets.internal' }));
  const text = [NGINX, NGINX_REQUEST, ENVOY, own, '{"not": "traffic"}', 'garbage', ''].join('\n');
  // One character at a time is the worst chunking there is; the result must not change.
  const whole = collect('lines', [text]);
  const bytes = new TextEncoder().encode(text.replace('curl/8.5', 'curl/8.5 ✓'));
  const byteWise = collect('lines', [...bytes].map((b) => new Uint8Array([b])));
  assert.equal(byteWise.txs.length, 4);
  assert.equal(byteWise.txs[0]!.request.headers.find((h) => h.name === 'User-Agent')?.value, 'curl/8.5 ✓', 'a character split across chunks is decoded whole');
  const [nginx, nginxRequest, envoy, mine] = whole.txs;
  assert.deepEqual([nginx!.request.method, nginx!.request.path, nginx!.request.query, nginx!.response?.status, nginx!.service, nginx!.client.address, nginx!.durationMs], ['GET', '/v1/pets/42', 'full=1', 200, 'pets.internal', '10.0.0.7', 12]);
  assert.equal(nginx!.startedAt, Date.parse('2026-12-01T09:00:01Z') - 12, 'nginx logs at the end of the request');
  assert.deepEqual([nginxRequest!.request.method, nginxRequest!.request.path, nginxRequest!.httpVersion, nginxRequest!.response?.status], ['DELETE', '/v1/pets/7', '2', 204]);
  assert.deepEqual([envoy!.request.method, envoy!.response?.status, envoy!.client.port, envoy!.httpVersion, envoy!.durationMs], ['POST', 201, 51000, '2', 7]);
  assert.equal(mine!.request.path, '/v1/pets');
  assert.deepEqual(whole.skipped.map((p) => p.path), ['line 5', 'line 6']);
  assert.match(whole.skipped[0]!.message, /neither a transaction nor an nginx, Envoy or Tapline gateway access log record/);
  assert.match(whole.skipped[1]!.message, /not JSON/);
});

// Lines as the generated gateway writes them (log_format tapline_gateway in core/src/gateway/nginx.ts).
function gatewayLine(fields: Record<string, string>): string {
  return JSON.stringify({ time: '2026-12-01T09:00:03+00:00', client: '10.0.0.5', method: 'GET', target: '/v1/pets?limit=2', protocol: 'HTTP/1.1', scheme: 'http', host: 'pets.internal', status: '200', request_time: '0.004', operation: 'GET /pets', decision: 'allow', reason: '', upstream: '127.0.0.1:8080', ...fields });
}

test("Tapline gateway log lines: allowed and report mode's would-block are the API's answers; blocked ones only when asked for", () => {
  const lines = [
    gatewayLine({}),
    gatewayLine({ method: 'DELETE', target: '/v1/pets/1', status: '204', decision: 'would-block', reason: 'operation-denied', upstream: '127.0.0.1:8080, 127.0.0.1:8081' }),
    gatewayLine({ target: '/v1/admin', status: '404', operation: '', decision: 'block', reason: 'path-not-documented', upstream: '' }),
    gatewayLine({ target: '/v1/pets/%zz', status: '400', operation: '', decision: '', upstream: '' }),
  ].join('\n');
  const diffView = collect('lines', [lines]);
  const [allowed, wouldBlock] = diffView.txs;
  assert.equal(diffView.txs.length, 2);
  assert.deepEqual([allowed!.request.method, allowed!.request.path, allowed!.request.query, allowed!.response?.status, allowed!.service, allowed!.client.address, allowed!.server.port, allowed!.durationMs], ['GET', '/v1/pets', 'limit=2', 200, 'pets.internal', '10.0.0.5', 8080, 4]);
  assert.equal(allowed!.startedAt, Date.parse('2026-12-01T09:00:03Z') - 4, 'the gateway logs at the end of the request');
  assert.deepEqual([wouldBlock!.request.method, wouldBlock!.response?.status, wouldBlock!.server.port], ['DELETE', 204, 8080]);
  assert.deepEqual(diffView.skipped.map((p) => `${p.path}: ${p.message}`), [
    'line 3: blocked by the gateway (path-not-documented), not answered by the API',
    'line 4: refused by nginx before the gateway ran, not answered by the API',
  ]);

  const all: Transaction[] = [];
  const reader = createTrafficReader('lines', { transaction: (t) => all.push(t), skipped: (p) => assert.fail(p.message) }, 't', { keepGatewayAnswers: true });
  reader.write(lines);
  reader.end();
  assert.deepEqual(all.map((t) => `${t.request.method} ${t.request.target} ${t.response?.status}`), ['GET /v1/pets?limit=2 200', 'DELETE /v1/pets/1 204', 'GET /v1/admin 404', 'GET /v1/pets/%zz 400']);
});

test('HAR streamed entry by entry: the same transactions as whole, and truncated or foreign files are errors that say where', () => {
  const har = JSON.stringify({ log: { version: '1.2', creator: { name: 'x', version: '1' }, entries: [
    { startedDateTime: '2026-12-01T09:00:00Z', time: 1, request: { method: 'GET', url: 'http://h/v1/pets', headers: [] }, response: { status: 200, headers: [], content: { size: 2, mimeType: 'application/json', text: '[]' } } },
    { startedDateTime: '2026-12-01T09:00:01Z', time: 1, request: { method: 'GET', url: 'data:text/plain,hi', headers: [] }, response: { status: 200, headers: [], content: {} } },
  ] } });
  assert.equal(sniffFormat(har), 'har');
  assert.equal(sniffFormat(NGINX), 'lines');
  const split = collect('har', [har.slice(0, 57), har.slice(57, 200), har.slice(200)]);
  assert.equal(split.txs.length, 1);
  assert.equal(split.txs[0]!.response?.body?.text, '[]');
  assert.match(split.skipped[0]!.message, /not an http\(s\) URL/);
  assert.throws(() => collect('har', [har.slice(0, 180)]), /ended inside its JSON \(after 0 entries\)/);
  assert.throws(() => collect('har', ['{"log":{"version":"2.0","entries":[]}}']), /HAR 2\.0 is not supported/);
  assert.throws(() => collect('har', ['openapi: 3.0.0\n']), /./);
});

test('a ~50 MB HAR file is read with bounded heap, and `tapline diff --har` reports its progress', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tapline-big-har-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'big.har');
  const entries = writeBigHar(file, 50e6);
  const size = statSync(file).size;
  let count = 0;
  const reader = createTrafficReader('har', { transaction: () => count++, skipped: () => assert.fail('no entry is skipped') }, 'big');
  // What the reader retains, after a full collection every 5 MiB: garbage is the collector's
  // business, what survives it is ours.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const before = process.memoryUsage().heapUsed;
  let retained = 0;
  let chunks = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    reader.write(chunk as Buffer);
    if (++chunks % 5 !== 0) continue;
    gc();
    retained = Math.max(retained, process.memoryUsage().heapUsed - before);
  }
  reader.end();
  assert.equal(count, entries);
  // Reading it whole (a string, then JSON.parse) would hold well over twice the file on the heap.
  t.diagnostic(`${(size / 1e6).toFixed(1)} MB, ${entries} entries: at most ${(retained / 1e6).toFixed(1)} MB retained while reading (${((retained / size) * 100).toFixed(1)} % of the file)`);
  assert.ok(retained < size / 20, `${(retained / 1e6).toFixed(1)} MB retained reading a ${(size / 1e6).toFixed(1)} MB file`);

  // The CLI on a file past the progress threshold: one line per tenth read.
  const cliFile = join(dir, 'ten.har');
  writeBigHar(cliFile, 9e6);
  const r = await runTapline(['diff', '--spec', SPEC, '--har', cliFile, '--format', 'json', '--fail-on', 'none']);
  assert.equal(r.code, 0, r.err);
  const progress = r.err.split('\n').filter((l) => l.includes('tapline: reading'));
  assert.equal(progress.length, 10, r.err);
  assert.match(progress.at(-1)!, /100 % \(9\.0 of 9\.0 MB\), [\d,]+ transactions/);
});

test('`tapline diff --har` holds no more of a ~30 MB file than of a tenth of it: what survives a collection stays flat', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tapline-cli-heap-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'big.har');
  writeBigHar(file, 30e6);
  const size = statSync(file).size;
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const before = process.memoryUsage().heapUsed;
  // Sampled at each progress line (every tenth of the file), after a full collection.
  const retained: number[] = [];
  const r = await runTapline(['diff', '--spec', SPEC, '--har', file, '--format', 'json', '--fail-on', 'none'], {
    onStderr: (text) => {
      if (!text.includes('tapline: reading')) return;
      gc();
      retained.push(process.memoryUsage().heapUsed - before);
    },
  });
  assert.equal(r.code, 0, r.err);
  assert.equal(retained.length, 10);
  const mb = retained.map((b) => (b / 1e6).toFixed(1));
  t.diagnostic(`${(size / 1e6).toFixed(0)} MB file: retained at each tenth ${mb.join(', ')} MB`);
  // Holding every exchange, the tenth sample would be about ten times the first.
  assert.ok(retained.at(-1)! < retained[0]! + size / 50, `retained ${mb.join(', ')} MB`);
  assert.ok(Math.max(...retained) < size / 10, `retained ${mb.join(', ')} MB of a ${(size / 1e6).toFixed(0)} MB file`);
});

test('`tapline diff --log` takes nginx/Envoy access logs: findings and coverage from them', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tapline-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, 'access.log');
  const orders = JSON.stringify({ remote_addr: '10.0.0.7', request_method: 'GET', request_uri: '/v1/orders/7f3c9a12-4b5e-4c6d-8e9f-0a1b2c3d4e5f', status: 200, host: '127.0.0.1:8080' });
  writeFileSync(log, [NGINX.replace('pets.internal', '127.0.0.1:8080'), ENVOY.replace('pets.internal', '127.0.0.1:8080'), orders, 'not json'].join('\n') + '\n');
  const r = await runTapline(['diff', '--spec', SPEC, '--log', log, '--format', 'json', '--fail-on', 'none']);
  assert.equal(r.code, 0, r.err);
  const codes = (JSON.parse(r.out) as { findings: Array<{ code: string; path: string }> }).findings.map((f) => `${f.code} ${f.path}`);
  assert.ok(codes.some((c) => c.startsWith('undocumented-endpoint') && c.includes('/orders/')), codes.join(', '));
  assert.match(r.err, /skipped 1 line \(first: line 4: not JSON/);
  const coverage = await runTapline(['diff', '--spec', SPEC, '--log', log, '--coverage', '--format', 'json']);
  const report = JSON.parse(coverage.out) as { total: { operations: number; exercised: number } };
  assert.deepEqual(report.total.exercised, 2, coverage.out);
  const both = await runTapline(['diff', '--spec', SPEC, '--log', log, '--har', log]);
  assert.equal(both.code, 2);
  assert.match(both.err, /alternatives/);
});

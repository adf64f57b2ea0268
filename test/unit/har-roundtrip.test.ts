import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHar, harToTransactions } from '../../core/src/har/har-import';
import { transactionsToHar } from '../../core/src/har/har-export';
import { validateTransaction } from '../../core/src/protocol/validate-transaction';

const fixture = (name: string): string => readFileSync(join(__dirname, '..', 'fixtures', 'har', name), 'utf8');

test('DevTools export: h2 pseudo-headers dropped, base64 JSON decoded, failed/data:/ws entries skipped with reasons', () => {
  const r = parseHar(fixture('devtools-export.har'), { origin: 'import', idPrefix: 'h' });
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.problems));
  const { transactions: txs, skipped } = r.value;
  assert.equal(txs.length, 3);
  assert.deepEqual(skipped.map((p) => p.path), ['$.log.entries[3].request.url', '$.log.entries[4].request.url']);
  const [get, post, failed] = txs;
  assert.equal(get!.service, 'shop.test');
  assert.equal(get!.tls, true);
  assert.equal(get!.server.address, '2001:db8::1');
  assert.equal(get!.server.port, 443);
  assert.equal(get!.request.path, '/api/v2/orders');
  assert.equal(get!.request.query, 'status=open&page=1');
  assert.equal(get!.request.target, '/api/v2/orders?status=open&page=1');
  assert.ok(get!.request.headers.every((h) => !h.name.startsWith(':')));
  assert.equal(get!.response?.body?.encoding, 'text');
  assert.equal(get!.response?.body?.text, '{"orders":[{"id":7,"owner":"carol@shop.test"}],"total":1}');
  assert.equal(get!.response?.body?.contentEncoding, 'br');
  assert.equal(get!.response?.body?.size, 38);
  assert.equal(get!.durationMs, 42.25);
  assert.equal(post!.request.body?.text, '{"item":"book","qty":2}');
  assert.equal(post!.response?.reason, 'Created');
  assert.equal(failed!.response, undefined);
  for (const t of txs) assert.ok(validateTransaction(t).ok);
});

test('Chromium (playwright recordHar) file: binary bodies stay base64, everything validates', () => {
  const r = parseHar(fixture('chromium-playwright.har'), { origin: 'replay', idPrefix: 'p' });
  assert.ok(r.ok);
  const img = r.value.transactions.find((t) => t.request.path === '/img.png');
  assert.equal(img?.response?.body?.encoding, 'base64');
  assert.equal(Buffer.from(img?.response?.body?.base64 ?? '', 'base64').length, 9);
  const del = r.value.transactions.find((t) => t.request.method === 'DELETE');
  assert.equal(del?.response?.status, 204);
  for (const t of r.value.transactions) assert.ok(validateTransaction(t).ok, JSON.stringify(validateTransaction(t)));
});

test('round trip: Transaction[] → HAR → Transaction[] keeps what a transaction says', () => {
  const first = parseHar(fixture('chromium-playwright.har'), { origin: 'import', idPrefix: 'p' });
  assert.ok(first.ok);
  const txs = first.value.transactions.map((t, i) => ({ ...t, id: `id-${i}`, client: { address: '127.0.0.1', port: 40000 + i, pid: 7, process: 'chromium' }, redactions: i === 0 ? [{ kind: 'email' as const, location: 'response.body' as const, name: '/0/email', count: 1 }] : [] }));
  const upload = txs[1]!;
  txs[1] = { ...upload, request: { ...upload.request, body: { size: 3, truncated: false, contentType: 'application/octet-stream', encoding: 'base64', base64: 'AAEC' } } };
  const har = JSON.parse(JSON.stringify(transactionsToHar(txs)));
  const again = harToTransactions(har, { origin: 'import', idPrefix: 'x' });
  assert.ok(again.ok);
  assert.equal(again.value.skipped.length, 0);
  assert.deepEqual(again.value.transactions, txs);
});

test('invalid HAR files are explained with JSON paths', () => {
  const notJson = parseHar('{', { origin: 'import', idPrefix: 'x' });
  assert.equal(notJson.ok, false);
  const noLog = harToTransactions({ entries: [] }, { origin: 'import', idPrefix: 'x' });
  assert.deepEqual(noLog.ok ? [] : noLog.problems.map((p) => p.path), ['$.log']);
  const badVersion = harToTransactions({ log: { version: '3.0', entries: [] } }, { origin: 'import', idPrefix: 'x' });
  assert.deepEqual(badVersion.ok ? [] : badVersion.problems.map((p) => p.path), ['$.log.version']);
  const badEntry = harToTransactions({ log: { version: '1.2', entries: [{ request: { method: 'GET', url: 'http://a/' }, response: { status: 'x' }, startedDateTime: '2026-01-01T00:00:00Z' }] } }, { origin: 'import', idPrefix: 'x' });
  assert.ok(badEntry.ok);
  assert.deepEqual(badEntry.value.skipped.map((p) => p.path), ['$.log.entries[0].response.status']);
});

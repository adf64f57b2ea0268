import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Transaction } from '../../core/src/protocol/transaction';
import type { StreamItem } from '../../webview/src/model';
import { defaultState, readState } from '../../webview/src/state';
import { filterStream, statusClassOf, TransactionStream } from '../../webview/src/stream';

function item(n: number, method = 'GET', status: number | null = 200, target = `/items/${n}`): StreamItem {
  const tx: Transaction = {
    id: `t${n}`, startedAt: n, durationMs: 1, origin: 'replay', service: 'api:80',
    client: { address: '127.0.0.1', port: 1 }, server: { address: '127.0.0.1', port: 80 }, tls: false, httpVersion: '1.1',
    request: { method, target, path: target, query: '', queryParams: [], headers: [] },
    redactions: [],
  };
  if (status !== null) tx.response = { status, headers: [] };
  return { endpointId: 'e', transaction: tx };
}

const ids = (items: readonly StreamItem[]): string[] => items.map((i) => i.transaction.id);

test('the stream is newest first and bounded', () => {
  const s = new TransactionStream(3);
  s.push([item(1), item(2)]);
  s.push([item(3), item(4)]);
  assert.deepEqual(ids(s.list), ['t4', 't3', 't2']);
  s.push(Array.from({ length: 10 }, (_, i) => item(10 + i)));
  assert.deepEqual(ids(s.list), ['t19', 't18', 't17']);
});

test('pause holds arrivals back (bounded) and counts them; resume shows them on top', () => {
  const s = new TransactionStream(3);
  s.push([item(1)]);
  s.pause();
  s.push([item(2), item(3)]);
  s.push([item(4), item(5)]);
  assert.deepEqual(ids(s.list), ['t1']);
  assert.equal(s.waiting, 4);
  s.resume();
  assert.deepEqual(ids(s.list), ['t5', 't4', 't3']);
  assert.equal(s.waiting, 0);
  s.clear();
  assert.equal(s.list.length, 0);
});

test('stream filters: text (all words), method, status class, no response', () => {
  const items = [item(1, 'GET', 200, '/users/1'), item(2, 'POST', 201, '/orders'), item(3, 'GET', 404, '/users/9'), item(4, 'DELETE', null, '/users/2'), item(5, 'GET', 503, '/health')];
  assert.deepEqual(ids(filterStream(items, { text: 'users', method: '', status: 'all' })), ['t1', 't3', 't4']);
  assert.deepEqual(ids(filterStream(items, { text: 'USERS 404', method: '', status: 'all' })), ['t3']);
  assert.deepEqual(ids(filterStream(items, { text: '', method: 'get', status: 'all' })), ['t1', 't3', 't5']);
  assert.deepEqual(ids(filterStream(items, { text: '', method: '', status: '2xx' })), ['t1', 't2']);
  assert.deepEqual(ids(filterStream(items, { text: '', method: '', status: '5xx' })), ['t5']);
  assert.deepEqual(ids(filterStream(items, { text: '', method: '', status: 'none' })), ['t4']);
  assert.equal(statusClassOf(302), '3xx');
});

test('persisted state: defaults, round trip, and anything malformed falls back', () => {
  assert.deepEqual(readState(undefined), defaultState());
  assert.deepEqual(readState('nonsense'), defaultState());
  assert.deepEqual(readState({ version: 2, tab: 'stream' }), defaultState());
  const saved = { version: 1, tab: 'detail', selectedEndpointId: 'api GET /x', sort: { key: 'p99', direction: 'asc' }, filter: 'method:get', stream: { text: 'x', method: 'POST', status: '5xx' } };
  assert.deepEqual(readState(JSON.parse(JSON.stringify(saved))), saved);
  const bad = readState({ version: 1, tab: 'bogus', sort: { key: 'drop table', direction: 'up' }, filter: 42, stream: null, selectedEndpointId: 7 });
  assert.deepEqual(bad, defaultState());
  assert.equal(readState({ version: 1, tab: 'detail' }).tab, 'endpoints', 'no detail without an endpoint');
  assert.equal(readState({ version: 1, filter: 'x'.repeat(10_000) }).filter.length, 500);
});

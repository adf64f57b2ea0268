import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { ClientSession, type SessionOptions } from '../../sensor/src/server/client-session';
import { matchesFilters } from '../../sensor/src/server/filters';
import type { SensorMessage } from '../../core/src/protocol/messages';
import type { Transaction } from '../../core/src/protocol/transaction';
import { newCounters } from '../../sensor/src/pipeline/counters';

class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  sent: SensorMessage[] = [];
  pings: string[] = [];
  send(text: string): void {
    this.sent.push(JSON.parse(text) as SensorMessage);
  }
  ping(data: string): void {
    this.pings.push(data);
  }
  /** The client answers every ping so far, as ws and browsers do (the payload echoed). */
  pongAll(): void {
    for (const p of this.pings.splice(0)) this.emit('pong', Buffer.from(p));
  }
  terminate(): void {
    this.readyState = 3;
    this.emit('close');
  }
  close(): void {
    this.terminate();
  }
}

function tx(i: number, method = 'GET', status = 200): Transaction {
  return {
    id: `t${i}`, startedAt: i, durationMs: 0, origin: 'replay', service: 's', client: { address: '', port: 0 }, server: { address: '', port: 0, process: 'node' },
    tls: false, httpVersion: '1.1', request: { method, target: '/a', path: '/a', query: '', queryParams: [], headers: [] }, response: { status, headers: [] }, redactions: [],
  };
}

function session(ws: FakeSocket, over: Partial<SessionOptions> = {}): ClientSession {
  return new ClientSession(ws as unknown as WebSocket, 'test', {
    hello: () => ({ type: 'hello', protocol: 'tapline/1', sensor: { id: 'x', name: 'x', version: '0', hostname: 'x', mode: 'replay' }, capabilities: [], serverTime: 0, maxBodyBytes: 0 }),
    counters: newCounters, startedAt: 0, maxQueue: 5, batchSize: 3, flushMs: 60_000, statsMs: 60_000, heartbeatMs: 60_000, windowBytes: 100_000,
    onClose: () => undefined, log: () => undefined, ...over,
  });
}

test('hello first; batches leave when full', () => {
  const ws = new FakeSocket();
  const s = session(ws);
  for (let i = 0; i < 7; i++) s.enqueue(tx(i));
  assert.equal(ws.sent[0]?.type, 'hello');
  assert.deepEqual(ws.sent.slice(1).map((m) => (m.type === 'transactions' ? m.items.map((t) => t.id) : [])), [['t0', 't1', 't2'], ['t3', 't4', 't5']]);
  ws.terminate();
});

test('a slow client: the window fills, the queue stays bounded, the oldest are dropped and counted', () => {
  const ws = new FakeSocket();
  // Each batch of 3 is ~1.5 KB: a 2,000-byte window holds two batches unconfirmed.
  const s = session(ws, { windowBytes: 2000 });
  for (let i = 0; i < 100; i++) s.enqueue(tx(i));
  const delivered = (): string[] => ws.sent.flatMap((m) => (m.type === 'transactions' ? m.items.map((t) => t.id) : []));
  assert.deepEqual(delivered(), ['t0', 't1', 't2', 't3', 't4', 't5']);
  assert.ok(ws.pings.length > 0, 'a ping asks the client to confirm the window');
  ws.pongAll(); // the client read up to the pings: the queue (the newest 5) goes out
  assert.deepEqual(delivered().slice(6), ['t95', 't96', 't97', 't98', 't99']);
  (s as unknown as { sendStats(): void }).sendStats();
  const stats = ws.sent.at(-1);
  assert.equal(stats?.type === 'stats' ? stats.counters.queueDropped : -1, 100 - 6 - 5);
  // Pongs without reading: ws's own buffer is full, so the window opening sends nothing more.
  ws.bufferedAmount = 2000;
  for (let i = 100; i < 110; i++) s.enqueue(tx(i));
  ws.pongAll();
  ws.emit('pong', Buffer.from('unsolicited'));
  assert.equal(delivered().length, 11);
  ws.terminate();
});

test('heartbeats: a client that answers stays however slow; one silent for two beats is closed', () => {
  const ws = new FakeSocket();
  const logs: string[] = [];
  const s = session(ws, { windowBytes: 2000, log: (m) => logs.push(m) });
  const beat = (): void => (s as unknown as { heartbeat(): void }).heartbeat();
  for (let i = 0; i < 50; i++) s.enqueue(tx(i));
  for (let n = 0; n < 4; n++) {
    beat();
    ws.pongAll(); // slow: answers once per beat, a window behind in between
  }
  beat();
  assert.equal(ws.readyState, 1, 'answered every beat: still connected');
  beat(); // silent for one period: still given the benefit of the doubt
  assert.equal(ws.readyState, 1);
  beat(); // silent for two
  assert.equal(ws.readyState, 3);
  assert.match(logs.join('\n'), /no pong, closing/);
});

test('subscribe filters and garbage from the client', () => {
  const ws = new FakeSocket();
  const s = session(ws, { batchSize: 1 });
  ws.emit('message', Buffer.from('{"type":"subscribe","filters":{"methods":["post"],"statusMin":400}}'), false);
  s.enqueue(tx(1, 'GET', 500));
  s.enqueue(tx(2, 'POST', 200));
  s.enqueue(tx(3, 'POST', 503));
  ws.emit('message', Buffer.from('nope'), false);
  ws.emit('message', Buffer.from([1, 2, 3]), true);
  const kinds = ws.sent.map((m) => (m.type === 'transactions' ? m.items.map((t) => t.id).join() : m.type));
  assert.deepEqual(kinds, ['hello', 't3', 'error', 'error']);
  ws.terminate();
  assert.equal(matchesFilters({ pathPrefixes: ['/b'] }, tx(1)), false);
  assert.equal(matchesFilters({ processes: ['node'], pids: [] }, tx(1)), true);
});

// The engine's sensor connections fed by a real sensor over the real WebSocket path: a replayed
// HAR, then live eBPF capture of a real HTTP service (root), a sensor restart that loses nothing
// already received, a sensor that stops answering (declared down within two heartbeats, then
// reconnected), the hub following an edited sensor list, and a peer sending garbage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { TrafficStore } from '../../core/src/inventory/traffic-store';
import { SensorClient, type SensorState } from '../../server/src/engine/sensor-client';
import { SensorHub } from '../../server/src/engine/sensor-hub';
import { Traffic } from '../../server/src/engine/traffic';
import { petTrafficHar } from '../e2e/support/traffic-har';
import { createPetService, listen } from '../fixtures/sample-service/pet-service';
import { generateTraffic } from '../fixtures/sample-service/traffic';
import { startSensorProcess, type SensorProcess } from '../support/sensor-process';
import { gate } from './ebpf-helpers';


type Sensor = SensorProcess;

function startSensor(args: string[], tokenFile: string): Promise<Sensor> {
  return startSensorProcess(tokenFile, args);
}

function stopSensor(sensor: Sensor): Promise<void> {
  return sensor.stop();
}

/** Feeds a store from a client; `until` resolves when the predicate over the store holds. */
function feed(client: SensorClient, store: TrafficStore): (check: () => boolean) => Promise<void> {
  const waiters: Array<{ check: () => boolean; resolve: () => void }> = [];
  client.on('transactions', (items) => {
    for (const item of items) store.add(item);
    for (const w of [...waiters]) {
      if (!w.check()) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  return (check) => (check() ? Promise.resolve() : new Promise((resolve) => waiters.push({ check, resolve })));
}

function stateReached(client: SensorClient, kind: SensorState['kind'], deadlineMs = 20_000): Promise<SensorState> {
  return new Promise((resolve, reject) => {
    if (client.state.kind === kind) return resolve(client.state);
    const timer = setTimeout(() => {
      client.off('state', on);
      reject(new Error(`waited ${deadlineMs} ms for the client to be ${kind}; it is ${client.state.kind}`));
    }, deadlineMs);
    const on = (state: SensorState): void => {
      if (state.kind !== kind) return;
      clearTimeout(timer);
      client.off('state', on);
      resolve(state);
    };
    client.on('state', on);
  });
}

function counts(store: TrafficStore): Map<string, number> {
  return new Map(store.snapshot().services.flatMap((s) => s.endpoints.map((e) => [`${e.method} ${e.template}`, e.count] as const)));
}

test('a replaying sensor fills the store with templated endpoints; a restart loses nothing received', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tapline-ingest-'));
  const har = join(dir, 'traffic.har');
  writeFileSync(har, JSON.stringify(petTrafficHar()));
  const tokenFile = join(dir, 'token');
  let sensor = await startSensor(['--listen', '127.0.0.1:0', '--replay', har], tokenFile);
  const port = new URL(sensor.url).port;
  const client = new SensorClient({ url: sensor.url, token: sensor.token, backoff: { baseMs: 50, maxMs: 200 } });
  const store = new TrafficStore();
  const until = feed(client, store);
  t.after(async () => {
    client.stop();
    await stopSensor(sensor);
  });
  client.start();
  const live = await stateReached(client, 'live');
  assert.equal(live.kind === 'live' && live.hello.sensor.mode, 'replay');

  await until(() => store.stats().transactions >= 11);
  const seen = counts(store);
  assert.equal(seen.get('GET /v1/pets/{petId}'), 4);
  assert.equal(seen.get('GET /v1/orders/{orderId}'), 3);
  assert.equal(seen.get('GET /v1/pets'), 2);
  assert.equal(seen.get('POST /v1/pets'), 1);

  // The sensor goes away and comes back on the same port: the client retries and reconnects,
  // and what the store already had is still there.
  const retrying = stateReached(client, 'retrying');
  await stopSensor(sensor);
  await retrying;
  sensor = await startSensor(['--listen', `127.0.0.1:${port}`, '--replay', har], tokenFile);
  await stateReached(client, 'live');
  await until(() => store.stats().transactions >= 22);
  assert.equal(counts(store).get('GET /v1/pets/{petId}'), 8, 'the first run\'s transactions were kept and the replay added');
});

test('a wrong token fails with the sensor\'s 401 as the reason', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tapline-ingest-'));
  const har = join(dir, 'traffic.har');
  writeFileSync(har, JSON.stringify(petTrafficHar()));
  const sensor = await startSensor(['--listen', '127.0.0.1:0', '--replay', har], join(dir, 'token'));
  t.after(() => stopSensor(sensor));
  const client = new SensorClient({ url: sensor.url, token: 'not-the-token', maxAttempts: 1 });
  const failed = stateReached(client, 'failed');
  client.start();
  const state = await failed;
  assert.equal(state.kind === 'failed' && state.reason, 'the sensor refused the token (401)');
});

test('garbage from a peer is dropped and reported once; valid messages still arrive', async (t) => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  t.after(() => {
    for (const peer of wss.clients) peer.terminate();
    return new Promise((resolve) => wss.close(resolve));
  });
  wss.on('connection', (socket) => {
    socket.send('{"type":"hello","protocol":"tapline/1","sensor":{"id":"x","name":"x","version":"1","hostname":"h","mode":"replay"},"capabilities":[],"serverTime":1,"maxBodyBytes":10}');
    socket.send('not json at all');
    socket.send('not json at all');
    socket.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]), { binary: true });
    socket.send('{"type":"transactions","items":[{"id":42}]}');
    socket.send(JSON.stringify({ type: 'stats', at: 1, uptimeMs: 1, counters: { transactions: 7, capturedEvents: 0, capturedBytes: 0, droppedEvents: 0, queueDropped: 0, parseErrors: 0, redactions: 0, truncated: 0, deduplicated: 0, activeConnections: 0 } }));
  });
  const address = wss.address() as { port: number };
  const client = new SensorClient({ url: `ws://127.0.0.1:${address.port}`, token: 't', maxAttempts: 1 });
  t.after(() => client.stop());
  const problems: string[] = [];
  client.on('problem', (p) => problems.push(p));
  const stats = new Promise((resolve) => client.once('stats', resolve));
  client.start();
  assert.deepEqual(await stats, { transactions: 7, capturedEvents: 0, capturedBytes: 0, droppedEvents: 0, queueDropped: 0, parseErrors: 0, redactions: 0, truncated: 0, deduplicated: 0, activeConnections: 0 });
  assert.equal(problems.filter((p) => p.includes('not valid JSON')).length, 1, `reported once: ${problems.join(' | ')}`);
  assert.ok(problems.some((p) => p.includes('binary')));
  assert.ok(problems.some((p) => p.includes('$.items[0]')), 'an invalid transaction is dropped with its path');
});

test('live eBPF capture of a real HTTP service reaches the store through the sensor', async (t) => {
  if (!gate(t)) return;
  const service = createPetService();
  const servicePort = await listen(service);
  const dir = mkdtempSync(join(tmpdir(), 'tapline-ingest-'));
  const sensor = await startSensor(['--listen', '127.0.0.1:0', '--port', String(servicePort)], join(dir, 'token'));
  const client = new SensorClient({ url: sensor.url, token: sensor.token });
  const store = new TrafficStore();
  const until = feed(client, store);
  t.after(async () => {
    client.stop();
    await stopSensor(sensor);
    service.close();
  });
  client.start();
  await stateReached(client, 'live');
  const sent = await generateTraffic({ port: servicePort, requests: 16 });
  await until(() => store.stats().transactions >= sent);
  const seen = counts(store);
  assert.equal(store.stats().transactions, sent, 'each exchange once');
  assert.equal(seen.get('GET /v1/pets/{petId}'), 6);
  assert.equal(seen.get('GET /v1/orders/{orderId}'), 2);
  const sample = store.observations().flatMap((o) => o.samples).find((s) => s.request.path === '/v1/pets/1');
  assert.ok(sample?.redactions.some((r) => r.kind === 'authorization' || r.kind === 'jwt'), 'the bearer token was redacted on the node');
  assert.ok(!JSON.stringify(sample).includes('eyJhbGciOiJIUzI1NiJ9'), 'the token itself never left the sensor');
});

test('a sensor that stops answering (SIGSTOP, like a stuck port-forward) is down within two heartbeats, then reconnected', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tapline-ingest-'));
  const har = join(dir, 'traffic.har');
  writeFileSync(har, JSON.stringify(petTrafficHar()));
  const heartbeatMs = 300;
  const sensor = await startSensor(['--listen', '127.0.0.1:0', '--replay', har, '--heartbeat-ms', String(heartbeatMs)], join(dir, 'token'));
  const client = new SensorClient({ url: sensor.url, token: sensor.token, heartbeatMs, backoff: { baseMs: 50, maxMs: 200 } });
  t.after(async () => {
    client.stop();
    sensor.child.kill('SIGCONT');
    await stopSensor(sensor);
  });
  client.start();
  await stateReached(client, 'live');
  sensor.child.kill('SIGSTOP');
  const down = await stateReached(client, 'retrying', 10 * heartbeatMs);
  assert.match(down.kind === 'retrying' ? down.reason : '', /no heartbeat from the sensor for 600 ms/);
  sensor.child.kill('SIGCONT');
  await stateReached(client, 'live');
});

test('the hub follows an edited sensor list: a second sensor connects, a removed one disconnects, tokens never logged', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tapline-ingest-'));
  const har = join(dir, 'traffic.har');
  writeFileSync(har, JSON.stringify(petTrafficHar()));
  const a = await startSensor(['--listen', '127.0.0.1:0', '--replay', har], join(dir, 'token-a'));
  const b = await startSensor(['--listen', '127.0.0.1:0', '--replay', har], join(dir, 'token-b'));
  const traffic = new Traffic();
  const logs: string[] = [];
  let changed: () => void = () => undefined;
  const hub = new SensorHub({ transactions: (items) => traffic.add(items), changed: () => changed(), log: (_level, m) => logs.push(m) });
  t.after(async () => {
    hub.dispose();
    traffic.dispose();
    await Promise.all([stopSensor(a), stopSensor(b)]);
  });
  const until = (what: string, check: () => boolean): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`waited 20 s for ${what}: ${JSON.stringify(hub.statuses())}`)), 20_000);
      changed = () => {
        if (!check()) return;
        clearTimeout(timer);
        resolve();
      };
      changed();
    });
  const live = (): string[] => hub.statuses().filter((s) => s.state === 'live').map((s) => s.url);

  hub.set([{ url: a.url, token: a.token, name: 'a' }]);
  await until('sensor a to be live', () => live().length === 1);
  hub.set([{ url: a.url, token: a.token, name: 'a' }, { url: b.url, token: b.token, name: 'b' }]);
  await until('both sensors live', () => live().length === 2);
  hub.set([{ url: b.url, token: b.token, name: 'b' }]);
  assert.deepEqual(hub.statuses().map((s) => s.url), [b.url], 'a was disconnected, b kept');
  assert.ok(logs.some((l) => l === 'sensor a: disconnected'));
  assert.ok(!logs.some((l) => l.includes(a.token) || l.includes(b.token)), 'no token in the logs');
});

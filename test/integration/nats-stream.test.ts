// The shared stream with a real nats-server (JetStream on, file storage): two real sensors
// replaying pods' traffic publish with --publish; two engines subscribe with different subject
// filters and each sees exactly its share, once. The server is restarted mid-stream (same port
// and store): nothing the sensors produced is lost, because each transaction is kept until
// JetStream acknowledges it and JetStream keeps what it acknowledged across the restart.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { freePort } from '../support/nginx';
import { join } from 'node:path';
import { transactionsToHar } from '../../core/src/har/har-export';
import type { PublishStatus } from '../../core/src/protocol/messages';
import type { KubernetesRef, Transaction } from '../../core/src/protocol/transaction';
import { parseSensorMessage } from '../../core/src/protocol/validate-messages';
import WebSocket from 'ws';
import { SensorClient } from '../../server/src/engine/sensor-client';
import { NatsSubscriber } from '../../server/src/cluster/nats-subscriber';
import { StreamHub } from '../../server/src/cluster/stream-hub';
import { startSensorProcess, type SensorProcess } from '../support/sensor-process';

const NATS = '/usr/sbin/nats-server';

function gate(t: TestContext): boolean {
  if (spawnSync(NATS, ['--version'], { stdio: 'ignore' }).status === 0) return true;
  if (process.env.CI === 'true') throw new Error(`${NATS} is missing (scripts/setup-system.sh installs nats-server)`);
  t.skip('needs nats-server (scripts/setup-system.sh)');
  return false;
}


/** nats-server with JetStream on a store dir; resolves once it says it is ready. */
async function startNats(port: number, storeDir: string): Promise<ChildProcess> {
  const child = spawn(NATS, ['-js', '-sd', storeDir, '-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer): void => {
      output += c.toString();
      if (/Server is ready/.test(output)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`nats-server exited (${String(code)}):\n${output}`)));
  });
  return child;
}

function tx(i: number, service: string, k8s?: KubernetesRef): Transaction {
  return {
    id: `seed-${i}`,
    startedAt: Date.UTC(2026, 11, 1) + i,
    durationMs: 2,
    origin: 'ebpf',
    service,
    client: { address: '10.244.1.9', port: 40000 + i },
    server: { address: '10.244.1.4', port: 8080 },
    tls: false,
    httpVersion: '1.1',
    request: { method: 'GET', target: `/items/${i}`, path: `/items/${i}`, query: '', queryParams: [], headers: [{ name: 'host', value: service }] },
    response: { status: 200, headers: [] },
    redactions: [],
    ...(k8s ? { k8s } : {}),
  };
}

const POD = (namespace: string, workload: string): KubernetesRef => ({ namespace, pod: `${workload}-7c9d8b6f5d-x2k4q`, container: 'api', workload: { kind: 'Deployment', name: workload } });

/** Resolves when pred holds, checked whenever `emitter` emits `event`; says what it waited for. */
function until(what: string, emitters: Array<{ on: (e: 'transactions', l: () => void) => unknown; off: (e: 'transactions', l: () => void) => unknown }>, pred: () => boolean, ms = 30_000): Promise<void> {
  if (pred()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!pred()) return;
      done();
      resolve();
    };
    const done = (): void => {
      clearTimeout(timer);
      for (const e of emitters) e.off('transactions', check);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    for (const e of emitters) e.on('transactions', check);
  });
}

test('two sensors publish, two filtered engines each get exactly their share, across a server restart', { timeout: 120_000 }, async (t) => {
  if (!gate(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'tapline-nats-'));
  const port = await freePort();
  const url = `nats://127.0.0.1:${port}`;
  let nats = await startNats(port, join(dir, 'store'));
  const sensors: SensorProcess[] = [];
  const watchers: SensorClient[] = [];
  const engines: NatsSubscriber[] = [];
  const streams: StreamHub[] = [];
  try {
    // Node A serves pets and orders (namespace shop); node B another pets replica, users
    // (namespace accounts) and a service outside Kubernetes.
    const hars = {
      'node-a': [tx(1, 'pets.shop', POD('shop', 'pets')), tx(2, 'orders.shop', POD('shop', 'orders'))],
      'node-b': [tx(3, 'pets.shop', POD('shop', 'pets')), tx(4, 'users.accounts', POD('accounts', 'users')), tx(5, 'legacy.example:8080')],
    };
    const produced: Transaction[] = [];
    for (const [name, list] of Object.entries(hars)) {
      const file = join(dir, `${name}.har`);
      writeFileSync(file, JSON.stringify(transactionsToHar(list)));
      const args = ['--listen', '127.0.0.1:0', '--replay', file, '--replay-loop', '--replay-rate', '60', '--publish', url, '--cluster', 'dev', '--name', name, '--backlog', '100000'];
      const sensor = await startSensorProcess(join(dir, `${name}.token`), args);
      sensors.push(sensor);
      // What each sensor produced, from its own stream: the ground truth.
      const watcher = new SensorClient({ url: sensor.url, token: sensor.token, backoff: { baseMs: 50, maxMs: 200 } });
      watcher.on('transactions', (l) => produced.push(...l));
      watcher.start();
      watchers.push(watcher);
    }

    const pets = new NatsSubscriber({ url, filter: { cluster: 'dev', namespace: 'shop', service: 'pets' }, deliver: 'all' });
    const accounts = new NatsSubscriber({ url, filter: 'tapline.dev.accounts.>', deliver: 'all' });
    const got = new Map<NatsSubscriber, Transaction[]>([
      [pets, []],
      [accounts, []],
    ]);
    for (const e of [pets, accounts]) {
      e.on('transactions', (l) => got.get(e)!.push(...l));
      await e.start();
      engines.push(e);
    }
    assert.equal(pets.filter, 'tapline.dev.shop.pets');
    // A third engine, through the engine's StreamHub (what "Subscribe to Shared Stream…" runs).
    const orders: Transaction[] = [];
    const ordersEvents = new EventEmitter<{ transactions: [] }>();
    const streamStates: string[] = [];
    const stream = new StreamHub({
      transactions: (l) => {
        orders.push(...l);
        ordersEvents.emit('transactions');
      },
      changed: () => {
        const state = stream.statuses()[0]?.state;
        if (state && streamStates.at(-1) !== state) streamStates.push(state);
      },
      log: () => undefined,
    });
    streams.push(stream);
    const status = await stream.subscribe({ url, filter: 'tapline.dev.shop.orders', deliver: 'all' });
    assert.deepEqual([status.state, status.name], ['live', 'tapline.dev.shop.orders (NATS)']);
    streamStates.splice(0, streamStates.length, status.state); // its states before it was listed
    const count = (e: NatsSubscriber): number => got.get(e)!.length;

    await until('both engines receiving', [pets, accounts], () => count(pets) >= 20 && count(accounts) >= 10);
    // Mid-stream: the server goes away while the sensors keep producing, and comes back.
    nats.kill('SIGTERM');
    await once(nats, 'exit');
    const producedAtStop = produced.length;
    await until('the sensors producing while NATS is down', watchers, () => produced.length >= producedAtStop + 40);
    const beforeRestart = { pets: count(pets), accounts: count(accounts) };
    nats = await startNats(port, join(dir, 'store'));
    const back = Date.now();
    await until('the first pets transaction after the restart', [pets], () => count(pets) > beforeRestart.pets);
    // Not asserted (no wall-clock assertions): nats.js's default 5 s idle heartbeat made this ~5 s.
    t.diagnostic(`the subscription resumed ${Date.now() - back} ms after the server was ready again`);
    await until('the engines receiving after the restart', [pets, accounts], () => count(pets) >= beforeRestart.pets + 20 && count(accounts) >= beforeRestart.accounts + 10);
    // Stop producing (each sensor publishes what it still holds before it exits).
    for (const s of sensors) await s.stop();

    const share = {
      pets: (x: Transaction): boolean => x.k8s?.namespace === 'shop' && x.k8s.workload?.name === 'pets',
      accounts: (x: Transaction): boolean => x.k8s?.namespace === 'accounts',
    };
    const expected = { pets: produced.filter(share.pets), accounts: produced.filter(share.accounts) };
    const ids = (l: Transaction[]): Set<string> => new Set(l.map((x) => x.id));
    const has = (e: NatsSubscriber, wanted: Transaction[]) => (): boolean => {
      const seen = ids(got.get(e)!);
      return wanted.every((x) => seen.has(x.id));
    };
    await until('every produced pets transaction at the pets engine', [pets], has(pets, expected.pets));
    await until('every produced accounts transaction at the accounts engine', [accounts], has(accounts, expected.accounts));
    const expectedOrders = produced.filter((x) => x.k8s?.workload?.name === 'orders');
    await until('every produced orders transaction through the StreamHub', [ordersEvents as never], () => {
      const seen = ids(orders);
      return expectedOrders.every((x) => seen.has(x.id));
    });
    assert.equal(ids(orders).size, orders.length, 'orders: no transaction twice');
    assert.ok(orders.every((x) => x.k8s?.namespace === 'shop' && x.k8s.workload?.name === 'orders'));
    assert.match(streamStates.join(' '), /^live retrying live$/, 'the subscription showed the restart');
    for (const [e, key] of [
      [pets, 'pets'],
      [accounts, 'accounts'],
    ] as const) {
      const list = got.get(e)!;
      assert.equal(ids(list).size, list.length, `${key}: no transaction twice`);
      assert.ok(list.every(share[key]), `${key}: nothing outside its filter`);
      // Transactions published after the sensors' own streams closed may be more; none is missing.
      assert.ok(list.length >= expected[key].length);
    }
    // Ids are <sensor name>-<random>-<sequence>: the pets engine got both nodes' replicas.
    assert.deepEqual([...new Set(got.get(pets)!.map((x) => x.id.replace(/-[^-]+-[^-]+$/, '')))].sort(), ['node-a', 'node-b']);
    assert.ok(expected.pets.length > 40 && expected.accounts.length > 20, `enough traffic crossed the restart (${expected.pets.length}, ${expected.accounts.length})`);
  } finally {
    for (const w of watchers) w.stop();
    for (const e of engines) await e.stop();
    for (const h of streams) await h.unsubscribe();
    for (const s of sensors) await s.stop();
    nats.kill('SIGTERM');
    if (nats.exitCode === null) await once(nats, 'exit');
  }
});

test('a sensor started while NATS is down serves at once, says so in /healthz and its stats, and publishes once NATS is up', { timeout: 60_000 }, async (t) => {
  if (!gate(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'tapline-nats-late-'));
  const port = await freePort();
  const url = `nats://127.0.0.1:${port}`;
  const file = join(dir, 'late.har');
  writeFileSync(file, JSON.stringify(transactionsToHar([tx(1, 'pets.shop', POD('shop', 'pets'))])));
  const sensor = await startSensorProcess(join(dir, 'late.token'), ['--listen', '127.0.0.1:0', '--replay', file, '--replay-loop', '--replay-rate', '50', '--publish', url, '--cluster', 'dev', '--name', 'late', '--stats-interval-ms', '100']);
  let nats: ChildProcess | undefined;
  let engine: NatsSubscriber | undefined;
  const ws = new WebSocket(sensor.url, { headers: { authorization: `Bearer ${sensor.token}` } });
  try {
    const health = (): Promise<string> => fetch(sensor.url.replace(/^ws/, 'http').replace(/\/v1\/stream$/, '/healthz')).then((r) => r.text());
    assert.match(await health(), /^ok\npublish: (connecting|disconnected)\n$/, 'serving, and saying that publishing waits');
    const states: PublishStatus[] = [];
    const stats = new EventEmitter<{ transactions: [] }>();
    ws.on('message', (data) => {
      const parsed = parseSensorMessage(String(data));
      if (parsed.ok && parsed.value.type === 'stats' && parsed.value.publish) {
        states.push(parsed.value.publish);
        stats.emit('transactions');
      }
    });
    await until('a stats message saying NATS cannot be reached', [stats], () => states.some((s) => s.state !== 'connected' && /cannot reach NATS/.test(s.detail)));
    assert.equal(states.at(-1)?.url, url);

    nats = await startNats(port, join(dir, 'store'));
    await until('a stats message saying connected with transactions acknowledged', [stats], () => states.at(-1)?.state === 'connected' && states.at(-1)!.published > 0);
    assert.match(await health(), /^ok\npublish: connected\n$/);
    engine = new NatsSubscriber({ url, filter: 'tapline.dev.>', deliver: 'all' });
    const got: Transaction[] = [];
    engine.on('transactions', (l) => got.push(...l));
    await engine.start();
    await until('the late sensor\'s transactions from the stream', [engine], () => got.some((x) => x.id.startsWith('late-')));
  } finally {
    ws.terminate();
    await engine?.stop();
    await sensor.stop();
    nats?.kill('SIGTERM');
    if (nats && nats.exitCode === null) await once(nats, 'exit');
  }
});

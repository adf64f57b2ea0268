// The extension's ingest path under a sensor streaming 5,000 transactions/s: the real sensor
// (dist/sensor.js, replay mode, looping a HAR of 400 endpoints at --replay-rate 5000) → WebSocket →
// SensorClient (validation of every message) → TrafficStore, drained every 250 ms as the
// extension's TrafficController does.
//   npm run build && node --import tsx bench/extension-ingest.ts [seconds=20]
// Prints, for the Tapline client and for a baseline client measured in the same run (a bare `ws`
// client that only JSON.parses each message), the transactions received per second and the
// event-loop delay p99, and their ratios; the target is p99 < 50 ms for the Tapline client.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { TrafficStore } from '../core/src/inventory/traffic-store';
import { SensorClient } from '../server/src/engine/sensor-client';
import { startSensorProcess, type SensorProcess } from '../test/support/sensor-process';

const SECONDS = Number(process.argv[2] ?? 20);
const RATE = 5000;

function har(): unknown {
  const entries = [];
  for (let i = 0; i < 2000; i++) {
    const resource = ['users', 'orders', 'items', 'carts', 'invoices', 'shipments', 'reviews', 'coupons'][i % 8]!;
    const sub = ['', '/history', '/lines', '/notes', '/events'][Math.floor(i / 8) % 5]!;
    const text = JSON.stringify({ id: i, name: `name-${i}`, tags: ['a', 'b'], total: i * 1.5, owner: { id: i % 97, email: null } });
    entries.push({
      startedDateTime: new Date(Date.UTC(2026, 10, 26, 9, 0, 0, i)).toISOString(),
      time: 3 + (i % 40),
      request: {
        method: i % 5 === 0 ? 'POST' : 'GET',
        url: `http://10.0.0.${1 + (i % 10)}:8080/api/v${1 + (i % 2)}/${resource}/${1000 + (i % 500)}${sub}?page=${i % 7}`,
        httpVersion: 'HTTP/1.1',
        headers: [{ name: 'Host', value: `svc-${i % 10}:8080` }, { name: 'Accept', value: 'application/json' }],
        queryString: [{ name: 'page', value: String(i % 7) }],
        cookies: [],
        headersSize: -1,
        bodySize: 0,
      },
      response: {
        status: i % 23 === 0 ? 404 : 200,
        statusText: '',
        httpVersion: 'HTTP/1.1',
        headers: [{ name: 'Content-Type', value: 'application/json' }],
        cookies: [],
        content: { size: text.length, mimeType: 'application/json', text },
        redirectURL: '',
        headersSize: -1,
        bodySize: text.length,
      },
      cache: {},
      timings: { send: 0, wait: 3, receive: 0 },
    });
  }
  return { log: { version: '1.2', creator: { name: 'bench', version: '1' }, entries } };
}

async function startSensor(dir: string): Promise<SensorProcess> {
  const file = join(dir, 'bench.har');
  writeFileSync(file, JSON.stringify(har()));
  return startSensorProcess(join(dir, 'token'), ['--listen', '127.0.0.1:0', '--replay', file, '--replay-loop', '--replay-rate', String(RATE), '--backlog', '0']);
}

interface Result {
  perSecond: number;
  p99Ms: number;
  maxMs: number;
  endpoints?: number;
}

function measure(seconds: number, start: (count: (n: number) => void) => () => void): Promise<Result> {
  return new Promise((resolve) => {
    let received = 0;
    const delay = monitorEventLoopDelay({ resolution: 10 });
    const stop = start((n) => (received += n));
    // Skip the first second (connection, JIT warm-up) before measuring.
    setTimeout(() => {
      received = 0;
      delay.enable();
      setTimeout(() => {
        delay.disable();
        stop();
        resolve({ perSecond: received / seconds, p99Ms: delay.percentile(99) / 1e6, maxMs: delay.max / 1e6 });
      }, seconds * 1000);
    }, 1000);
  });
}

function baseline(url: string, token: string): (count: (n: number) => void) => () => void {
  return (count) => {
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; items?: unknown[] };
      if (message.type === 'transactions') count(message.items?.length ?? 0);
    });
    return () => socket.terminate();
  };
}

function tapline(url: string, token: string, storeOut: { store?: TrafficStore }): (count: (n: number) => void) => () => void {
  return (count) => {
    const store = new TrafficStore();
    storeOut.store = store;
    const client = new SensorClient({ url, token, maxAttempts: 1 });
    client.on('transactions', (items) => {
      for (const item of items) store.add(item);
      count(items.length);
    });
    const drain = setInterval(() => store.drainDelta(), 250);
    client.start();
    return () => {
      clearInterval(drain);
      client.stop();
    };
  };
}

async function main(): Promise<void> {
  const sensor = await startSensor(mkdtempSync(join(tmpdir(), 'tapline-bench-')));
  try {
    const before = await measure(SECONDS / 2, baseline(sensor.url, sensor.token));
    const holder: { store?: TrafficStore } = {};
    const ours = await measure(SECONDS, tapline(sensor.url, sensor.token, holder));
    const after = await measure(SECONDS / 2, baseline(sensor.url, sensor.token));
    const base: Result = { perSecond: (before.perSecond + after.perSecond) / 2, p99Ms: (before.p99Ms + after.p99Ms) / 2, maxMs: Math.max(before.maxMs, after.maxMs) };
    const row = (name: string, r: Result): string => `${name.padEnd(34)} ${r.perSecond.toFixed(0).padStart(7)} tx/s   event-loop p99 ${r.p99Ms.toFixed(1).padStart(6)} ms   max ${r.maxMs.toFixed(1)} ms`;
    console.log(`sensor replaying at ${RATE} tx/s, ${SECONDS} s measured for Tapline, ${SECONDS / 2} s for each baseline bracket`);
    console.log(row('baseline (ws + JSON.parse), before', before));
    console.log(row('Tapline (validate + store)', ours));
    console.log(row('baseline (ws + JSON.parse), after', after));
    console.log(`ratio Tapline/baseline: throughput ${(ours.perSecond / base.perSecond).toFixed(2)}, event-loop p99 ${(ours.p99Ms / base.p99Ms).toFixed(2)}`);
    console.log(`target: event-loop p99 < 50 ms → ${ours.p99Ms < 50 ? 'met' : 'MISSED'} (${ours.p99Ms.toFixed(1)} ms); inventory: ${holder.store?.stats().endpoints ?? 0} endpoints`);
    console.log('memory after 1,000,000 transactions against the documented bound: node --import tsx bench/store.ts');
  } finally {
    await sensor.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

// Records the walkthrough's sample traffic (media/sample/petstore.har) from real traffic: the pet
// service (test/fixtures/sample-service/) on 127.0.0.1, a client calling it a few hundred times
// like an app would (documented calls, drift, errors, credentials), the real sensor capturing it
// with eBPF (filtered to the service's port) and redacting it, and its transactions written as HAR
// by core's exporter. Needs root (live capture). Rerun when the sensor or the service changes:
//   node --import tsx scripts/record-sample-har.ts [OUT.har]
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request, Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { transactionsToHar } from '../core/src/har/har-export';
import type { Transaction } from '../core/src/protocol/transaction';
import { SensorClient } from '../server/src/engine/sensor-client';
import { createPetService, listen } from '../test/fixtures/sample-service/pet-service';
import { startSensorProcess } from '../test/support/sensor-process';
import { sampleCalls, type SampleCall } from './sample-calls';

const OUT = process.argv[2] ?? join(__dirname, '..', 'media', 'sample', 'petstore.har');
const DEADLINE_MS = 60_000;
/** What the sensor must have removed: any of these in the HAR means redaction failed, and nothing is written. */
const SECRETS = ['ana@example.com', 'bo@example.org', 'eyJhbGciOiJIUzI1NiJ9', 'sk_test_', 'tapline-demo-key-'];

function send(agent: Agent, port: number, call: SampleCall): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: '127.0.0.1', port, method: call.method, path: call.path, headers: call.headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(call.body);
  });
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('recording needs live capture: run as root');
  const service = createPetService();
  // The demo's port when it is free, so that the sample reads like the demo; any port otherwise.
  const port = await listen(service, 8080).catch(() => listen(service, 0));
  const dir = mkdtempSync(join(tmpdir(), 'tapline-record-'));
  const sensor = await startSensorProcess(join(dir, 'sensor.token'), ['--listen', '127.0.0.1:0', '--port', String(port), '--max-rate', '0', '--max-rate-per-endpoint', '0', '--name', 'recorder']);
  const client = new SensorClient({ url: sensor.url, token: sensor.token });
  const received: Transaction[] = [];
  const calls = sampleCalls();
  try {
    const live = new Promise<void>((resolve, reject) => {
      client.on('state', (s) => {
        if (s.kind === 'live') resolve();
        if (s.kind === 'failed') reject(new Error(s.reason));
      });
    });
    client.on('transactions', (batch) => received.push(...batch.filter((t) => t.origin !== 'replay')));
    client.start();
    await live;
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    for (const call of calls) await send(agent, port, call);
    agent.destroy();
    // Waits on the stream, with a deadline: every call's exchange must have arrived.
    const start = Date.now();
    while (received.length < calls.length) {
      if (Date.now() - start > DEADLINE_MS) throw new Error(`waited ${DEADLINE_MS} ms for ${calls.length} transactions from the sensor; got ${received.length}`);
      await new Promise<void>((resolve) => client.once('transactions', () => resolve()));
    }
  } finally {
    client.stop();
    await sensor.stop();
    service.close();
  }
  received.sort((a, b) => a.startedAt - b.startedAt);
  const har = transactionsToHar(received, { creator: { name: 'tapline-sensor (scripts/record-sample-har.ts)', version: '0.1.0' } });
  // One entry per line: small, and a re-recording diffs entry by entry.
  const { entries, ...log } = har.log;
  const head = JSON.stringify({ log: { ...log, entries: [] } }).replace(/\[\]\}\}$/, '');
  const text = `${head}[\n${entries.map((e) => JSON.stringify(e)).join(',\n')}\n]}}\n`;
  const leaked = SECRETS.filter((s) => text.includes(s));
  if (leaked.length) throw new Error(`the recording still holds ${leaked.join(', ')}: redaction failed, nothing written`);
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, text);
  console.log(`record-sample-har: ${received.length} transactions from ${calls.length} calls to 127.0.0.1:${port} → ${OUT}`);
}

main().catch((error: unknown) => {
  console.error(`record-sample-har: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

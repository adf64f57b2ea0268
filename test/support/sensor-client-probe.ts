// The engine's sensor connection (SensorClient) as a child process, for tests that must run it
// somewhere else than the test (inside a network namespace): prints one JSON line per state
// change and per batch, with the running count of transactions it holds, so the test can wait
// on lines. Usage: node --import tsx sensor-client-probe.ts URL TOKEN HEARTBEAT_MS
import { SensorClient } from '../../server/src/engine/sensor-client';

const [url = '', token = '', heartbeat = '1000'] = process.argv.slice(2);
const client = new SensorClient({ url, token, heartbeatMs: Number(heartbeat), backoff: { baseMs: 100, maxMs: 400 } });
const ids = new Set<string>();
const say = (line: object): void => void process.stdout.write(`${JSON.stringify({ ...line, held: ids.size })}\n`);
client.on('state', (s) => say({ state: s.kind, ...(s.kind === 'retrying' ? { reason: s.reason } : {}) }));
client.on('transactions', (items) => {
  for (const t of items) ids.add(t.id);
  say({ batch: items.length });
});
process.once('SIGTERM', () => {
  client.stop();
  process.exit(0);
});
client.start();

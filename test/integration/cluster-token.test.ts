// The sensors of a dev cluster were given a new token (the Secret rotated, the DaemonSet rolled):
// the engine's nodes are refused (401), so Connect to Dev Cluster reads the Secret again and
// reconnects every node with the new token, instead of retrying the old one for ever. A real
// sensor stream server on loopback, reached through kubectl port-forward's stand-in; kubectl's
// answers are the recorded ones (no API server can run here), the Secret's token rotated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SensorStatus } from '../../core/src/messages';
import { ClusterHub } from '../../server/src/cluster/cluster-hub';
import { StreamServer } from '../../sensor/src/server/stream-server';
import { forwardCommand } from '../support/port-forward-standin';

const FIXTURES = join(__dirname, '..', 'fixtures', 'k8s');
const NEW_TOKEN = 'rotated-test-token-not-a-secret';

function secretHolding(token: string): string {
  const secret = JSON.parse(readFileSync(join(FIXTURES, 'kubectl-get-secret.json'), 'utf8')) as { data: { token: string } };
  secret.data.token = Buffer.from(token).toString('base64');
  return JSON.stringify(secret);
}

test('a node refusing the token makes the engine read the Secret again and reconnect with the new token', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tapline-token-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const sensor = new StreamServer({
    host: '127.0.0.1', port: 0, token: NEW_TOKEN,
    hello: () => ({ type: 'hello', protocol: 'tapline/1', sensor: { id: 's1', name: 'node-sensor', version: '0.1.0', hostname: 'h', mode: 'replay' }, capabilities: ['redaction'], serverTime: Date.now(), maxBodyBytes: 1024 }),
    counters: () => ({ transactions: 0, capturedEvents: 0, capturedBytes: 0, droppedEvents: 0, parseErrors: 0, redactions: 0, truncated: 0, deduplicated: 0, activeConnections: 0 }),
    log: () => undefined,
    badTokens: { baseMs: 1, maxMs: 5, windowMs: 60_000, maxAddresses: 16 },
  });
  const { port } = await sensor.listen();
  t.after(() => sensor.close());
  // Inside "the pod": a Unix socket in front of the sensor, as the port-forward stand-in expects.
  const sock = join(dir, 'pod.sock');
  const relay = createServer((c) => {
    const up = connect(port, '127.0.0.1');
    c.pipe(up).pipe(c);
    c.on('error', () => up.destroy());
    up.on('error', () => c.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(sock, resolve));
  t.after(() => relay.close());

  // The engine read the Secret before it rotated; every read after that sees the new token.
  let secretReads = 0;
  const logs: string[] = [];
  let onChange = (): void => undefined;
  const hub = new ClusterHub(
    { transactions: () => undefined, changed: () => onChange(), log: (_level, message) => logs.push(message) },
    {
      session: {
        run: (_o, a) => {
          if (a[1] === 'pods') return Promise.resolve({ stdout: readFileSync(join(FIXTURES, 'kubectl-get-sensor-pods.json'), 'utf8'), stderr: '' });
          if (a[1] === 'secret') return Promise.resolve({ stdout: secretHolding(secretReads++ === 0 ? 'the-token-before-rotation' : NEW_TOKEN), stderr: '' });
          return Promise.reject(new Error(`unexpected kubectl ${a.join(' ')}`));
        },
        watch: false,
        backoff: { baseMs: 20, maxMs: 100 },
        tokenRefreshMs: 0,
        forwardCommand: (pod, local) => forwardCommand(sock, pod.port)(local),
      },
      clientOptions: { backoff: { baseMs: 20, maxMs: 100 } },
    },
  );
  t.after(() => hub.disconnect());
  const opened = await hub.connect({ context: 'kind-dev' });
  assert.ok(opened.ok, JSON.stringify(opened));
  const statuses = (): SensorStatus[] => hub.statuses();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the nodes never went live: ${JSON.stringify(statuses())}; log: ${logs.join(' | ')}`)), 30_000);
    onChange = () => {
      const now = statuses();
      if (now.length !== 2 || !now.every((s) => s.state === 'live')) return;
      clearTimeout(timer);
      resolve();
    };
    onChange();
  });
  assert.ok(secretReads >= 2, 'the Secret was read again');
  assert.ok(logs.some((l) => l.includes('sensor refused the token (401)')), 'the old token was refused first');
  assert.ok(logs.some((l) => /holds a new one, nodes reconnected/.test(l)), logs.join('\n'));
});

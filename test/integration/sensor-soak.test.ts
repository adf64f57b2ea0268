// The short soak (test/soak/soak.ts through the real sensor, 20 s at 3,000 transactions/s): the
// fast client misses nothing, the slow client's drops are counted exactly, RSS does not climb.
// The heartbeat is 3 s and the slow client reads 10 ms every 2 s, so pings go out while megabytes
// are queued for it: it must stay connected (before the sensor's flow window, its pongs came too
// late and it was closed with nothing counted). The 10-minute run:
//   npm run reliability -- --record soak --seconds 600 --rate 1000
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { har, soak } from '../soak/soak';
import { startSensorProcess } from '../support/sensor-process';

test('soak: 20 s of saturating replay, one fast and one slow WebSocket client, heartbeats every 3 s', { timeout: 180_000 }, async () => {
  const r = await soak({ seconds: 20, rate: 3000, heartbeatMs: 3000, slowEveryMs: 2000 });
  console.log(`soak: sent ${r.sent}; fast received ${r.fast.received}, dropped ${r.fast.dropped}; slow received ${r.slow.received}, dropped ${r.slow.dropped}; RSS ${r.rssMiB[0]}→${r.rssMiB[r.rssMiB.length - 1]} MiB (growth ${r.rssGrowth}×)`);
  assert.equal(r.slowClosedWith, undefined, `the slow client was closed: ${r.sensorLog.join(' | ')}`);
  assert.doesNotMatch(r.sensorLog.join('\n'), /no pong/);
  assert.deepEqual(r.fast, { received: r.sent, dropped: 0 });
  assert.equal(r.slow.received + r.slow.dropped, r.sent);
  assert.ok(r.slow.dropped > 0, 'the slow client was slow enough to make the sensor drop');
  assert.ok(r.rssGrowth < 1.5, `RSS grew ${r.rssGrowth}× over the run: ${r.rssMiB.join(' ')}`);
});

test('a client that stops reading under saturating traffic is closed by the heartbeat; the others keep getting everything', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tapline-dead-client-'));
  writeFileSync(join(dir, 'soak.har'), har(200));
  const sensor = await startSensorProcess(join(dir, 'token'), [
    '--listen', '127.0.0.1:0', '--replay', join(dir, 'soak.har'), '--replay-loop', '--replay-rate', '3000',
    '--max-rate', '0', '--max-rate-per-endpoint', '0', '--heartbeat-ms', '500', '--backlog', '0',
  ]);
  let stderr = '';
  sensor.child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const open = (): Promise<WebSocket> => new Promise((resolve, reject) => {
    const ws = new WebSocket(sensor.url, { headers: { Authorization: `Bearer ${sensor.token}` } });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
  try {
    const live = await open();
    let liveItems = 0;
    live.on('message', (data) => {
      const m = JSON.parse(String(data)) as { type: string; items?: unknown[] };
      if (m.type === 'transactions') liveItems += m.items?.length ?? 0;
    });
    const dead = await open();
    // It never reads again: no pong can come back, while the sensor has plenty to send it.
    (dead as unknown as { _socket: { pause(): void } })._socket.pause();
    const end = Date.now() + 60_000;
    while (!/no pong, closing/.test(stderr) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    assert.match(stderr, /no pong, closing/);
    assert.equal((stderr.match(/no pong, closing/g) ?? []).length, 1, 'only the dead client was closed');
    const before = liveItems;
    while (liveItems < before + 3000 && Date.now() < end + 30_000) await new Promise((r) => setTimeout(r, 100));
    assert.ok(liveItems >= before + 3000, 'the live client keeps receiving');
    assert.equal(live.readyState, WebSocket.OPEN);
    live.close();
    dead.terminate();
  } finally {
    await sensor.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

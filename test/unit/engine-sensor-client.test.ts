import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from '../../server/src/engine/backoff';
import { streamUrl } from '../../server/src/engine/sensor-client';
import { RateMeter } from '../../server/src/engine/rate-meter';

test('backoff grows exponentially with jitter and is capped', () => {
  const low = { baseMs: 500, maxMs: 30_000, random: () => 0 };
  const high = { ...low, random: () => 1 };
  assert.deepEqual([0, 1, 2, 3].map((a) => backoffDelay(a, high)), [500, 1000, 2000, 4000]);
  assert.deepEqual([0, 1, 2, 3].map((a) => backoffDelay(a, low)), [250, 500, 1000, 2000]);
  assert.equal(backoffDelay(50, high), 30_000, 'capped at maxMs');
  assert.equal(backoffDelay(1000, low), 15_000, 'no overflow for large attempts');
});

test('sensor URLs: the stream path is added when missing, other schemes refused', () => {
  assert.equal(streamUrl('ws://127.0.0.1:7300'), 'ws://127.0.0.1:7300/v1/stream');
  assert.equal(streamUrl('wss://sensor.local:443/custom/path'), 'wss://sensor.local/custom/path');
  assert.throws(() => streamUrl('http://127.0.0.1:7300'), /ws:\/\/ or wss:\/\//);
});

test('rate meter: transactions per second over the complete seconds of the window', () => {
  const meter = new RateMeter();
  const t0 = Math.floor(Date.now() / 1000) * 1000;
  for (let s = 0; s < 5; s++) meter.add(100, t0 + s * 1000);
  assert.equal(meter.perSecond(t0 + 4500), 100);
  assert.equal(meter.perSecond(t0 + 20_000), 0, 'old seconds fall out of the window');
});

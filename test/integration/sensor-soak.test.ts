// The short soak (test/soak/soak.ts, 20 s at 3,000 transactions/s through the real sensor): the
// fast client misses nothing, the slow client's drops are counted exactly, RSS does not climb.
// The 10-minute run: node --import tsx test/soak/soak.ts --seconds 600 --rate 3000
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { soak } from '../soak/soak';

test('soak: 20 s of saturating replay, one fast and one slow WebSocket client', { timeout: 180_000 }, async () => {
  const r = await soak({ seconds: 20, rate: 3000 });
  console.log(`soak: sent ${r.sent}; fast received ${r.fast.received}, dropped ${r.fast.dropped}; slow received ${r.slow.received}, dropped ${r.slow.dropped}; RSS ${r.rssMiB[0]}→${r.rssMiB[r.rssMiB.length - 1]} MiB (growth ${r.rssGrowth}×)`);
  assert.deepEqual(r.fast, { received: r.sent, dropped: 0 });
  assert.equal(r.slow.received + r.slow.dropped, r.sent);
  assert.ok(r.slow.dropped > 0, 'the slow client was slow enough to make the sensor drop');
  assert.ok(r.rssGrowth < 1.5, `RSS grew ${r.rssGrowth}× over the run: ${r.rssMiB.join(' ')}`);
});

// The walkthrough's sample import is often what starts the engine, so it can arrive before the
// engine has read tapline.* settings. Those first settings, at their defaults, must not rebuild the
// store: the 320 sample calls stay 320. Other bounds still apply at once, in place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importHar, snapshot, type EngineState } from '../../server/src/engine/engine-services';
import { SensorHub } from '../../server/src/engine/sensor-hub';
import { Traffic } from '../../server/src/engine/traffic';
import { inventoryOptions } from '../../server/src/settings';

const SAMPLE = readFileSync(join(__dirname, '..', '..', 'media', 'sample', 'petstore.har'), 'utf8');

function calls(e: EngineState): number {
  return snapshot(e).inventory.services.flatMap((s) => s.endpoints).reduce((sum, endpoint) => sum + endpoint.count, 0);
}

test('settings at their defaults, read after an import, keep every call; a real change of bounds still applies', (t) => {
  const traffic = new Traffic();
  const sensors = new SensorHub({ transactions: (items) => traffic.add(items), changed: () => undefined, log: () => undefined });
  t.after(() => {
    sensors.dispose();
    traffic.dispose();
  });
  const e: EngineState = { epoch: 'e', traffic, sensors, endpointFindings: () => [] };
  const imported = importHar(e, SAMPLE, 'petstore.har');
  assert.ok(imported.ok && imported.imported === 320);
  assert.equal(calls(e), 320);

  traffic.reconfigure(inventoryOptions({}));
  assert.equal(calls(e), 320, 'the first settings (defaults) left the counts alone');

  const samples = (): number => traffic.observations().reduce((sum, o) => sum + o.samples.length, 0);
  const samplesBefore = samples();
  traffic.reconfigure(inventoryOptions({ maxSamplesPerEndpoint: 1 }));
  assert.equal(calls(e), 320, 'counters stay when bounds change: the store is reconfigured in place');
  assert.ok(samples() < samplesBefore, `a real change applies at once: samples trimmed to the new cap (${samplesBefore} → ${samples()})`);
});

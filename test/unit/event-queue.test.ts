// The extension's views ask the engine once per burst of changes: one run in flight, the changes
// heard meanwhile merged into the one run after it; a failed run is reported and the queue goes on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventQueue } from '../../extension/src/client/event-queue';
import type { EngineEvent } from '../../extension/src/client/language-client';

const none: EngineEvent = { reset: false, inventory: false, findings: false, sensors: false, transactions: false };

test('a burst of changes during a run costs one more run, which covers all of them', async () => {
  const runs: EngineEvent[] = [];
  const finish: Array<() => void> = [];
  const failures: unknown[] = [];
  const queue = new EventQueue(
    (event) => {
      runs.push(event);
      return new Promise<void>((resolve, reject) => finish.push(runs.length === 2 ? () => reject(new Error('engine gone')) : resolve));
    },
    (error) => failures.push(error),
  );
  queue.queue({ ...none, inventory: true });
  queue.queue({ ...none, findings: true });
  queue.queue({ ...none, reset: true });
  queue.queue({ ...none, sensors: true });
  assert.equal(runs.length, 1, 'one run in flight');
  finish.shift()!();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(runs, [{ ...none, inventory: true }, { ...none, findings: true, reset: true, sensors: true }]);
  finish.shift()!(); // the second run fails
  await new Promise((resolve) => setImmediate(resolve));
  assert.match(String(failures[0]), /engine gone/);
  queue.queue({ ...none, transactions: true });
  assert.equal(runs.length, 3, 'a failed run does not stop the queue');
  finish.shift()!();
});

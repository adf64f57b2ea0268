// The redaction corpus (test/fixtures/redaction/): recall over every secret in every place, and
// the share of benign look-alikes left byte for byte intact. Both must be 100%.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measureRedaction } from '../fixtures/redaction/measure';

test('redaction corpus: 100% recall and 100% benign values intact', () => {
  const s = measureRedaction();
  console.log(`redaction recall ${(s.recall * 100).toFixed(2)}% (${s.caught}/${s.secretPlacements} placements of ${s.secrets} secrets); benign intact ${(s.intactShare * 100).toFixed(2)}% (${s.intact}/${s.benignPlacements} placements of ${s.benign} look-alikes)`);
  assert.ok(s.secretPlacements > 400 && s.benignPlacements > 300, 'the corpus is all there');
  assert.deepEqual(s.misses, [], 'secrets that survived');
  assert.deepEqual(s.damaged, [], 'benign values that were changed');
  assert.equal(s.recall, 1);
  assert.equal(s.intactShare, 1);
});

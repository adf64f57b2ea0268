// The short run of the differential test (test/fuzz/http1-differential.ts): the sensor's request
// framing agrees with Node's llhttp on generated streams cut at random boundaries, except for
// the documented tolerances. The long run and its numbers: docs/reliability.md, docs/capture.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../fuzz/http1-differential';

test('sensor framing vs llhttp: no unexplained difference on 20,000 generated streams', () => {
  const seed = Number(process.env.TAPLINE_FUZZ_SEED ?? 20261202);
  const result = run({ runs: 20_000, seed });
  assert.equal(result.runs, 20_000);
  assert.deepEqual(result.examples, [], `seed ${seed}: ${result.differences} differences`);
  assert.equal(result.differences, 0);
  // The generator must reach the shapes it is for: agreement, and each tolerance class it produces.
  assert.ok(result.agreed > 15_000, `only ${result.agreed} agreed`);
  for (const cls of ['stricter-cl-and-te', 'stricter-transfer-encoding', 'stricter-connect-with-content', 'extension-method', 'other-http-version']) {
    assert.ok((result.tolerated[cls] ?? 0) > 0, `no input reached ${cls}`);
  }
});

// Short runs of the robustness targets in test/fuzz (the long runs and their counts are in
// docs/reliability.md, `npm run reliability`): no input crashes a target, and the heap stays
// bounded. A failure prints the batch seed and the input; rerun one target with
// `node --import tsx test/fuzz/<target>.ts --runs N --seed S`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FuzzOptions, FuzzSummary } from '../fuzz/harness';
import { run as frames } from '../fuzz/frames';
import { run as harImport } from '../fuzz/har-import';
import { run as harStream } from '../fuzz/har-stream';
import { run as http1Parser } from '../fuzz/http1-parser';
import { run as http2 } from '../fuzz/http2';
import { run as openapiLoader } from '../fuzz/openapi-loader';
import { run as protocol } from '../fuzz/protocol';
import { run as redaction } from '../fuzz/redaction';

const seed = Number(process.env.TAPLINE_FUZZ_SEED ?? 20261202);

const TARGETS: [string, (o: FuzzOptions) => FuzzSummary, number, string][] = [
  ['http1-parser', http1Parser, 10_000, 'messages'],
  ['http2', http2, 2_000, 'exchanges'],
  ['frames', frames, 10_000, 'event'],
  ['protocol', protocol, 10_000, 'accepted'],
  ['har-import', harImport, 5_000, 'transactions'],
  ['har-stream', harStream, 5_000, 'agreed'],
  ['openapi-loader', openapiLoader, 1_500, 'models'],
  ['redaction', redaction, 1_500, 'redacted'],
];

for (const [name, run, runs, reached] of TARGETS) {
  test(`${name}: ${runs} generated inputs, no crash, bounded heap`, () => {
    const s = run({ runs, seed });
    assert.equal(s.runs, runs);
    assert.deepEqual(s.examples, [], `seed ${seed}: ${s.crashes} crashes`);
    assert.equal(s.crashes, 0);
    assert.ok(s.peakHeapMiB < 512, `heap peaked at ${s.peakHeapMiB} MiB`);
    // The generators must reach the code they are for, not only its first rejection.
    assert.ok((s.counts[reached] ?? 0) > runs / 50, `only ${s.counts[reached] ?? 0} inputs reached "${reached}"`);
  });
}

// The HAR entry scanner (core/src/importers/har-entries.ts) against JSON.parse of the whole file:
// the same entries whatever the chunking (every split point, byte by byte), strings that hide
// quotes, brackets and backslash runs across chunk ends, and for broken files an error that says
// where or a reported entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HarEntryScanner } from '../../core/src/importers/har-entries';
import { cut } from '../fuzz/har-stream';

interface Scanned {
  entries: unknown[];
  bad: string[];
  version: unknown;
}

function scan(chunks: readonly Uint8Array[], maxEntryBytes?: number): Scanned {
  const out: Scanned = { entries: [], bad: [], version: undefined };
  const scanner = new HarEntryScanner(
    {
      entry: (value, i) => {
        assert.equal(i, out.entries.length + out.bad.length);
        out.entries.push(value);
      },
      badEntry: (i, message) => out.bad.push(`${i}: ${message}`),
      version: (v) => (out.version = v),
    },
    maxEntryBytes,
  );
  for (const c of chunks) scanner.write(c);
  scanner.end();
  return out;
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

// Strings that end in backslash runs, hide quotes and brackets, and multi-byte characters.
const TRICKY = [
  { request: { url: 'http://h/a', note: 'say \\"hi\\" [not {an} array]' }, response: { status: 200, content: { text: '{"x":[1,2,"]"]}\\\\' } } },
  { t: '\\\\\\"', u: 'ünïcödé ✓ 𝄞', n: -1.5e3, b: [true, false, null, [], {}], s: '' },
  { deep: [[[[{ a: '}}]]' }]]]], k: '\\' },
];

test('the same entries as JSON.parse of the whole file, at every split point and byte by byte', () => {
  const doc = { log: { version: '1.2', creator: { name: 'x', version: '1' }, pages: [{ id: 'p', title: '[{' }], entries: TRICKY } };
  for (const text of [JSON.stringify(doc), JSON.stringify(doc, null, 2), `\uFEFF${JSON.stringify(doc, null, '\t')}\r\n`]) {
    const data = bytes(text);
    for (let p = 0; p <= data.length; p++) {
      const r = scan([data.subarray(0, p), data.subarray(p)]);
      assert.deepEqual(r, { entries: TRICKY, bad: [], version: '1.2' }, `split at ${p}`);
    }
    assert.deepEqual(scan([...data].map((b) => new Uint8Array([b]))).entries, TRICKY);
  }
});

test('an entry that is not JSON but whose brackets balance is reported and the ones after it are read', () => {
  const text = '{"log":{"version":"1.2","entries":[{"a":1},{"b":2 "c":3},{"d":[4,]},{"e":5}]}}';
  const r = scan([bytes(text)]);
  assert.deepEqual(r.entries, [{ a: 1 }, { e: 5 }]);
  assert.deepEqual(r.bad.map((b) => b.split(':')[0]), ['1', '2']);
  assert.match(r.bad[0]!, /not JSON/);
});

test('broken JSON around the entries is an error that says where', () => {
  const cases: [string, RegExp][] = [
    ['{"log":{"version":"1.2","entries":[{"a":1}', /ended inside its JSON \(after 1 entries\)/],
    ['{"log":{"entries":[{"a":1},]}}', /"\]" at byte 27 in \$\.log\.entries, where a value was expected/],
    ['{"log" {"entries":[]}}', /" " at byte|"\{" at byte 7, where ":" was expected/],
    ['{"log":{"entries":[]}} trailing', /"t" at byte 23, where the end of the file was expected/],
    ['{"log":{"version":1.2.3,"entries":[]}}', /not valid JSON at \$\.log\.version/],
    ['{"log":{"entries":[],}}', /"\}" at byte 21 in \$\.log, where a key was expected/],
    ['openapi: 3.0.0', /"o" at byte 0, where a JSON object was expected/],
    ['{"lo\\x":{}}', /a key that is not a JSON string/],
  ];
  for (const [text, error] of cases) assert.throws(() => scan([bytes(text)]), error, text);
});

test('an entry over the size limit is left out and reported, and the scan goes on', () => {
  const big = { body: 'x'.repeat(5000) };
  const text = JSON.stringify({ log: { entries: [{ a: 1 }, big, { b: 2 }] } });
  const data = bytes(text);
  const r = scan(cut(data, [100, 2000, 4000]), 1000);
  assert.deepEqual(r.entries, [{ a: 1 }, { b: 2 }]);
  assert.deepEqual(r.bad, ['1: larger than 1000 bytes: left out']);
});

// Random and byte-mutated documents against JSON.parse: the har-stream fuzz target
// (test/fuzz/har-stream.ts), run short in test/unit/fuzz-targets.test.ts and long in docs/reliability.md.

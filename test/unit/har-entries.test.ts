// The HAR entry scanner (core/src/importers/har-entries.ts) against JSON.parse of the whole file:
// the same entries whatever the chunking (every split point, byte by byte, random cuts), strings
// that hide quotes, brackets and backslash runs across chunk ends, and for broken files an error
// or a reported entry — never entries that JSON.parse would not have given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HarEntryScanner } from '../../core/src/importers/har-entries';

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

function cut(data: Uint8Array, points: readonly number[]): Uint8Array[] {
  const at = [...new Set(points.map((p) => p % (data.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of at) {
    out.push(data.subarray(from, p));
    from = p;
  }
  out.push(data.subarray(from));
  return out;
}

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

test('random documents and random cuts: the scanner agrees with JSON.parse, or reports what JSON.parse rejects', () => {
  const entry = fc.jsonValue({ maxDepth: 3 });
  const docText = fc
    .record({ entries: fc.array(entry, { maxLength: 6 }), extra: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }), indent: fc.constantFrom(0, 1, 2) })
    .map(({ entries, extra, indent }) => JSON.stringify({ log: { ...extra, version: '1.2', entries } }, null, indent));
  // Byte changes anywhere (a quote, a bracket, a backslash, a comma, or any byte).
  const mutation = fc.array(fc.tuple(fc.nat(), fc.constantFrom(0x22, 0x5b, 0x5d, 0x7b, 0x7d, 0x5c, 0x2c, 0x3a, 0x20, 0x41, 0x00)), { maxLength: 3 });
  fc.assert(
    fc.property(docText, mutation, fc.array(fc.nat(), { maxLength: 8 }), (text, changes, points) => {
      const data = bytes(text);
      for (const [at, b] of changes) if (data.length > 0) data[at % data.length] = b;
      let reference: unknown;
      try {
        reference = JSON.parse(new TextDecoder().decode(data));
      } catch {
        reference = undefined;
      }
      let r: Scanned | undefined;
      let error: unknown;
      try {
        r = scan(cut(data, points));
      } catch (e) {
        error = e;
      }
      const log = (reference as { log?: { entries?: unknown } } | undefined)?.log;
      if (reference !== undefined && Array.isArray(log?.entries) && Object.keys(reference as object).length === 1) {
        // A document JSON.parse reads: the same entries, nothing reported, no error.
        assert.equal(error, undefined, String(error));
        assert.deepEqual(r!.entries, log.entries);
        assert.deepEqual(r!.bad, []);
      } else if (reference === undefined) {
        // One JSON.parse rejects: an error with a message, or at least one entry reported.
        assert.ok((error instanceof Error && error.message.length > 0) || (r !== undefined && r.bad.length > 0), 'a broken file went through unreported');
      }
    }),
    { numRuns: 1500, seed: 20261204 },
  );
});

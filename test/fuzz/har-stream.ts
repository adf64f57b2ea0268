// The streamed HAR reader's entry scanner (core/src/importers/har-entries.ts) against JSON.parse of
// the whole file: random HAR-shaped documents (random JSON entries, random extra log members, three
// indentations), some bytes changed to quotes, brackets, backslashes, commas or anything, cut into
// chunks at random points. Properties: a document JSON.parse reads gives the same entries, none
// reported, no error; one JSON.parse rejects gives an error with a message or a reported entry —
// never silence; nothing but an Error is thrown.
// Run: node --import tsx test/fuzz/har-stream.ts --runs N [--seed S]
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { HarEntryScanner } from '../../core/src/importers/har-entries';
import { count, fuzz, main, type FuzzOptions, type FuzzSummary } from './harness';

const document = fc
  .record({
    entries: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 6 }),
    extra: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }),
    indent: fc.constantFrom(0, 1, 2),
  })
  .map(({ entries, extra, indent }) => JSON.stringify({ log: { ...extra, version: '1.2', entries } }, null, indent));

const BYTES = [0x22, 0x5b, 0x5d, 0x7b, 0x7d, 0x5c, 0x2c, 0x3a, 0x20, 0x41, 0x00, 0xff];
const input = fc.record({
  text: document,
  changes: fc.array(fc.tuple(fc.nat(), fc.constantFrom(...BYTES)), { maxLength: 3 }),
  cuts: fc.array(fc.nat(), { maxLength: 8 }),
});

/** Splits `data` at the given points (taken modulo its length). */
export function cut(data: Uint8Array, points: readonly number[]): Uint8Array[] {
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

export function run(opts: FuzzOptions): FuzzSummary {
  return fuzz('har-stream', opts, input, ({ text, changes, cuts }, counts) => {
    const data = new TextEncoder().encode(text);
    for (const [at, b] of changes) if (data.length > 0) data[at % data.length] = b;
    let reference: unknown;
    try {
      reference = JSON.parse(new TextDecoder().decode(data));
    } catch {
      reference = undefined;
    }
    const entries: unknown[] = [];
    const bad: string[] = [];
    let error: unknown;
    try {
      const scanner = new HarEntryScanner({ entry: (v) => entries.push(v), badEntry: (i, m) => bad.push(`${i}: ${m}`), version: () => undefined });
      // A chunk is valid only until the next write (the CLI reuses its buffer): so here too.
      const scratch = new Uint8Array(data.length);
      for (const chunk of cut(data, cuts)) {
        const view = scratch.subarray(0, chunk.length);
        view.set(chunk);
        scanner.write(view);
        view.fill(0x2a);
      }
      scanner.end();
    } catch (e) {
      if (!(e instanceof Error)) throw new Error(`threw a non-Error: ${String(e)}`);
      error = e;
    }
    const log = (reference as { log?: { entries?: unknown } } | undefined)?.log;
    if (reference !== undefined && Array.isArray(log?.entries) && Object.keys(reference as object).length === 1) {
      if (error !== undefined) throw new Error(`a valid document was rejected: ${(error as Error).message}`);
      if (bad.length > 0) throw new Error(`a valid document had entries reported: ${bad[0]}`);
      if (!isDeepStrictEqual(entries, log.entries)) throw new Error(`entries differ from JSON.parse's (${entries.length} against ${log.entries.length})`);
      count(counts, 'agreed');
      count(counts, 'entries', entries.length);
    } else if (reference === undefined) {
      if (error === undefined && bad.length === 0) throw new Error('a file JSON.parse rejects went through unreported');
      count(counts, error !== undefined ? 'rejected' : 'reported');
    } else {
      count(counts, 'other');
    }
  });
}

if (require.main === module) main(run, process.argv.slice(2));

// Differential fuzz of the sensor's HPACK decoder (sensor/src/http2/hpack.ts) against hpack.js:
// sequences of header blocks on one connection's table — indexed fields (static and dynamic),
// literals with, without and never indexing, names by index or literal, strings raw or Huffman
// coded (with hpack.js's code table, not ours), table size updates that evict (some to sizes
// that entries fill exactly) — encoded here,
// then some blocks byte-mutated (flips, cuts, insertions). Property: block after block both
// decoders give the same fields in the same order, or both reject the block; after a rejection
// the sequence stops (the table is lost for both).
// Run: node --import tsx test/fuzz/hpack.ts --runs N [--seed S]
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { HeaderBlockDecoder } from '../../sensor/src/http2/hpack';
import { count, fuzz, main, type FuzzOptions, type FuzzSummary } from './harness';

interface Decompressor {
  write(block: Buffer): void;
  execute(): void;
  read(): { name: string; value: string } | null;
}
const load = createRequire(__filename);
const hpack = load('hpack.js') as { decompressor: { create(options: { table: { maxSize: number } }): Decompressor } };
/** hpack.js's Huffman code, symbol → [bit length, code]. */
const HUFFMAN = (load('hpack.js/lib/hpack/huffman.js') as { encode: [number, number][] }).encode;

const CAPACITY = 64 * 1024; // what the sensor's decoder follows; hpack.js is given the same
const STATIC = 61;

type Op =
  | { t: 'indexed'; ref: number }
  | { t: 'literal'; mode: 'inc' | 'no' | 'never'; nameRef: number | undefined; name: string; value: string; huffName: boolean; huffValue: boolean }
  | { t: 'size'; size: number };

function integer(out: number[], first: number, prefix: number, value: number): void {
  const max = (1 << prefix) - 1;
  if (value < max) {
    out.push(first | value);
    return;
  }
  out.push(first | max);
  let rest = value - max;
  while (rest >= 128) {
    out.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
}

function string(out: number[], s: string, huffman: boolean): void {
  const octets = Buffer.from(s, 'latin1');
  if (!huffman) {
    integer(out, 0, 7, octets.length);
    for (const o of octets) out.push(o);
    return;
  }
  const coded: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const o of octets) {
    const [length, code] = HUFFMAN[o] ?? [0, 0];
    for (let b = length - 1; b >= 0; b--) {
      acc = (acc << 1) | (Math.floor(code / 2 ** b) & 1);
      if (++bits === 8) {
        coded.push(acc);
        acc = 0;
        bits = 0;
      }
    }
  }
  if (bits > 0) coded.push((acc << (8 - bits)) | ((1 << (8 - bits)) - 1)); // EOS's leading ones
  integer(out, 0x80, 7, coded.length);
  out.push(...coded);
}

/** The encoder's side of the table, to pick indexes that exist (most of the time). */
class Model {
  private sizes: number[] = []; // newest first
  private max = CAPACITY;
  get length(): number {
    return this.sizes.length;
  }
  add(size: number): void {
    this.sizes.unshift(size);
    this.trim();
  }
  resize(max: number): void {
    this.max = max;
    this.trim();
  }
  private trim(): void {
    let total = this.sizes.reduce((a, b) => a + b, 0);
    while (this.sizes.length > 0 && total > this.max) total -= this.sizes.pop() ?? 0;
  }
}

function encode(ops: readonly Op[], model: Model): Buffer {
  const out: number[] = [];
  for (const op of ops) {
    if (op.t === 'indexed') {
      // Mostly an index that exists; now and then one just past the end (or 0).
      const span = STATIC + model.length;
      integer(out, 0x80, 7, op.ref % 400 === 0 ? op.ref % (span + 2) : (op.ref % span) + 1);
    } else if (op.t === 'size') {
      integer(out, 0x20, 5, op.size);
      if (op.size <= CAPACITY) model.resize(op.size);
    } else {
      const [first, prefix] = op.mode === 'inc' ? [0x40, 6] : op.mode === 'no' ? [0x00, 4] : [0x10, 4];
      const nameIndex = op.nameRef === undefined ? 0 : (op.nameRef % (STATIC + model.length)) + 1;
      integer(out, first, prefix, nameIndex);
      if (nameIndex === 0) string(out, op.name, op.huffName);
      string(out, op.value, op.huffValue);
      // The name's length is not known here when it comes by index: a guess keeps the model close enough.
      if (op.mode === 'inc') model.add(32 + (nameIndex === 0 ? op.name.length : 8) + op.value.length);
    }
  }
  return Buffer.from(out);
}

const octets = (max: number): fc.Arbitrary<string> => fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: max }).map((a) => String.fromCharCode(...a));
const text = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('content-type', 'x-request-id', 'grpc-status', ':path', 'cookie', 'application/json', '/items/42', 'a'.repeat(3000), '', 'x', 'v'.repeat(31)) },
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }).map((s) => Buffer.from(s, 'utf8').toString('latin1')) },
  { weight: 1, arbitrary: octets(60) },
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.nat().map((ref) => ({ t: 'indexed' as const, ref })) },
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant('literal' as const),
      mode: fc.constantFrom('inc' as const, 'inc' as const, 'no' as const, 'never' as const),
      nameRef: fc.option(fc.nat(), { nil: undefined }),
      name: text,
      value: text,
      huffName: fc.boolean(),
      huffValue: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 5000 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 4096, CAPACITY, CAPACITY + 1, 2 ** 28) },
    // Tables that entries of 64 octets (name "x", 31 octets of value) fill exactly.
    { weight: 4, arbitrary: fc.constantFrom(64, 128, 192, 256) },).map((size) => ({ t: 'size' as const, size })) },
);
const mutation = fc.record({ block: fc.nat(), at: fc.nat(), kind: fc.constantFrom('flip', 'cut', 'insert'), byte: fc.integer({ min: 0, max: 255 }) });
const input = fc.record({
  blocks: fc.array(fc.array(op, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 12 }),
  mutations: fc.oneof(fc.constant([]), fc.array(mutation, { minLength: 1, maxLength: 2 })),
});

function reference(d: Decompressor, block: Buffer): { ok: true; headers: { name: string; value: string }[] } | { ok: false } {
  try {
    d.write(block);
    d.execute();
    const headers: { name: string; value: string }[] = [];
    for (let f = d.read(); f !== null; f = d.read()) headers.push({ name: f.name, value: f.value });
    return { ok: true, headers };
  } catch {
    return { ok: false };
  }
}

export function run(opts: FuzzOptions): FuzzSummary {
  return fuzz('hpack', opts, input, ({ blocks, mutations }, counts) => {
    const model = new Model();
    const encoded = blocks.map((ops) => encode(ops, model));
    for (const m of mutations) {
      const i = m.block % encoded.length;
      const b = encoded[i] ?? Buffer.alloc(0);
      const at = m.at % (b.length + 1);
      if (m.kind === 'flip' && at < b.length) b[at] = (b[at] ?? 0) ^ (1 << (m.byte % 8));
      if (m.kind === 'cut') encoded[i] = b.subarray(0, at);
      if (m.kind === 'insert') encoded[i] = Buffer.concat([b.subarray(0, at), Buffer.from([m.byte]), b.subarray(at)]);
    }
    const mine = new HeaderBlockDecoder(Number.MAX_SAFE_INTEGER);
    const theirs = hpack.decompressor.create({ table: { maxSize: CAPACITY } });
    for (const block of encoded) {
      if (block.length === 0) continue; // HEADERS with an empty block: nothing for either to decode
      const a = mine.decode(block);
      const b = reference(theirs, block);
      if ((a !== undefined) !== b.ok) throw new Error(`sensor ${a ? 'decoded' : `rejected (${mine.failure})`}, hpack.js ${b.ok ? 'decoded' : 'rejected'} block ${block.toString('hex').slice(0, 200)}`);
      if (!a || !b.ok) {
        count(counts, 'rejected');
        return;
      }
      count(counts, 'blocks');
      count(counts, 'fields', a.length);
      const x = JSON.stringify(a.map((h) => [h.name, h.value]));
      const y = JSON.stringify(b.headers.map((h) => [h.name, h.value]));
      if (x !== y) throw new Error(`fields differ: sensor ${x.slice(0, 200)} hpack.js ${y.slice(0, 200)}`);
    }
  });
}

if (require.main === module) main(run, process.argv.slice(2));

// The sensor's HPACK decoder (sensor/src/http2/hpack.ts): its tables against hpack.js's, RFC
// 7541's own examples, the table's eviction and size updates, and a short run of the differential
// fuzz against hpack.js (the long run: `node --import tsx test/fuzz/hpack.ts --runs 1000000`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { HeaderBlockDecoder } from '../../sensor/src/http2/hpack';
import { CODES, huffmanDecode } from '../../sensor/src/http2/huffman';
import { STATIC_TABLE } from '../../sensor/src/http2/hpack-static';
import { run } from '../fuzz/hpack';

const load = createRequire(__filename);
const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const fields = (d: HeaderBlockDecoder, block: Buffer): [string, string][] => {
  const r = d.decode(block);
  assert.ok(r, d.failure);
  return r.map((h) => [h.name, h.value]);
};

test('the Huffman code and the static table are those of hpack.js', () => {
  const theirs = (load('hpack.js/lib/hpack/huffman.js') as { encode: [number, number][] }).encode;
  assert.equal(theirs.length, 257);
  for (let s = 0; s < 257; s++) assert.deepEqual([CODES[s]?.length, CODES[s]?.code], theirs[s], `symbol ${s}`);
  const table = (load('hpack.js/lib/hpack/static-table.js') as { table: { name: string; value: string }[] }).table;
  assert.deepEqual(STATIC_TABLE.map((h) => [h.name, h.value]), table.map((h) => [h.name, h.value]));
});

test('RFC 7541 C.4: requests with Huffman coding, the dynamic table carried across blocks', () => {
  const d = new HeaderBlockDecoder(65536);
  assert.deepEqual(fields(d, hex('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff')), [[':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'www.example.com']]);
  assert.deepEqual(fields(d, hex('8286 84be 5886 a8eb 1064 9cbf')), [[':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'www.example.com'], ['cache-control', 'no-cache']]);
  assert.deepEqual(fields(d, hex('8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf')), [[':method', 'GET'], [':scheme', 'https'], [':path', '/index.html'], [':authority', 'www.example.com'], ['custom-key', 'custom-value']]);
});

test('Huffman strings: padding of up to 7 one bits, nothing else', () => {
  const www = hex('f1e3 c2e5 f23a 6ba0 ab90 f4ff'); // "www.example.com" (C.4.1)
  assert.equal(huffmanDecode(www, 0, www.length), 'www.example.com');
  assert.equal(huffmanDecode(Buffer.from([0xff]), 0, 1), undefined, 'eight bits of padding');
  assert.equal(huffmanDecode(Buffer.from([0x00]), 0, 1), undefined, "'0' (00000) then padding that is not all ones");
  assert.equal(huffmanDecode(Buffer.from([0x07]), 0, 1), '0', "'0' (00000) then 111");
  assert.equal(huffmanDecode(Buffer.from([0xff, 0xff, 0xff, 0xff]), 0, 4), undefined, 'EOS inside the string');
  assert.equal(huffmanDecode(Buffer.alloc(0), 0, 0), '');
});

test('size updates evict, an entry larger than the table empties it, stale indexes are rejected', () => {
  const d = new HeaderBlockDecoder(65536);
  // Literal with incremental indexing, new name "x", value of 31 octets: 64 octets in the table.
  const entry = (c: string): Buffer => Buffer.concat([hex('40 01'), Buffer.from('x'), Buffer.from([31]), Buffer.from(c.repeat(31))]);
  fields(d, Buffer.concat([hex('3f 61'), entry('a'), entry('b')])); // size update to 128 (31 + 97), two entries fit exactly
  assert.deepEqual(fields(d, hex('be bf')), [['x', 'b'.repeat(31)], ['x', 'a'.repeat(31)]]);
  fields(d, entry('c')); // evicts "a"
  assert.deepEqual(fields(d, hex('be bf')), [['x', 'c'.repeat(31)], ['x', 'b'.repeat(31)]]);
  // An entry of 32 + 1 + 96 octets does not fit in 128: the table is emptied, the field still decoded.
  const big = Buffer.concat([hex('40 01'), Buffer.from('x'), Buffer.from([96]), Buffer.from('d'.repeat(96))]);
  assert.deepEqual(fields(d, big), [['x', 'd'.repeat(96)]]);
  assert.equal(d.decode(hex('be')), undefined);
  assert.match(d.failure ?? '', /index 62 beyond the table/);
  // The table is lost with the failed block: everything after is rejected too.
  assert.equal(d.decode(hex('82')), undefined);
});

test('a size update above what the sensor follows, index 0 and cut blocks are rejected', () => {
  assert.equal(new HeaderBlockDecoder(65536).decode(hex('3f e2 ff 03')), undefined); // 31 + 65506 = 65537
  assert.equal(new HeaderBlockDecoder(65536).decode(hex('80')), undefined);
  assert.equal(new HeaderBlockDecoder(65536).decode(hex('40 05 61 62')), undefined);
  assert.equal(new HeaderBlockDecoder(65536).decode(hex('ff ff ff ff ff ff')), undefined);
  const d = new HeaderBlockDecoder(65536);
  d.allowTableSize(1 << 20);
  assert.equal(d.decode(hex('82')), undefined);
});

test('fields over the header cap are dropped and said so', () => {
  const d = new HeaderBlockDecoder(32 + 7 + 3 + 32 + 5 + 1);
  const r = d.decode(hex('82 84 87')); // :method GET (42), :path / (38), :scheme https (44)
  assert.ok(r);
  assert.deepEqual(r.map((h) => h.name), [':method', ':path']);
  assert.equal(d.dropped, true);
});

test('differential fuzz against hpack.js: 3,000 generated block sequences decode alike', () => {
  const s = run({ runs: 3000, seed: Number(process.env.TAPLINE_FUZZ_SEED ?? 20261203) });
  assert.deepEqual(s.examples, []);
  assert.equal(s.crashes, 0);
  assert.ok((s.counts.fields ?? 0) > 30_000, `only ${s.counts.fields ?? 0} fields decoded`);
  assert.ok((s.counts.rejected ?? 0) > 100, 'the mutations reached the rejections');
});

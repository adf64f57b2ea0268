// HPACK decoding per header block, warm: the sensor's decoder (sensor/src/http2/hpack.ts, bundled
// as scripts/build.mjs bundles the sensor) against hpack.js (the decoder it replaced, driven as
// the sensor drove it: write, execute, read every field) on the same blocks, rounds interleaved in
// one process. The blocks: the request block a load generator repeats (five fields, the first
// one literal and every later one indexed from the dynamic table), a server's answer block, and
// a gRPC-like request with Huffman-coded literals that are not indexed (new strings every block),
// all encoded by hpack.js's own compressor (the last by hand). CPU time per block, median of 7.
//   node --import tsx bench/hpack-decode.ts [--blocks 2000]
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- an ambient module declaration (hpack.js ships no types), not a module to import
/// <reference path="../sensor/src/http2/hpack-js.d.ts" />
import { createRequire } from 'node:module';
import hpack from 'hpack.js';
import type { HeaderBlockDecoder } from '../sensor/src/http2/hpack';
import { bundled } from './ab-base';
import { reportTarget } from './target';

const i = process.argv.indexOf('--blocks');
const count = i >= 0 ? Number(process.argv[i + 1]) : 2000;
const TABLE = 64 * 1024;

const { HeaderBlockDecoder: Decoder } = bundled<{ HeaderBlockDecoder: typeof HeaderBlockDecoder }>("export { HeaderBlockDecoder } from './sensor/src/http2/hpack';");

function encode(fields: (n: number) => Array<{ name: string; value: string }>): Buffer[] {
  const c = hpack.compressor.create({ table: { maxSize: 4096 } });
  const blocks: Buffer[] = [];
  for (let n = 0; n < count; n++) {
    c.write(fields(n));
    const parts: Buffer[] = [];
    for (let b = c.read(); b !== null; b = c.read()) parts.push(b);
    blocks.push(Buffer.concat(parts));
  }
  return blocks;
}

const request = encode(() => [
  { name: ':method', value: 'GET' },
  { name: ':path', value: '/items/42' },
  { name: ':scheme', value: 'https' },
  { name: ':authority', value: '127.0.0.1:8443' },
  { name: 'user-agent', value: 'h2load nghttp2/1.52.0' },
]);
const response = encode(() => [
  { name: ':status', value: '200' },
  { name: 'content-type', value: 'application/json' },
  { name: 'content-length', value: '56' },
  { name: 'date', value: 'Thu, 03 Dec 2026 14:00:00 GMT' },
]);
// Literals without indexing, Huffman-coded, a new path and id every block (as nghttp2 sends :path
// values it chose not to index): the Huffman decoder's share.
const grpc = ((): Buffer[] => {
  const huffman = (createRequire(__filename)('hpack.js/lib/hpack/huffman.js') as { encode: [number, number][] }).encode;
  const str = (s: string): number[] => {
    let bits = '';
    for (const o of Buffer.from(s, 'latin1')) bits += (huffman[o]?.[1] ?? 0).toString(2).padStart(huffman[o]?.[0] ?? 0, '0');
    bits = bits.padEnd(Math.ceil(bits.length / 8) * 8, '1');
    const out = [0x80 | (bits.length / 8)];
    for (let b = 0; b < bits.length; b += 8) out.push(parseInt(bits.slice(b, b + 8), 2));
    return out;
  };
  const blocks: Buffer[] = [];
  for (let n = 0; n < count; n++) {
    // :method POST (3), :scheme https (7), literal :path (name index 4), literal x-request-id.
    blocks.push(Buffer.from([0x83, 0x87, 0x04, ...str(`/tapline.Items/Get${n % 97}`), 0x00, ...str('x-request-id'), ...str(`req-${n}-4f3a9c2e`), 0x00, ...str('content-type'), ...str('application/grpc')]));
  }
  return blocks;
})();

type Decode = (block: Buffer) => number;
function sensor(): Decode {
  const d = new Decoder(TABLE);
  return (b) => {
    const r = d.decode(b);
    if (!r) throw new Error(d.failure);
    return r.length;
  };
}
function reference(): Decode {
  const d = hpack.decompressor.create({ table: { maxSize: TABLE } });
  return (b) => {
    d.write(b);
    d.execute();
    let n = 0;
    for (let f = d.read(); f !== null; f = d.read()) n += f.name.length > 0 ? 1 : 0;
    return n;
  };
}

/** Lets the event loop turn, as the daemon's does between reads: hpack.js defers work with process.nextTick. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function usPerBlock(make: () => Decode, blocks: Buffer[]): Promise<number> {
  const t0 = process.cpuUsage();
  let fields = 0;
  for (let k = 0; k < 10; k++) {
    const decode = make(); // a new connection: the blocks fill its table again
    for (const b of blocks) fields += decode(b);
    await turn();
  }
  const t = process.cpuUsage(t0);
  if (fields === 0) throw new Error('nothing decoded');
  return (t.user + t.system) / (10 * blocks.length);
}

const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? NaN;

const kinds = [['request', request], ['response', response], ['grpc literals', grpc]] as const;
// Warm-up on every kind first, both decoders: a decoder compiled on one kind's blocks alone is
// recompiled when the next kind arrives, which would be charged to that kind's first rounds.
void (async () => {
  for (let w = 0; w < 3; w++) {
    for (const [, blocks] of kinds) {
      await usPerBlock(sensor, blocks);
      await usPerBlock(reference, blocks);
    }
  }
  let worst = 0;
  for (const [label, blocks] of kinds) {
    const mine: number[] = [];
    const theirs: number[] = [];
    for (let r = 0; r < 7; r++) {
      theirs.push(await usPerBlock(reference, blocks));
      mine.push(await usPerBlock(sensor, blocks));
    }
    const ratio = median(mine) / median(theirs);
    worst = Math.max(worst, ratio);
    console.log(`${label} block (${blocks[0]?.length ?? 0} bytes first, ${blocks[1]?.length ?? 0} after): sensor ${median(mine).toFixed(3)} µs, hpack.js ${median(theirs).toFixed(3)} µs CPU per block; sensor ÷ hpack.js ${ratio.toFixed(3)}`);
  }
  reportTarget('HPACK decode (bundled), sensor ÷ hpack.js CPU per block, worst of three kinds', worst, { atMost: 1 }, '×');
})();

// What the daemon's HPACK decoding (sensor/src/http2/hpack.ts over hpack.js) costs per header
// block, warm: the request block a load generator repeats (five fields, the first one literal and
// every later one indexed from the dynamic table) and a server's answer block, encoded by
// hpack.js's own compressor. CPU time per block, median of 5 rounds; the figure an HPACK decoder
// written here would have to beat in the same run before replacing hpack.js.
//   node --import tsx bench/hpack-decode.ts [--blocks 2000]
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- an ambient module declaration (hpack.js ships no types), not a module to import
/// <reference path="../sensor/src/http2/hpack-js.d.ts" />
import hpack from 'hpack.js';
import { HeaderBlockDecoder } from '../sensor/src/http2/hpack';

const i = process.argv.indexOf('--blocks');
const count = i >= 0 ? Number(process.argv[i + 1]) : 2000;

function encode(fields: Array<{ name: string; value: string }>): Buffer[] {
  const c = hpack.compressor.create({ table: { size: 4096 } });
  const blocks: Buffer[] = [];
  for (let n = 0; n < count; n++) {
    c.write(fields);
    const parts: Buffer[] = [];
    for (let b = c.read(); b !== null; b = c.read()) parts.push(b);
    blocks.push(Buffer.concat(parts));
  }
  return blocks;
}

const request = encode([
  { name: ':method', value: 'GET' },
  { name: ':path', value: '/items/42' },
  { name: ':scheme', value: 'https' },
  { name: ':authority', value: '127.0.0.1:8443' },
  { name: 'user-agent', value: 'h2load nghttp2/1.52.0' },
]);
const response = encode([
  { name: ':status', value: '200' },
  { name: 'content-type', value: 'application/json' },
  { name: 'content-length', value: '56' },
  { name: 'date', value: 'Thu, 03 Dec 2026 14:00:00 GMT' },
]);

function usPerBlock(blocks: Buffer[]): number {
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = process.cpuUsage();
    for (let k = 0; k < 10; k++) {
      const d = new HeaderBlockDecoder(65536); // a new connection: the blocks fill its table again
      for (const b of blocks) if (!d.decode([b]).ok) throw new Error('a block did not decode');
    }
    const t = process.cpuUsage(t0);
    rounds.push((t.user + t.system) / (10 * blocks.length));
  }
  return rounds.sort((a, b) => a - b)[2]!;
}

usPerBlock(request); // warm-up
console.log(`request block (${request[0]!.length} bytes first, ${request[1]!.length} after): ${usPerBlock(request).toFixed(2)} µs CPU per block`);
console.log(`response block (${response[0]!.length} bytes first, ${response[1]!.length} after): ${usPerBlock(response).toFixed(2)} µs CPU per block`);

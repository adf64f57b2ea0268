// Robustness of the loader's frame decoder (sensor/src/capture/frames.ts): streams of valid
// frames (open, data, close, stats, ready, proc records with random fields, laid out from layout.ts), frames with lying lengths,
// wrong magic, truncated records and random bytes between them, pushed in random chunks.
// Properties: push never throws; every frame it returns is one of the known shapes; a data
// event's payload never exceeds what its record held.
// Run: node --import tsx test/fuzz/frames.ts --runs N [--seed S]
import fc from 'fast-check';
import { FRAME_MAGIC, FrameDecoder } from '../../sensor/src/capture/frames';
import { CLOSE, DATA_HDR, OPEN, PROC, READY, REC, STATS } from '../../sensor/src/capture/layout';
import { count, fuzz, main, type FuzzOptions, type FuzzSummary } from './harness';

const SIZES: Record<number, number> = { [REC.open]: OPEN.size, [REC.close]: CLOSE.size, [REC.stats]: STATS.size, [REC.ready]: READY.size, [REC.proc]: PROC.size };

function frame(type: number, body: Uint8Array, payload: Uint8Array, lie: number): Buffer {
  const size = type === REC.data ? DATA_HDR.size + payload.length : (SIZES[type] ?? body.length);
  const rec = Buffer.alloc(size);
  Buffer.from(body).copy(rec, 0, 0, Math.min(body.length, size));
  rec[0] = type;
  if (type === REC.data) {
    rec[DATA_HDR.dir] = body[1] ?? 0 & 1;
    rec[DATA_HDR.tls] = (body[2] ?? 0) & 1;
    rec.writeUInt32LE(payload.length, DATA_HDR.len);
    rec.writeUInt32LE(payload.length + ((body[3] ?? 0) & 7), DATA_HDR.orig_len);
    Buffer.from(payload).copy(rec, DATA_HDR.size);
  }
  const head = Buffer.alloc(8);
  head.writeUInt32LE(FRAME_MAGIC, 0);
  head.writeUInt32LE(Math.max(0, rec.length + lie), 4);
  return Buffer.concat([head, rec]);
}

const piece = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom(1, 2, 3, 4, 5, 6, 0, 9), fc.uint8Array({ minLength: 112, maxLength: 112 }), fc.uint8Array({ maxLength: 200 }), fc.constantFrom(0, 0, 0, 0, -1, 1, -50, 1 << 21)).map(([t, b, p, lie]) => frame(t, b, p, lie)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: fc.constant(Buffer.from('TPL1')) },
);

const input = fc.record({
  pieces: fc.array(piece, { maxLength: 12 }),
  cuts: fc.array(fc.nat({ max: 3000 }), { maxLength: 10 }),
  copy: fc.boolean(),
});

export function run(opts: FuzzOptions): FuzzSummary {
  return fuzz('frames', opts, input, ({ pieces, cuts, copy }, counts) => {
    const all = Buffer.concat(pieces);
    const decoder = new FrameDecoder(copy);
    const points = [...new Set(cuts.map((c) => c % (all.length + 1)))].sort((a, b) => a - b);
    let at = 0;
    for (const end of [...points, all.length]) {
      if (end < at) continue;
      for (const f of decoder.push(all.subarray(at, end))) {
        count(counts, f.type);
        if (f.type === 'event' && f.event.kind === 'data' && f.event.data.length > 200) throw new Error('payload larger than any record held');
        if (f.type !== 'event' && f.type !== 'stats' && f.type !== 'ready' && f.type !== 'process') throw new Error(`unknown frame ${String((f as { type: unknown }).type)}`);
      }
      at = end;
    }
    count(counts, 'badFrames', decoder.badFrames);
  });
}

if (require.main === module) main(run, process.argv.slice(2));

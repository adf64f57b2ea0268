// Robustness of the sensor's HTTP/2 session (sensor/src/http2/: framing, HPACK (encoded by hpack.js),
// streams paired into exchanges) on both directions of a connection: well-formed conversations
// (preface, SETTINGS, HEADERS split into CONTINUATION, padded DATA, trailers, RST_STREAM, GOAWAY,
// PING, WINDOW_UPDATE, PRIORITY, PUSH_PROMISE, unknown frame types, many streams), the same
// byte-mutated, and random bytes after the preface — interleaved, cut at random points, with
// capture gaps. Properties: it never throws; no body over the cap; a well-formed conversation
// fails only where the capture lost bytes, and gives at most one exchange per stream the client
// opened; once stopped it stays so.
// Run: node --import tsx test/fuzz/http2.ts --runs N [--seed S]
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { Http2Session } from '../../sensor/src/http2/session';
import { CLIENT_PREFACE } from '../../sensor/src/http2/frames';
import { h2Frame } from '../support/h2-frames';
import { count, fuzz, main, mutated, type FuzzOptions, type FuzzSummary } from './harness';

const MAX_BODY = 128;

interface Piece {
  from: 'client' | 'server';
  bytes: Buffer;
}

const frame = h2Frame;

/** hpack.js's encoder (the sensor only decodes; its typings live in the sensor's project). */
interface Compressor {
  write(fields: { name: string; value: string }[]): void;
  read(): Buffer | null;
}
const hpack = createRequire(__filename)('hpack.js') as { compressor: { create(options: { table: { maxSize: number } }): Compressor } };

function encoder(): (fields: [string, string][]) => Buffer {
  const c = hpack.compressor.create({ table: { maxSize: 4096 } });
  return (fields) => {
    c.write(fields.map(([name, value]) => ({ name, value })));
    const parts: Buffer[] = [];
    for (let b = c.read(); b !== null; b = c.read()) parts.push(b);
    return Buffer.concat(parts);
  };
}

/** HEADERS, split into CONTINUATION frames at `split` bytes when it is smaller than the block. */
function headerFrames(stream: number, block: Buffer, endStream: boolean, split: number, pad: number): Buffer[] {
  const first = block.subarray(0, Math.min(split, block.length));
  const padded = pad > 0 ? Buffer.concat([Buffer.from([pad]), first, Buffer.alloc(pad)]) : first;
  const last = first.length === block.length;
  const out = [frame(0x1, (endStream ? 0x1 : 0) | (last ? 0x4 : 0) | (pad > 0 ? 0x8 : 0), stream, padded)];
  for (let at = first.length; at < block.length; at += split) {
    const part = block.subarray(at, at + split);
    out.push(frame(0x9, at + split >= block.length ? 0x4 : 0, stream, part));
  }
  return out;
}

const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
const value = fc.stringMatching(/^[ -~]{0,24}$/);
const streamShape = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'CONNECT', ''),
  path: fc.stringMatching(/^\/[a-zA-Z0-9/._~%-]{0,20}(\?[a-z0-9=&]{0,10})?$/),
  headers: fc.array(fc.tuple(token, value), { maxLength: 4 }),
  body: fc.uint8Array({ maxLength: 300 }),
  status: fc.constantFrom(100, 200, 204, 404, 500, 0),
  answer: fc.uint8Array({ maxLength: 300 }),
  trailers: fc.boolean(),
  ending: fc.constantFrom('normal', 'normal', 'client-rst', 'server-rst', 'unanswered'),
  split: fc.integer({ min: 1, max: 64 }),
  pad: fc.constantFrom(0, 0, 3),
});

/** A conversation: the pieces each side wrote, in the order the sensor would see them. */
const conversation = fc
  .record({
    streams: fc.array(streamShape, { minLength: 1, maxLength: 6 }),
    extras: fc.array(fc.constantFrom('ping', 'window', 'priority', 'unknown', 'push', 'goaway', 'settings-ack'), { maxLength: 4 }),
    order: fc.array(fc.nat(), { maxLength: 40 }),
  })
  .map(({ streams, extras, order }) => {
    const enc = { client: encoder(), server: encoder() };
    const queues: Record<'client' | 'server', Buffer[]> = {
      client: [Buffer.concat([CLIENT_PREFACE, frame(0x4, 0, 0, Buffer.from([0, 4, 0, 0, 0xff, 0xff]))])],
      server: [frame(0x4, 0, 0, Buffer.from([0, 3, 0, 0, 0, 100]))],
    };
    streams.forEach((s, i) => {
      const id = 1 + 2 * i;
      const req: [string, string][] = [...(s.method ? [[':method', s.method] as [string, string]] : []), [':path', s.path], [':scheme', 'https'], [':authority', 'fuzz'], ...s.headers];
      queues.client.push(...headerFrames(id, enc.client(req), s.body.length === 0, s.split, s.pad));
      if (s.body.length > 0) queues.client.push(frame(0x0, 0x1 | (s.pad ? 0x8 : 0), id, s.pad ? Buffer.concat([Buffer.from([s.pad]), Buffer.from(s.body), Buffer.alloc(s.pad)]) : Buffer.from(s.body)));
      if (s.ending === 'client-rst') queues.client.push(frame(0x3, 0, id, Buffer.from([0, 0, 0, 8])));
      if (s.ending === 'unanswered' || s.ending === 'client-rst') return;
      if (s.status === 100) queues.server.push(...headerFrames(id, enc.server([[':status', '100']]), false, 64, 0));
      queues.server.push(...headerFrames(id, enc.server([[':status', String(s.status === 100 ? 200 : s.status)], ['content-type', 'application/grpc']]), false, s.split, 0));
      queues.server.push(frame(0x0, s.trailers ? 0 : 0x1, id, Buffer.from(s.answer)));
      if (s.trailers) queues.server.push(...headerFrames(id, enc.server([['grpc-status', '3'], ['grpc-message', 'bad%20thing']]), true, s.split, 0));
      if (s.ending === 'server-rst') queues.server.push(frame(0x3, 0, id, Buffer.from([0, 0, 0, 2])));
    });
    for (const e of extras) {
      if (e === 'ping') queues.client.push(frame(0x6, 0, 0, Buffer.alloc(8, 7)));
      if (e === 'window') queues.server.push(frame(0x8, 0, 0, Buffer.from([0, 0, 0x10, 0])));
      if (e === 'priority') queues.client.push(frame(0x2, 0, 1, Buffer.from([0, 0, 0, 0, 16])));
      if (e === 'unknown') queues.server.push(frame(0xfa, 0xff, 5, Buffer.from('whatever')));
      if (e === 'push') queues.server.push(frame(0x5, 0x4, 1, Buffer.concat([Buffer.from([0, 0, 0, 2]), enc.server([[':method', 'GET'], [':path', '/pushed']])])));
      if (e === 'goaway') queues.server.push(frame(0x7, 0, 0, Buffer.from([0, 0, 0, 1, 0, 0, 0, 0])));
      if (e === 'settings-ack') queues.client.push(frame(0x4, 0x1, 0, Buffer.alloc(0)));
    }
    // Interleave the two directions as `order` says, each keeping its own order.
    const pieces: Piece[] = [];
    let k = 0;
    while (queues.client.length + queues.server.length > 0) {
      const pick = (order[k++ % Math.max(1, order.length)] ?? 0) % 2 === 0 ? 'client' : 'server';
      const from = queues[pick].length > 0 ? pick : pick === 'client' ? 'server' : 'client';
      pieces.push({ from, bytes: queues[from].shift() ?? Buffer.alloc(0) });
    }
    return { pieces, streams: streams.length };
  });

/** One direction's bytes as text, for the harness's byte mutations, and back. */
const latin1 = (pieces: Piece[], from: 'client' | 'server'): string => Buffer.concat(pieces.filter((p) => p.from === from).map((p) => p.bytes)).toString('latin1');

const input = fc.record({
  conversation: fc.oneof(
    conversation.map((c) => ({ ...c, wellFormed: true })),
    // A mutated direction: the other left as it was.
    fc
      .tuple(conversation, fc.constantFrom<'client' | 'server'>('client', 'server'))
      .chain(([c, side]) =>
        mutated(fc.constant(latin1(c.pieces, side))).map((text) => ({
          pieces: [...c.pieces.filter((p) => p.from !== side), { from: side, bytes: Buffer.from(text, 'latin1') }],
          streams: c.streams,
          wellFormed: false,
        })),
      ),
    fc.tuple(fc.uint8Array({ maxLength: 400 }), fc.uint8Array({ maxLength: 400 })).map(([a, b]) => ({
      pieces: [
        { from: 'client' as const, bytes: Buffer.concat([CLIENT_PREFACE, Buffer.from(a)]) },
        { from: 'server' as const, bytes: Buffer.from(b) },
      ],
      streams: 0,
      wellFormed: false,
    })),
  ),
  cuts: fc.array(fc.nat({ max: 2000 }), { maxLength: 8 }),
  gapAt: fc.option(fc.nat({ max: 12 }), { nil: undefined }),
});

export function run(opts: FuzzOptions): FuzzSummary {
  return fuzz('http2', opts, input, ({ conversation: c, cuts, gapAt }, counts) => {
    let exchanges = 0;
    let stoppedOnce = false;
    const session = new Http2Session({
      maxBody: MAX_BODY,
      maxHeaderBytes: 1024,
      onExchange: (request, response) => {
        count(counts, 'exchanges');
        exchanges++;
        if (request.body.length > MAX_BODY || (response?.body.length ?? 0) > MAX_BODY) throw new Error('a body over the cap');
        if (response?.head.kind === 'response' && response.trailers.length > 0) count(counts, 'trailers');
      },
      onError: (reason) => {
        count(counts, 'protocolErrors');
        // A conversation as peers send it fails only where the capture lost bytes.
        if (c.wellFormed && gapAt === undefined) throw new Error(`a well-formed conversation failed: ${reason}`);
      },
      onTruncated: () => count(counts, 'truncated'),
    });
    let i = 0;
    for (const p of c.pieces) {
      // Each piece cut where `cuts` falls inside it, as the kernel may hand over a write in parts.
      const points = [...new Set(cuts.map((x) => x % (p.bytes.length + 1)))].sort((a, b) => a - b);
      let at = 0;
      for (const end of [...points, p.bytes.length]) {
        if (end <= at) continue;
        session.feed(p.from, p.bytes.subarray(at, end), BigInt(++i), i === gapAt ? 11 : 0);
        if (stoppedOnce && !session.stopped) throw new Error('a stopped session started again');
        stoppedOnce = session.stopped;
        at = end;
      }
    }
    session.close(BigInt(++i));
    // Each stream the client opened becomes at most one exchange (mutations may open others).
    if (c.wellFormed && exchanges > c.streams) throw new Error(`${exchanges} exchanges from ${c.streams} streams`);
  });
}

if (require.main === module) main(run, process.argv.slice(2));

// One HTTP/2 connection as one process saw it: the client's and the server's frames, each
// direction with its own HPACK table, streams paired into exchanges when both ends finished
// (END_STREAM), were reset (RST_STREAM) or fell behind a GOAWAY. A frame that breaks the
// protocol is counted and ends the session's parsing; nothing here throws on traffic.
import type { ParsedMessage } from '../http/parser';
import { FLAG, FRAME, FrameReader, unpad, type Frame } from './frames';
import { HeaderBlockDecoder } from './hpack';
import { StreamMessage } from './stream-message';

export interface SessionHooks {
  maxBody: number;
  /** Header fields per message above this are dropped (and the message marked truncated). */
  maxHeaderBytes?: number;
  /** A stream done; `response` is absent when the stream ended unanswered. */
  onExchange: (request: ParsedMessage, response: ParsedMessage | undefined) => void;
  onError: (reason: string) => void;
  onTruncated: () => void;
}

interface Stream {
  request: StreamMessage;
  response: StreamMessage;
}

/** Streams open at once before the oldest is given up (a peer's MAX_CONCURRENT_STREAMS is far lower). */
const MAX_OPEN_STREAMS = 1000;

export class Http2Session {
  private readonly streams = new Map<number, Stream>();
  private readonly readers: Record<'client' | 'server', FrameReader>;
  private readonly decoders: Record<'client' | 'server', HeaderBlockDecoder>;
  /** A header block in flight (HEADERS without END_HEADERS, then CONTINUATION), per direction; a HEADERS frame with END_HEADERS never makes one. */
  private readonly pendingBlock: Record<'client' | 'server', { streamId: number; parts: Uint8Array[]; endStream: boolean } | undefined> = {
    client: undefined,
    server: undefined,
  };
  private dead = false;
  private lastNs = 0n;

  constructor(private readonly hooks: SessionHooks) {
    this.readers = {
      client: new FrameReader(true, (f) => this.frame('client', f), (r) => this.fail(r)),
      server: new FrameReader(false, (f) => this.frame('server', f), (r) => this.fail(r)),
    };
    const max = hooks.maxHeaderBytes ?? 64 * 1024;
    this.decoders = { client: new HeaderBlockDecoder(max), server: new HeaderBlockDecoder(max) };
  }

  get stopped(): boolean {
    return this.dead;
  }

  /** Bytes the client sent (`from: 'client'`) or the server sent. */
  feed(from: 'client' | 'server', data: Uint8Array, ns: bigint, missing: number): void {
    if (this.dead) return;
    if (ns > this.lastNs) this.lastNs = ns;
    this.readers[from].feed(data, ns, missing);
  }

  /** After an h2c Upgrade (RFC 7540 §3.2): the HTTP/1.1 request is stream 1, answered in HTTP/2. */
  upgraded(request: ParsedMessage): void {
    this.streams.set(1, { request: StreamMessage.upgraded(request), response: new StreamMessage('response') });
  }

  /** The connection ended: streams still open become exchanges (an unanswered request, or a cut answer). */
  close(ns: bigint): void {
    for (const [id, s] of this.streams) {
      this.streams.delete(id);
      this.finish(s, ns, true);
    }
  }

  private frame(from: 'client' | 'server', f: Frame): void {
    if (this.dead) return;
    const pending = this.pendingBlock[from];
    if (pending && f.type !== FRAME.CONTINUATION) return this.fail('a header block was interrupted by another frame');
    switch (f.type) {
      case FRAME.HEADERS:
        return this.headers(from, f);
      case FRAME.CONTINUATION:
        if (!pending || pending.streamId !== f.streamId) return this.fail('CONTINUATION without a header block');
        pending.parts.push(f.payload);
        if (f.flags & FLAG.END_HEADERS) this.endBlock(from);
        return;
      case FRAME.DATA:
        return this.data(from, f);
      case FRAME.RST_STREAM:
        return this.reset(f);
      case FRAME.GOAWAY:
        return this.goaway(f);
      case FRAME.PUSH_PROMISE:
        // Its header block changes the server's HPACK table: decode it, then forget the pushed stream.
        return this.pushPromise(from, f);
      case FRAME.SETTINGS:
        if (!(f.flags & FLAG.ACK)) this.settings(from, f.payload);
        return;
      default:
        return; // PRIORITY, PING, WINDOW_UPDATE and unknown types carry nothing we record
    }
  }

  private headers(from: 'client' | 'server', f: Frame): void {
    if (f.streamId === 0) return this.fail('HEADERS on stream 0');
    let block = unpad(f.payload, f.flags);
    if (!block) return this.fail('HEADERS padding longer than the frame');
    if (f.flags & FLAG.PRIORITY) {
      if (block.length < 5) return this.fail('HEADERS priority fields cut short');
      block = block.subarray(5);
    }
    const endStream = (f.flags & FLAG.END_STREAM) !== 0;
    this.stamp(from, f);
    if (f.flags & FLAG.END_HEADERS) this.block(from, f.streamId, block, endStream);
    // The payload is a view of the captured bytes, which stay as they are: kept as it is.
    else this.pendingBlock[from] = { streamId: f.streamId, parts: [block], endStream };
  }

  private endBlock(from: 'client' | 'server'): void {
    const pending = this.pendingBlock[from];
    this.pendingBlock[from] = undefined;
    if (pending) this.block(from, pending.streamId, Buffer.concat(pending.parts), pending.endStream);
  }

  /** A whole header block of a stream, decoded in order (the table changes with every block). */
  private block(from: 'client' | 'server', streamId: number, block: Uint8Array, endStream: boolean): void {
    const decoder = this.decoders[from];
    const fields = decoder.decode(block);
    if (!fields) return this.fail(decoder.failure ?? 'HPACK');
    const stream = this.stream(streamId, from);
    if (!stream) return;
    const message = from === 'client' ? stream.request : stream.response;
    message.addHeaders(fields, decoder.dropped);
    if (endStream) this.ended(streamId, stream, message);
  }

  private data(from: 'client' | 'server', f: Frame): void {
    const stream = this.streams.get(f.streamId);
    if (!stream) return; // a stream we did not see open (capture started mid-connection) or already reset
    const payload = f.missing > 0 ? f.payload : unpad(f.payload, f.flags);
    if (!payload) return this.fail('DATA padding longer than the frame');
    const message = from === 'client' ? stream.request : stream.response;
    message.addData(payload, f.missing, f.ns, this.hooks.maxBody);
    if (f.flags & FLAG.END_STREAM) this.ended(f.streamId, stream, message);
  }

  private ended(id: number, stream: Stream, message: StreamMessage): void {
    message.ended = true;
    if (stream.request.ended && stream.response.ended) {
      this.streams.delete(id);
      this.finish(stream, message.endNs, false);
    }
  }

  private reset(f: Frame): void {
    const stream = this.streams.get(f.streamId);
    if (!stream) return;
    this.streams.delete(f.streamId);
    stream.response.stamp(f.ns);
    this.finish(stream, f.ns, true);
  }

  private goaway(f: Frame): void {
    if (f.payload.length < 8) return this.fail('GOAWAY cut short');
    const p = f.payload;
    const last = ((p[0] & 0x7f) << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
    // Streams above the last one the server processed were never handled: they end unanswered.
    for (const [id, s] of this.streams) {
      if (id <= last) continue;
      this.streams.delete(id);
      this.finish(s, f.ns, true);
    }
  }

  private pushPromise(from: 'client' | 'server', f: Frame): void {
    const block = unpad(f.payload, f.flags);
    if (!block || block.length < 4) return this.fail('PUSH_PROMISE cut short');
    if (!(f.flags & FLAG.END_HEADERS)) return this.fail('PUSH_PROMISE with CONTINUATION is not followed');
    const decoder = this.decoders[from];
    if (!decoder.decode(block.subarray(4))) this.fail(decoder.failure ?? 'HPACK');
  }

  private settings(from: 'client' | 'server', payload: Uint8Array): void {
    for (let i = 0; i + 6 <= payload.length; i += 6) {
      const id = (payload[i] << 8) | payload[i + 1];
      const value = ((payload[i + 2] << 24) >>> 0) + ((payload[i + 3] << 16) | (payload[i + 4] << 8) | payload[i + 5]);
      // HEADER_TABLE_SIZE bounds the table the *other* side's encoder may use, so our decoder of it.
      if (id === 0x1) this.decoders[from === 'client' ? 'server' : 'client'].allowTableSize(value);
    }
  }

  private stamp(from: 'client' | 'server', f: Frame): void {
    const stream = this.stream(f.streamId, from);
    if (!stream) return;
    (from === 'client' ? stream.request : stream.response).stamp(f.ns);
  }

  private stream(id: number, from: 'client' | 'server'): Stream | undefined {
    const existing = this.streams.get(id);
    if (existing) return existing;
    if (from === 'server') return undefined; // an answer to a stream opened before the capture began
    if (this.streams.size >= MAX_OPEN_STREAMS) {
      const oldest = this.streams.entries().next();
      if (!oldest.done) {
        this.streams.delete(oldest.value[0]);
        this.finish(oldest.value[1], oldest.value[1].request.endNs, true);
      }
    }
    const s: Stream = { request: new StreamMessage('request'), response: new StreamMessage('response') };
    this.streams.set(id, s);
    return s;
  }

  private finish(s: Stream, ns: bigint, cut: boolean): void {
    const request = s.request.toParsed(ns, cut);
    if (!request) return;
    const response = s.response.toParsed(ns, cut);
    if (request.truncated || response?.truncated) this.hooks.onTruncated();
    this.hooks.onExchange(request, response);
  }

  private fail(reason: string): void {
    if (this.dead) return;
    this.dead = true;
    this.hooks.onError(`HTTP/2: ${reason}`);
    this.close(this.lastNs);
  }
}

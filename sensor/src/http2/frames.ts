// HTTP/2 framing (RFC 9113 §4): one direction of a connection cut into frames as the kernel's
// pieces arrive. Payloads are views of the captured bytes (which are never reused, as for the
// HTTP/1.x parser's body slices); only a frame split across pieces is copied, once, when the
// pieces are joined. Bytes the capture did not copy are tolerated
// only inside a DATA payload (the body is then truncated); anywhere else the frame boundaries
// are lost and the reader stops, saying why.

export const FRAME = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
} as const;

export const FLAG = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4, PADDED: 0x8, PRIORITY: 0x20 } as const;

export const CLIENT_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export interface Frame {
  type: number;
  flags: number;
  streamId: number;
  payload: Uint8Array;
  /** Payload bytes that crossed the wire but were not captured (DATA only). */
  missing: number;
  ns: bigint;
}

/** Frames larger than this are not HTTP/2 a peer would send (SETTINGS_MAX_FRAME_SIZE tops at 2^24-1). */
const MAX_FRAME = (1 << 24) - 1;

const EMPTY = new Uint8Array(0);

export class FrameReader {
  private buffer: Uint8Array = EMPTY;
  /** One frame object per reader, refilled for each frame: `onFrame` reads it during the call, never keeps it. */
  private readonly current: Frame = { type: 0, flags: 0, streamId: 0, payload: EMPTY, missing: 0, ns: 0n };
  private prefaceLeft: number;
  private failed: string | undefined;

  constructor(
    expectPreface: boolean,
    private readonly onFrame: (frame: Frame) => void,
    private readonly onFail: (reason: string) => void,
  ) {
    this.prefaceLeft = expectPreface ? CLIENT_PREFACE.length : 0;
  }

  get stopped(): boolean {
    return this.failed !== undefined;
  }

  /** `missing`: bytes of this piece that crossed the wire but were not captured (they follow `data`). */
  feed(data: Uint8Array, ns: bigint, missing: number): void {
    if (this.failed) return;
    let bytes = this.buffer.length > 0 ? concat(this.buffer, data) : data;
    this.buffer = EMPTY;
    if (this.prefaceLeft > 0) {
      const offset = CLIENT_PREFACE.length - this.prefaceLeft;
      const n = Math.min(this.prefaceLeft, bytes.length);
      for (let i = 0; i < n; i++) {
        if (bytes[i] !== CLIENT_PREFACE[offset + i]) return this.fail('the connection preface is not HTTP/2');
      }
      this.prefaceLeft -= n;
      bytes = bytes.subarray(n);
    }
    let at = 0;
    while (bytes.length - at >= 9) {
      const length = (bytes[at] << 16) | (bytes[at + 1] << 8) | bytes[at + 2];
      const type = bytes[at + 3];
      const flags = bytes[at + 4];
      const streamId = ((bytes[at + 5] & 0x7f) << 24) | (bytes[at + 6] << 16) | (bytes[at + 7] << 8) | bytes[at + 8];
      if (length > MAX_FRAME || type > 0xff) return this.fail('frame length out of range');
      const available = bytes.length - at - 9;
      if (available < length) {
        // A DATA frame cut by the capture: what is missing lies in its payload, keep what we have.
        if (missing > 0 && type === FRAME.DATA && available + missing >= length) {
          this.emit(type, flags, streamId, bytes.subarray(at + 9), length - available, ns);
          missing -= length - available;
          at = bytes.length;
          if (missing > 0) return this.fail('capture gap across frame boundaries');
          return;
        }
        break;
      }
      this.emit(type, flags, streamId, bytes.subarray(at + 9, at + 9 + length), 0, ns);
      at += 9 + length;
      if (this.failed) return;
    }
    if (missing > 0) return this.fail('capture gap across frame boundaries');
    if (at < bytes.length) this.buffer = bytes.subarray(at);
  }

  private emit(type: number, flags: number, streamId: number, payload: Uint8Array, missing: number, ns: bigint): void {
    const f = this.current;
    f.type = type;
    f.flags = flags;
    f.streamId = streamId;
    f.payload = payload;
    f.missing = missing;
    f.ns = ns;
    this.onFrame(f);
    f.payload = EMPTY; // the bytes are the session's now, not this reader's
  }

  private fail(reason: string): void {
    if (this.failed) return;
    this.failed = reason;
    this.buffer = EMPTY;
    this.onFail(reason);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Strip the padding of a PADDED frame; undefined when the pad length exceeds the payload. */
export function unpad(payload: Uint8Array, flags: number): Uint8Array | undefined {
  if (!(flags & FLAG.PADDED)) return payload;
  if (payload.length < 1) return undefined;
  const pad = payload[0];
  if (pad > payload.length - 1) return undefined;
  return payload.subarray(1, payload.length - pad);
}

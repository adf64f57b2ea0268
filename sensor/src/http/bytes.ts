// Byte helpers shared by the HTTP/1.x parser's files: capture buffers arrive as Uint8Array or
// Buffer, and the parser decodes only the bytes it must (heads, chunk lines) as latin1.

export function asBuffer(buf: Uint8Array): Buffer {
  return Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.length);
}

/**
 * Node's own latin1 decoder, without `toString`'s argument handling (it runs for every head).
 * Its native side takes any ArrayBufferView as `this`, so a capture's plain Uint8Array is decoded
 * where it lies, without a Buffer made around it first (one object per head, measurable live).
 */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, start: number, end: number): string }).latin1Slice;

export function latin1(buf: Uint8Array, from: number, to: number): string {
  const end = to > buf.length ? buf.length : to;
  if (end <= from) return '';
  return latin1Slice.call(buf, from, end);
}

export function concat(slices: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const s of slices) {
    out.set(s, at);
    at += s.length;
  }
  return out;
}

/** Bytes put aside (copied, since capture buffers are short-lived) until it is known what they are. */
export class HeldBytes {
  private parts: Uint8Array[] = [];
  /** How many bytes are held. */
  size = 0;
  /** When the first of them was seen. */
  ns = 0n;

  add(data: Uint8Array, ns: bigint): void {
    if (data.length === 0) return;
    if (this.size === 0) this.ns = ns;
    this.size += data.length;
    this.parts.push(data.slice());
  }

  /** Everything held, joined, and forgotten here. */
  take(): Uint8Array {
    const out = this.parts.length === 1 ? (this.parts[0] ?? new Uint8Array(0)) : concat(this.parts, this.size);
    this.clear();
    return out;
  }

  clear(): void {
    this.parts = [];
    this.size = 0;
  }
}

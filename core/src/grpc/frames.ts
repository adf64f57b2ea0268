// gRPC's length-prefixed messages (grpc/doc/PROTOCOL-HTTP2.md): each is a 1-byte compressed flag,
// a 4-byte big-endian length and that many bytes. A body kept by the sensor may stop in the middle
// of one (its cap, or a sample's): the cut message is reported as such, never guessed at.
import type { CapturedBody } from '../protocol/transaction';

export interface GrpcFrame {
  compressed: boolean;
  /** The length the prefix declared. */
  length: number;
  /** The bytes present (fewer than `length` when the body was cut). */
  data: Uint8Array;
  complete: boolean;
}

export interface SplitBody {
  frames: GrpcFrame[];
  /** Bytes after the last frame too few to hold a prefix (a cut body), or a flag that is not 0/1. */
  leftover: number;
  /** Set when the bytes are not gRPC framing at all (a flag other than 0 or 1). */
  invalid?: string;
}

/** Messages past this many per direction are counted, not split (a long stream's sample). */
export const MAX_FRAMES = 64;
/** Hex shown per message. */
export const MAX_HEX_BYTES = 512;

export function bodyBytes(body: CapturedBody | undefined): Uint8Array {
  if (!body) return new Uint8Array(0);
  if (body.encoding === 'base64' && body.base64 !== undefined) {
    let binary: string;
    try {
      binary = atob(body.base64);
    } catch {
      return new Uint8Array(0);
    }
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  }
  if (body.encoding === 'text' && body.text !== undefined) return new TextEncoder().encode(body.text);
  return new Uint8Array(0);
}

export function splitFrames(bytes: Uint8Array): SplitBody {
  const frames: GrpcFrame[] = [];
  let at = 0;
  while (at + 5 <= bytes.length && frames.length < MAX_FRAMES) {
    const flag = bytes[at]!;
    if (flag > 1) return { frames, leftover: bytes.length - at, invalid: `byte ${at} is ${flag}, not a compressed flag (0 or 1)` };
    const length = ((bytes[at + 1]! << 24) >>> 0) + (bytes[at + 2]! << 16) + (bytes[at + 3]! << 8) + bytes[at + 4]!;
    const start = at + 5;
    const end = Math.min(bytes.length, start + length);
    frames.push({ compressed: flag === 1, length, data: bytes.subarray(start, end), complete: end - start === length });
    at = start + length;
  }
  return { frames, leftover: Math.max(0, bytes.length - at) };
}

/** `0a 03 66 6f 6f`, the first MAX_HEX_BYTES bytes, `…` when there are more. */
export function toHex(bytes: Uint8Array): string {
  const shown = bytes.subarray(0, MAX_HEX_BYTES);
  const parts: string[] = [];
  for (const b of shown) parts.push(b.toString(16).padStart(2, '0'));
  return parts.join(' ') + (bytes.length > MAX_HEX_BYTES ? ' …' : '');
}

// Turning captured body bytes into a CapturedBody: Content-Encoding (gzip, deflate, br) decoded
// for inspection with the same cap as the wire bytes, then text when it is text, base64 when not.
import * as zlib from 'node:zlib';
import type { CapturedBody } from '../../../core/src/protocol/transaction';

export interface BodyInput {
  bytes: Uint8Array;
  /** Bytes on the wire (after transfer decoding), including bytes not kept. */
  size: number;
  truncated: boolean;
  contentType?: string;
  contentEncoding?: string;
  maxBody: number;
}

const TEXT_TYPES = /^(text\/|application\/(?:[\w.+-]*\+)?(?:json|xml|javascript|ecmascript|x-www-form-urlencoded|graphql|x-ndjson|yaml|x-yaml)\b)|\+json\b|\+xml\b/i;

/**
 * The body as a CapturedBody: synchronously when there is nothing to decompress (the common
 * case, no promise allocated), as a promise when a Content-Encoding must be decoded first.
 */
export function buildBody(input: BodyInput): CapturedBody | undefined | Promise<CapturedBody | undefined> {
  if (input.size === 0 && input.bytes.length === 0) return undefined;
  const coding = input.contentEncoding?.trim().toLowerCase();
  if (coding && coding !== 'identity' && input.bytes.length > 0) return buildDecoded(input, coding);
  return finishBody(input, input.bytes, input.truncated, undefined);
}

async function buildDecoded(input: BodyInput, coding: string): Promise<CapturedBody | undefined> {
  const decoded = await decodeContent(input.bytes, coding, input.maxBody, input.truncated);
  if (!decoded) {
    // Unknown or undecodable coding: ship the raw bytes as binary rather than mojibake.
    const raw: CapturedBody = { size: input.size, truncated: input.truncated, encoding: 'base64', base64: Buffer.from(input.bytes).toString('base64') };
    if (input.contentType) raw.contentType = input.contentType;
    return raw;
  }
  return finishBody(input, decoded.bytes, input.truncated || decoded.truncated, coding);
}

function finishBody(input: BodyInput, bytes: Uint8Array, truncated: boolean, coding: string | undefined): CapturedBody {
  const body: CapturedBody = { size: input.size, truncated, encoding: 'none' };
  if (input.contentType) body.contentType = input.contentType;
  if (coding) body.contentEncoding = coding;
  if (bytes.length === 0) return body;
  const asText = toText(bytes, input.contentType, truncated);
  if (asText !== undefined) {
    body.encoding = 'text';
    body.text = asText;
  } else {
    body.encoding = 'base64';
    body.base64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
  }
  return body;
}

/** One decoder for every body: a non-streaming `decode` keeps no state between calls. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function toText(bytes: Uint8Array, contentType: string | undefined, truncated: boolean): string | undefined {
  const declared = contentType !== undefined && TEXT_TYPES.test(contentType);
  if (!declared && contentType !== undefined && !/charset=/i.test(contentType)) {
    // Declared binary (images, octet-stream, protobuf…): only sniff when it is clearly text.
    if (!/^application\/octet-stream/i.test(contentType)) return undefined;
  }
  // A cap may cut a multi-byte character; drop up to 3 trailing bytes of an unfinished sequence.
  let end = bytes.length;
  if (truncated) end = completeUtf8End(bytes);
  try {
    const s = UTF8.decode(bytes.subarray(0, end));
    if (!declared && hasControlChars(s)) return undefined;
    return s;
  } catch {
    return undefined;
  }
}

/** C0 controls other than tab, LF, VT, FF, CR: binary data, not text. */
function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 && (c < 9 || c > 13)) return true;
  }
  return false;
}

function completeUtf8End(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = bytes[n - back] ?? 0;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    if ((b & 0x80) === 0) return n; // ASCII: complete
    const need = (b & 0xe0) === 0xc0 ? 2 : (b & 0xf0) === 0xe0 ? 3 : 4;
    return back >= need ? n : n - back;
  }
  return n;
}

interface Decoded {
  bytes: Uint8Array;
  truncated: boolean;
}

/** Stream-decodes at most `cap` bytes; a cut input yields what could be decoded of it. */
function decodeContent(bytes: Uint8Array, coding: string, cap: number, inputCut: boolean): Promise<Decoded | undefined> {
  let stream: zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress;
  const flush = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  if (coding === 'gzip' || coding === 'x-gzip') stream = zlib.createGunzip(flush);
  else if (coding === 'deflate') stream = (bytes[0] ?? 0) % 16 === 8 && (((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0)) % 31 === 0 ? zlib.createInflate(flush) : zlib.createInflateRaw(flush);
  else if (coding === 'br') stream = zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
  else return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    let kept = 0;
    let over = false;
    let settled = false;
    const done = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      stream.removeAllListeners('data');
      if (!stream.destroyed) stream.destroy();
      if (!ok && kept === 0) resolve(undefined);
      else resolve({ bytes: Buffer.concat(out, kept), truncated: over || inputCut || !ok });
    };
    stream.on('data', (chunk: Buffer) => {
      const room = cap - kept;
      if (chunk.length >= room) {
        if (room > 0) out.push(chunk.subarray(0, room));
        kept += Math.max(0, room);
        over = chunk.length > room || over;
        if (over) done(true);
        return;
      }
      out.push(chunk);
      kept += chunk.length;
    });
    stream.on('end', () => done(true));
    stream.on('error', () => done(false));
    stream.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  });
}

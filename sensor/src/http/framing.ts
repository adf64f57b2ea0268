// How an HTTP/1.x message's body is delimited (RFC 9112 §6), decided as strictly as strict
// servers do: wherever two servers could disagree on where a body ends (Content-Length with
// Transfer-Encoding, a Transfer-Encoding other than exactly `chunked`, repeated or malformed
// lengths), the answer is a desync with the rule that fired, never a guess. Also the chunk line
// grammar (RFC 9112 §7.1), checked like llhttp does.
import type { DesyncRule } from '../../../core/src/protocol/desync';
import type { HttpHeader } from '../../../core/src/protocol/transaction';
import { latin1 } from './bytes';
import { fieldCount, fieldValue, fieldValues, hasConnectionOption, headHasConnectionOption, type MessageHead, type RequestHead, type ResponseHead } from './head';

export type Framing =
  | { kind: 'none' }
  | { kind: 'length'; length: number }
  | { kind: 'chunked' }
  | { kind: 'until-close' }
  | { kind: 'tunnel' }
  | { kind: 'error'; rule: DesyncRule; reason: string };

const err = (rule: DesyncRule, reason: string): Framing => ({ kind: 'error', rule, reason });

// The framings without a payload, made once: one is decided for every message.
const NONE: Framing = { kind: 'none' };
const CHUNKED: Framing = { kind: 'chunked' };
const UNTIL_CLOSE: Framing = { kind: 'until-close' };
const TUNNEL: Framing = { kind: 'tunnel' };

/** `count` Content-Length fields (≥ 1) in `head`. */
function contentLength(head: MessageHead, count: number): Framing {
  // Repeated values are allowed by RFC 9112 when equal, but llhttp and nginx reject them: two
  // servers behind each other could differ, so the sensor does not guess.
  if (count > 1) return err('content-length', 'Content-Length appears more than once');
  const v = fieldValue(head, 'content-length') ?? '';
  if (!allDigits(v)) return err('content-length', v === '' ? 'an empty Content-Length' : 'a Content-Length that is not all digits');
  const n = Number(v);
  if (!Number.isSafeInteger(n)) return err('content-length', 'a Content-Length too large to frame');
  return n === 0 ? NONE : { kind: 'length', length: n };
}

function allDigits(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return v.length > 0;
}

export function requestFraming(head: RequestHead): Framing {
  const te = fieldCount(head, 'transfer-encoding');
  const cl = fieldCount(head, 'content-length');
  if (head.method === 'CONNECT') {
    // RFC 9110 §9.3.6: a CONNECT request has no content; whatever follows is the tunnel.
    if (te > 0 || cl > 0) return err('connect-with-content', 'a CONNECT request with Content-Length or Transfer-Encoding');
    return TUNNEL;
  }
  if (te > 0) {
    if (cl > 0) return err('cl-and-te', 'Content-Length and Transfer-Encoding in one request');
    if (te > 1) return err('transfer-encoding', 'Transfer-Encoding appears more than once');
    if (head.version === '1.0') return err('transfer-encoding', 'Transfer-Encoding in an HTTP/1.0 request');
    // nginx answers anything but exactly `chunked` with 501; llhttp takes `gzip, chunked`.
    if ((fieldValue(head, 'transfer-encoding') ?? '').toLowerCase() !== 'chunked') return err('transfer-encoding', 'a request Transfer-Encoding that is not exactly "chunked"');
    return CHUNKED;
  }
  if (cl > 0) return contentLength(head, cl);
  return NONE;
}

/** `requestMethod` is the method of the request this response answers, when known. */
export function responseFraming(head: ResponseHead, requestMethod: string | undefined): Framing {
  const status = head.status;
  if (status === 101) return TUNNEL;
  if (requestMethod === 'CONNECT' && status >= 200 && status < 300) return TUNNEL;
  if ((status >= 100 && status < 200) || status === 204 || status === 304) return NONE;
  if (requestMethod === 'HEAD') return NONE;
  const te = fieldCount(head, 'transfer-encoding');
  const cl = fieldCount(head, 'content-length');
  if (te > 0) {
    if (cl > 0) return err('cl-and-te', 'Content-Length and Transfer-Encoding in one response');
    const codings = fieldValues(head, 'transfer-encoding').join(',').toLowerCase().split(',').map((s) => s.trim()).filter((s) => s !== '');
    const chunked = codings.indexOf('chunked');
    if (chunked >= 0 && chunked !== codings.length - 1) return err('transfer-encoding', 'a response Transfer-Encoding with chunked before another coding');
    // RFC 9112 §6.3: a response whose last coding is not chunked is delimited by the close.
    return chunked >= 0 ? CHUNKED : UNTIL_CLOSE;
  }
  if (cl > 0) return contentLength(head, cl);
  return UNTIL_CLOSE;
}

/** A request that asks to switch protocols: the server answers 101 (then the bytes are another protocol) or ignores it. */
export function asksUpgrade(head: RequestHead): boolean {
  // An empty Upgrade names no protocol: llhttp does not treat the request as an upgrade either.
  return fieldCount(head, 'upgrade') > 0 && fieldValues(head, 'upgrade').some((v) => v !== '') && headHasConnectionOption(head, 'upgrade');
}

/** After this message the sender closes: bytes that follow are never processed by the peer. */
export function closesAfter(head: RequestHead | ResponseHead, trailers: readonly HttpHeader[] = []): boolean {
  // As llhttp decides it (llhttp_should_keep_alive), trailers included: HTTP/1.0 stays open only
  // with keep-alive, even next to `close`; HTTP/1.1 closes with `close`.
  if (head.version === '1.0') return !connectionLists(head, trailers, 'keep-alive');
  return connectionLists(head, trailers, 'close');
}

function connectionLists(head: RequestHead | ResponseHead, trailers: readonly HttpHeader[], option: string): boolean {
  return headHasConnectionOption(head, option) || (trailers.length > 0 && hasConnectionOption(trailers, option));
}

// chunk = chunk-size *( ";" token [ "=" ( token / quoted-string ) ] ), with no whitespace
// anywhere (llhttp rejects `5 ;a=b` and `5; a=b`; RFC 9112's BWS is not worth a disagreement).
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]";
const QUOTED = '"(?:[\\t \\x21\\x23-\\x5b\\x5d-\\x7e\\x80-\\xff]|\\\\[\\t \\x21-\\x7e\\x80-\\xff])*"';
// llhttp takes empty extension names (`3;;a`, `3;=1`) and a quoted string after token
// characters (`q=0x"y"`), but not a line that ends with `;` nor anything after a closing quote.
const CHUNK_LINE = new RegExp(`^([0-9A-Fa-f]+)(?:;${TOKEN}*(?:=${TOKEN}*(?:${QUOTED})?)?)*$`);

export type ChunkLine = { ok: true; size: number } | { ok: false; reason: string };

/** `line` is the chunk size line without its line end. */
export function parseChunkLine(line: string): ChunkLine {
  const m = line.endsWith(';') ? null : CHUNK_LINE.exec(line);
  if (!m) return { ok: false, reason: line.indexOf(';') >= 0 ? 'a malformed chunk extension' : 'an invalid chunk size' };
  const hex = (m[1] ?? '').replace(/^0+(?=.)/, '');
  if (hex.length > 13) return { ok: false, reason: 'a chunk size too large to frame' };
  return { ok: true, size: parseInt(hex, 16) };
}

/** Hex digit values by byte, -1 for the rest. */
const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) HEX['0123456789abcdef'.charCodeAt(i)] = HEX['0123456789ABCDEF'.charCodeAt(i)] = i;

/**
 * The common chunk size line, read from the bytes at `pos` without decoding it: hex digits and
 * the line end (CRLF, or LF after a head that used bare LF). Returns the size and where the
 * chunk data starts, or undefined for anything else (extensions, errors, a line not all in
 * `buf` yet), which `parseChunkLine` then decides.
 */
function plainChunkLine(buf: Uint8Array, pos: number, bareLf: boolean): ChunkSize | undefined {
  let size = 0;
  let significant = 0;
  let i = pos;
  for (; i < buf.length; i++) {
    const h = HEX[buf[i] ?? 0] ?? -1;
    if (h < 0) break;
    if (significant > 0 || h > 0) significant++;
    size = size * 16 + h;
  }
  // Past 13 significant digits the size is not safe to frame: parseChunkLine says so.
  if (i === pos || significant > 13) return undefined;
  if (buf[i] === 13 && buf[i + 1] === 10) return { kind: 'size', size, next: i + 2 };
  if (bareLf && buf[i] === 10) return { kind: 'size', size, next: i + 1 };
  return undefined;
}

export type ChunkSize = { kind: 'size'; size: number; next: number } | { kind: 'error'; reason: string; next: number };

/**
 * The chunk size line at `pos` (CRLF-terminated, or bare LF after a head that used bare LF
 * throughout), with where the parser goes on; undefined while the line is not all in `buf`.
 */
export function readChunkSizeLine(buf: Uint8Array, pos: number, bareLf: boolean): ChunkSize | undefined {
  const plain = plainChunkLine(buf, pos, bareLf);
  if (plain) return plain;
  const lf = buf.indexOf(10, pos);
  if (lf < 0) return buf.length - pos <= 1024 ? undefined : { kind: 'error', reason: 'a chunk size line over 1024 bytes', next: buf.length };
  const hasCr = buf[lf - 1] === 13 && lf > pos;
  if (!hasCr && !bareLf) return { kind: 'error', reason: 'a chunk size line that ends with a bare LF', next: lf + 1 };
  const chunk = parseChunkLine(latin1(buf, pos, hasCr ? lf - 1 : lf));
  if (!chunk.ok) return { kind: 'error', reason: chunk.reason, next: lf + 1 };
  return { kind: 'size', size: chunk.size, next: lf + 1 };
}

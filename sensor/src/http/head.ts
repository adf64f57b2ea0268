// Parsing of an HTTP/1.x message head (start line + header fields) once its bytes are known
// to be complete, and the framing rules that follow from it (RFC 9112 §6).
import type { HttpHeader } from '../../../core/src/protocol/transaction';

export interface RequestHead {
  kind: 'request';
  method: string;
  target: string;
  version: '1.0' | '1.1';
  headers: HttpHeader[];
}

export interface ResponseHead {
  kind: 'response';
  status: number;
  reason: string;
  version: '1.0' | '1.1';
  headers: HttpHeader[];
}

export type MessageHead = RequestHead | ResponseHead;

export type HeadResult = { ok: true; head: MessageHead } | { ok: false; reason: string };

const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/1\.([01])$/;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/;
/** Real servers send far fewer; a head with more is garbage or an attack. */
const MAX_HEADERS = 256;

/**
 * `text` is the head decoded as latin1, without the blank line that ends it. Scanned by hand
 * (no split, one regex per head): this runs for every message the machine exchanges.
 */
export function parseHead(text: string, kind: 'request' | 'response'): HeadResult {
  let eol = text.indexOf('\n');
  if (eol < 0) eol = text.length;
  const first = text.charCodeAt(eol - 1) === 13 ? text.slice(0, eol - 1) : text.slice(0, eol);
  const headers: HttpHeader[] = [];
  let pos = eol + 1;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const lineEnd = text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    if (lineEnd > pos) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 9) {
        // Obsolete line folding: still sent by a few old servers; join it to the previous value.
        const prev = headers[headers.length - 1];
        if (!prev) return { ok: false, reason: 'folded line before any header' };
        prev.value = `${prev.value} ${text.slice(pos, lineEnd).trim()}`;
      } else {
        const colon = text.indexOf(':', pos);
        if (colon <= pos || colon >= lineEnd) return { ok: false, reason: 'header line without a name' };
        const name = text.slice(pos, colon);
        if (!isToken(name)) return { ok: false, reason: 'invalid header name' };
        headers.push({ name, value: trimOws(text, colon + 1, lineEnd) });
        if (headers.length > MAX_HEADERS) return { ok: false, reason: 'too many headers' };
      }
    }
    pos = end + 1;
  }
  if (kind === 'request') {
    const m = REQUEST_LINE.exec(first);
    if (!m) return { ok: false, reason: 'invalid request line' };
    return { ok: true, head: { kind, method: m[1] ?? '', target: m[2] ?? '', version: m[3] === '0' ? '1.0' : '1.1', headers } };
  }
  const m = STATUS_LINE.exec(first);
  if (!m) return { ok: false, reason: 'invalid status line' };
  return { ok: true, head: { kind, status: Number(m[2]), reason: m[3] ?? '', version: m[1] === '0' ? '1.0' : '1.1', headers } };
}

/** RFC 9110 token characters, checked without a regex. */
const TOKEN_CHARS = new Uint8Array(128);
for (const ch of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TOKEN_CHARS[ch.charCodeAt(0)] = 1;

function isToken(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN_CHARS[c] !== 1) return false;
  }
  return s.length > 0;
}

function trimOws(text: string, from: number, to: number): string {
  while (from < to && (text.charCodeAt(from) === 32 || text.charCodeAt(from) === 9)) from++;
  while (to > from && (text.charCodeAt(to - 1) === 32 || text.charCodeAt(to - 1) === 9)) to--;
  return text.slice(from, to);
}

export function headerValue(headers: readonly HttpHeader[], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const h of headers) if (h.name.length === lower.length && h.name.toLowerCase() === lower) return h.value;
  return undefined;
}

function allValues(headers: readonly HttpHeader[], name: string): string[] {
  const out: string[] = [];
  for (const h of headers) if (h.name.length === name.length && h.name.toLowerCase() === name) out.push(h.value);
  return out;
}

export type Framing =
  | { kind: 'none' }
  | { kind: 'length'; length: number }
  | { kind: 'chunked' }
  | { kind: 'until-close' }
  | { kind: 'tunnel' }
  | { kind: 'error'; reason: string };

function lengthOrChunked(headers: readonly HttpHeader[]): Framing | undefined {
  const teValues = allValues(headers, 'transfer-encoding');
  const te = teValues.length === 0 ? '' : teValues.join(',').toLowerCase();
  if (te.trim() !== '') {
    const codings = te.split(',').map((s) => s.trim()).filter((s) => s !== '');
    // Transfer-Encoding overrides Content-Length; only chunked as the last coding delimits a body.
    if (codings[codings.length - 1] === 'chunked') return { kind: 'chunked' };
    return undefined;
  }
  const cls = allValues(headers, 'content-length');
  if (cls.length === 0) return undefined;
  const only = cls.length === 1 && cls[0]?.indexOf(',') === -1 ? cls[0] : singleLength(cls);
  if (only === undefined) return { kind: 'error', reason: 'conflicting Content-Length' };
  if (!/^\d{1,15}$/.test(only)) return { kind: 'error', reason: 'invalid Content-Length' };
  return { kind: 'length', length: Number(only) };
}

/** Repeated Content-Length values are allowed when they all agree (RFC 9112 §6.3). */
function singleLength(values: readonly string[]): string | undefined {
  const distinct = new Set(values.flatMap((v) => v.split(',').map((x) => x.trim())));
  return distinct.size === 1 ? [...distinct][0] : undefined;
}

export function requestFraming(head: RequestHead): Framing {
  const f = lengthOrChunked(head.headers);
  if (f === undefined) {
    // A request with a non-chunked Transfer-Encoding cannot be delimited (RFC 9112 §6.3).
    return headerValue(head.headers, 'transfer-encoding') ? { kind: 'error', reason: 'request body cannot be delimited' } : { kind: 'none' };
  }
  return f.kind === 'length' && f.length === 0 ? { kind: 'none' } : f;
}

/** `requestMethod` is the method of the request this response answers, when known. */
export function responseFraming(head: ResponseHead, requestMethod: string | undefined): Framing {
  const status = head.status;
  if (status === 101) return { kind: 'tunnel' };
  if (requestMethod === 'CONNECT' && status >= 200 && status < 300) return { kind: 'tunnel' };
  if ((status >= 100 && status < 200) || status === 204 || status === 304) return { kind: 'none' };
  if (requestMethod === 'HEAD') return { kind: 'none' };
  const f = lengthOrChunked(head.headers);
  if (f === undefined) return { kind: 'until-close' };
  return f.kind === 'length' && f.length === 0 ? { kind: 'none' } : f;
}

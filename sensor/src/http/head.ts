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

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/1\.([01])$/;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/;
/** Real servers send far fewer; a head with more is garbage or an attack. */
const MAX_HEADERS = 256;

/** `text` is the head decoded as latin1, without the blank line that ends it. */
export function parseHead(text: string, kind: 'request' | 'response'): HeadResult {
  const lines = text.split('\n');
  const first = stripCr(lines[0] ?? '');
  const headers: HttpHeader[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = stripCr(lines[i] ?? '');
    if (line === '') continue;
    if (line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9) {
      // Obsolete line folding: still sent by a few old servers; join it to the previous value.
      const prev = headers[headers.length - 1];
      if (!prev) return { ok: false, reason: 'folded line before any header' };
      prev.value = `${prev.value} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) return { ok: false, reason: 'header line without a name' };
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) return { ok: false, reason: 'invalid header name' };
    headers.push({ name, value: line.slice(colon + 1).trim() });
    if (headers.length > MAX_HEADERS) return { ok: false, reason: 'too many headers' };
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

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

export function headerValue(headers: readonly HttpHeader[], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const h of headers) if (h.name.toLowerCase() === lower) return h.value;
  return undefined;
}

function allValues(headers: readonly HttpHeader[], name: string): string[] {
  const lower = name.toLowerCase();
  return headers.filter((h) => h.name.toLowerCase() === lower).map((h) => h.value);
}

export type Framing =
  | { kind: 'none' }
  | { kind: 'length'; length: number }
  | { kind: 'chunked' }
  | { kind: 'until-close' }
  | { kind: 'tunnel' }
  | { kind: 'error'; reason: string };

function lengthOrChunked(headers: readonly HttpHeader[]): Framing | undefined {
  const te = allValues(headers, 'transfer-encoding').join(',').toLowerCase();
  if (te.trim() !== '') {
    const codings = te.split(',').map((s) => s.trim()).filter((s) => s !== '');
    // Transfer-Encoding overrides Content-Length; only chunked as the last coding delimits a body.
    if (codings[codings.length - 1] === 'chunked') return { kind: 'chunked' };
    return undefined;
  }
  const cls = allValues(headers, 'content-length');
  if (cls.length === 0) return undefined;
  const distinct = new Set(cls.flatMap((v) => v.split(',').map((s) => s.trim())));
  if (distinct.size !== 1) return { kind: 'error', reason: 'conflicting Content-Length' };
  const [only] = [...distinct];
  if (only === undefined || !/^\d{1,15}$/.test(only)) return { kind: 'error', reason: 'invalid Content-Length' };
  return { kind: 'length', length: Number(only) };
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

// Parsing of an HTTP/1.x message head (start line + header fields) once its bytes are known to
// be complete, as strictly as RFC 9112 and strict servers (llhttp, nginx) do wherever a lenient
// reading could frame the stream differently: bare CR, mixed line endings, obs-fold, header
// names that are not tokens, control characters in values. A head that fails says which rule.
// Deliberate tolerances (docs/capture.md): extension methods, heads that use bare LF throughout.
import type { DesyncRule } from '../../../core/src/protocol/desync';
import type { HttpHeader } from '../../../core/src/protocol/transaction';

export interface RequestHead {
  kind: 'request';
  method: string;
  target: string;
  version: '1.0' | '1.1' | '2';
  headers: HttpHeader[];
  /** HTTP/2's `:authority` (the Host header's role there). */
  authority?: string;
}

export interface ResponseHead {
  kind: 'response';
  status: number;
  reason: string;
  version: '1.0' | '1.1' | '2';
  headers: HttpHeader[];
}

export type MessageHead = RequestHead | ResponseHead;

export interface HeadFailure {
  ok: false;
  /** The start line itself is not HTTP/1.x: on a connection's first message, this is not HTTP at all. */
  startLine: boolean;
  rule: DesyncRule;
  reason: string;
}

export type HeadResult = { ok: true; head: MessageHead; bareLf: boolean } | HeadFailure;

// Method and target separated by one or more spaces, as llhttp and nginx accept; the target is
// visible ASCII only (llhttp rejects controls and bytes ≥ 0x80 there).
const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) +([\x21-\x7e]+) +HTTP\/1\.([01])$/;
// eslint-disable-next-line no-control-regex -- the reason phrase excludes controls but HTAB
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: ([^\x00-\x08\x0a-\x1f\x7f]*))?$/;
/** origin-form, absolute-form or `*` (authority-form is for CONNECT only), as llhttp accepts them. */
const TARGET = /^(?:\/|\*|[A-Za-z][A-Za-z0-9+.-]*:\/\/)/;
/** Real servers send far fewer; a head with more is garbage or an attack. */
const MAX_HEADERS = 256;

function fail(rule: DesyncRule, reason: string, startLine = false): HeadFailure {
  return { ok: false, startLine, rule, reason };
}

/**
 * `text` is the whole head decoded as latin1, the blank line that ends it included. Scanned by
 * hand (no split, one regex per head): this runs for every message the machine exchanges.
 */
export function parseHead(text: string, kind: 'request' | 'response'): HeadResult {
  const firstEnd = text.indexOf('\n');
  if (firstEnd < 0) return fail('invalid-start-line', 'no line end', true);
  const bareLf = text.charCodeAt(firstEnd - 1) !== 13;
  const first = text.slice(0, bareLf ? firstEnd : firstEnd - 1);
  const start = parseStartLine(first, kind);
  if (!start.ok) return start;
  const headers: HttpHeader[] = [];
  const problem = parseFields(text, firstEnd + 1, bareLf, headers);
  if (problem) return problem;
  const head = start.head;
  head.headers = headers;
  return { ok: true, head, bareLf };
}

function parseStartLine(line: string, kind: 'request' | 'response'): { ok: true; head: MessageHead } | HeadFailure {
  if (line.indexOf('\r') >= 0) return fail('bare-cr', 'a CR inside the start line', true);
  if (kind === 'request') {
    const m = REQUEST_LINE.exec(line);
    if (!m) return fail('invalid-start-line', 'invalid request line', true);
    const method = m[1] ?? '';
    const target = m[2] ?? '';
    if (!TARGET.test(target) && method !== 'CONNECT') return fail('invalid-start-line', 'a request target that is not origin-form, absolute-form or *', true);
    return { ok: true, head: { kind, method, target, version: m[3] === '0' ? '1.0' : '1.1', headers: [] } };
  }
  const m = STATUS_LINE.exec(line);
  if (!m) return fail('invalid-start-line', 'invalid status line', true);
  return { ok: true, head: { kind, status: Number(m[2]), reason: m[3] ?? '', version: m[1] === '0' ? '1.0' : '1.1', headers: [] } };
}

/**
 * Header (or trailer) lines from `pos` to the blank line, each ending the way the first line did
 * (`bareLf`). Pushes into `out`; returns the first problem, if any.
 */
export function parseFields(text: string, pos: number, bareLf: boolean, out: HttpHeader[]): HeadFailure | undefined {
  while (pos < text.length) {
    const end = text.indexOf('\n', pos);
    if (end < 0) return fail('invalid-header', 'a header line without a line end');
    const hasCr = text.charCodeAt(end - 1) === 13;
    const lineEnd = hasCr ? end - 1 : end;
    if (hasCr === bareLf) {
      return fail('bare-lf', bareLf ? 'a CRLF line end in a head that uses bare LF' : 'a bare LF line end in a head that uses CRLF');
    }
    const cr = text.indexOf('\r', pos);
    if (cr >= 0 && cr < lineEnd) return fail('bare-cr', 'a CR not followed by LF inside the head');
    if (lineEnd === pos) return undefined; // the blank line: end of the head
    const c = text.charCodeAt(pos);
    if (c === 32 || c === 9) return fail('obs-fold', 'an indented header line (obsolete line folding)');
    const colon = text.indexOf(':', pos);
    if (colon < 0 || colon >= lineEnd) return fail('invalid-header', 'a header line without a colon');
    if (!isToken(text, pos, colon)) return fail('invalid-header', 'a header name that is not a token (whitespace before the colon, or an invalid character)');
    let from = colon + 1;
    let to = lineEnd;
    while (from < to && (text.charCodeAt(from) === 32 || text.charCodeAt(from) === 9)) from++;
    // A trailing tab is kept in the framing fields, so that `Content-Length: 5\t` fails and
    // `Connection: keep-alive\t` does not count, as in llhttp.
    const framingField = (colon - pos === 14 || colon - pos === 17 || colon - pos === 10) && /^(?:content-length|transfer-encoding|connection)$/i.test(text.slice(pos, colon));
    while (to > from && (text.charCodeAt(to - 1) === 32 || (text.charCodeAt(to - 1) === 9 && !framingField))) to--;
    for (let i = from; i < to; i++) {
      const v = text.charCodeAt(i);
      if ((v < 32 && v !== 9) || v === 127) return fail('invalid-header', 'a control character in a header value');
    }
    out.push({ name: text.slice(pos, colon), value: text.slice(from, to) });
    if (out.length > MAX_HEADERS) return fail('invalid-header', `more than ${MAX_HEADERS} header fields`);
    pos = end + 1;
  }
  return fail('invalid-header', 'the head has no blank line');
}

/** RFC 9110 token characters, checked without a regex. */
const TOKEN_CHARS = new Uint8Array(128);
for (const ch of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TOKEN_CHARS[ch.charCodeAt(0)] = 1;

function isToken(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN_CHARS[c] !== 1) return false;
  }
  return to > from;
}

export function headerValue(headers: readonly HttpHeader[], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const h of headers) if (h.name.length === lower.length && h.name.toLowerCase() === lower) return h.value;
  return undefined;
}

/** Every value of `name` (lower case), in order. */
export function allValues(headers: readonly HttpHeader[], name: string): string[] {
  const out: string[] = [];
  for (const h of headers) if (h.name.length === name.length && h.name.toLowerCase() === name) out.push(h.value);
  return out;
}

/** Does a `Connection` field list this option (case-insensitive)? */
export function hasConnectionOption(headers: readonly HttpHeader[], option: string): boolean {
  for (const v of allValues(headers, 'connection')) {
    for (const part of v.split(',')) if (part.replace(/^ +| +$/g, '').toLowerCase() === option) return true;
  }
  return false;
}

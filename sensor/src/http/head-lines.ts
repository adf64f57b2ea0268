// The strict RFC 9112 checks of an HTTP/1.x head (start line + field lines) or trailer section,
// folded into the one byte scan that finds its line ends: each line is checked as its LF is
// found, and the head is decoded to text once, when its blank line is in. Strict where strict
// servers (llhttp, nginx) are, wherever a lenient reading could frame the stream differently:
// bare CR, mixed line endings, obs-fold, header names that are not tokens, control characters
// in values. A head that fails says which rule — the first problem in line order, reported only
// once the blank line ends the head, as a parser that waits for whole heads would.
// Deliberate tolerances (docs/capture.md): extension methods, heads that use bare LF throughout.
import type { DesyncRule } from '../../../core/src/protocol/desync';
import type { HttpHeader } from '../../../core/src/protocol/transaction';
import { FieldLines, nameLengthBit, ScannedRequestHead, ScannedResponseHead } from './field-lines';
import type { MessageHead } from './head';

// Local on purpose: a constant imported from another module is a property read per use under tsx.
const LF = 10;
const CR = 13;

export interface HeadFailure {
  ok: false;
  /** The start line itself is not HTTP/1.x: on a connection's first message, this is not HTTP at all. */
  startLine: boolean;
  rule: DesyncRule;
  reason: string;
}

export function isHeadFailure(r: MessageHead | HeadFailure): r is HeadFailure {
  return (r as Partial<HeadFailure>).ok === false;
}

/** origin-form, absolute-form or `*` (authority-form is for CONNECT only), as llhttp accepts them. */
const TARGET = /^(?:\/|\*|[A-Za-z][A-Za-z0-9+.-]*:\/\/)/;
/** Real servers send far fewer; a head with more is garbage or an attack. */
const MAX_HEADERS = 256;
const SP = 32;
const HTAB = 9;
const COLON = 58;

/** RFC 9110 token characters (bytes ≥ 0x80 are not). */
const TOKEN_CHARS = new Uint8Array(256);
for (const ch of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TOKEN_CHARS[ch.charCodeAt(0)] = 1;

/** What a byte is to the field-line checks: one table read per byte in the scan's loop. */
const TOKEN = 0;
/** Visible, space, HTAB or ≥ 0x80: fine in a value, not in a name. */
const OTHER = 1;
const COLON_BYTE = 2;
const CR_BYTE = 3;
const LINE_END = 4;
/** A control character other than HTAB, CR and LF, or DEL. */
const CONTROL = 5;
const BYTE_CLASS = new Uint8Array(256).fill(OTHER);
for (let c = 0; c < 256; c++) if (TOKEN_CHARS[c] === 1) BYTE_CLASS[c] = TOKEN;
for (let c = 0; c < SP; c++) if (c !== HTAB) BYTE_CLASS[c] = CONTROL;
BYTE_CLASS[127] = CONTROL;
BYTE_CLASS[COLON] = COLON_BYTE;
BYTE_CLASS[CR] = CR_BYTE;
BYTE_CLASS[LF] = LINE_END;

function fail(rule: DesyncRule, reason: string, startLine = false): HeadFailure {
  return { ok: false, startLine, rule, reason };
}

/**
 * Scans one head (or trailer section) at a time, across as many pieces as it arrives in: the
 * caller keeps the unconsumed bytes and calls `scan` again with them, from the same first byte.
 * Offsets are kept relative to that first byte, so a head is never scanned twice.
 */
export class HeadScanner {
  /** Offset of the next line to scan, from the head's first byte; 0 while nothing is scanned. */
  private next = 0;
  private lines = 0;
  private trailers = false;
  private bareLf = false;
  private startLineEnd = 0;
  private problem: HeadFailure | undefined;
  /**
   * Per field line: name start, colon, line end (before CR), relative to the head's first byte.
   * A new array per head: the head keeps it (field-lines.ts).
   */
  private marks: number[] = [];
  private fields = 0;
  /** The name lengths seen (field-lines.ts nameLengthBit): a lookup of a name whose length no field has costs nothing. */
  private lengths = 0;
  /** The line being scanned: how far, and what was seen so far (offsets from the head's first byte, -1 for none). */
  private scanned = 0;
  private colon = -1;
  private firstCr = -1;
  private badName = false;
  private control = false;

  /** The head scanned last used bare LF line ends throughout (a tolerance, docs/capture.md). */
  get usesBareLf(): boolean {
    return this.bareLf;
  }

  /** Nothing of a head has been scanned yet. */
  get idle(): boolean {
    return this.scanned === 0;
  }

  /** Start over, for a head (`trailers` false) or for a trailer section after a head that used `bareLf`. */
  reset(trailers = false, bareLf = false): void {
    this.lines = 0;
    this.trailers = trailers;
    this.bareLf = bareLf;
    this.startLineEnd = 0;
    this.problem = undefined;
    this.fields = 0;
    this.lengths = 0;
    this.marks = [];
    this.nextLine(0);
  }

  /** The index after the blank line that ends the head starting at `start`, or -1 when it is not all in `buf` yet. */
  scan(buf: Uint8Array, start: number): number {
    const len = buf.length;
    let at = start + this.next;
    if (this.lines === 0 && !this.trailers) {
      // The start line: only its line end matters here (it is matched as text once the head is in).
      const lf = buf.indexOf(LF, start + this.scanned);
      if (lf < 0) {
        this.scanned = len - start;
        return -1;
      }
      this.bareLf = buf[lf - 1] !== CR;
      this.startLineEnd = (this.bareLf ? lf : lf - 1) - start;
      this.lines = 1;
      at = lf + 1;
      this.nextLine(at - start);
    }
    while (at < len) {
      if (this.problem) {
        // The head already failed: only its end is still wanted.
        const lf = buf.indexOf(LF, start + this.scanned);
        if (lf < 0) {
          this.scanned = len - start;
          return -1;
        }
        if (lf === at || (lf === at + 1 && buf[at] === CR)) return this.done(lf + 1);
        at = lf + 1;
        this.nextLine(at - start);
        continue;
      }
      // One pass over the line finds its LF and what the checks need; a line cut between two
      // pieces resumes where the last one ended.
      let colon = this.colon < 0 ? -1 : start + this.colon;
      let firstCr = this.firstCr < 0 ? -1 : start + this.firstCr;
      let badName = this.badName;
      let control = this.control;
      let i = start + this.scanned;
      // One table read per byte settles the common ones: token characters in the name, anything
      // but CR, LF and controls in the value.
      for (; colon < 0 && i < len; i++) {
        const k = BYTE_CLASS[buf[i] ?? 0] ?? 0;
        if (k === TOKEN) continue;
        if (k === LINE_END) break;
        if (k === CR_BYTE) {
          if (firstCr < 0) firstCr = i;
        } else if (k === COLON_BYTE) colon = i;
        else badName = true;
      }
      if (colon >= 0) {
        for (; i < len; i++) {
          const k = BYTE_CLASS[buf[i] ?? 0] ?? 0;
          if (k < CR_BYTE) continue;
          if (k === LINE_END) break;
          if (k === CR_BYTE) {
            if (firstCr < 0) firstCr = i;
          } else control = true;
        }
      }
      if (i >= len) {
        this.scanned = len - start;
        this.colon = colon < 0 ? -1 : colon - start;
        this.firstCr = firstCr < 0 ? -1 : firstCr - start;
        this.badName = badName;
        this.control = control;
        return -1;
      }
      const end = this.checkLine(buf, start, at, i, colon, firstCr, badName, control);
      if (end >= 0) return end;
      at = i + 1;
      this.nextLine(at - start);
    }
    return -1;
  }

  private nextLine(offset: number): void {
    this.next = offset;
    this.scanned = offset;
    this.colon = -1;
    this.firstCr = -1;
    this.badName = false;
    this.control = false;
  }

  /** One field line from `at` to its LF at `lf`, checked in the order strict servers check; ≥ 0 when it is the blank line. */
  private checkLine(buf: Uint8Array, start: number, at: number, lf: number, colon: number, firstCr: number, badName: boolean, control: boolean): number {
    const hasCr = lf > at && buf[lf - 1] === CR;
    const lineEnd = hasCr ? lf - 1 : lf;
    const line = this.lines++;
    if (hasCr === this.bareLf) {
      this.problem = fail('bare-lf', this.bareLf ? 'a CRLF line end in a head that uses bare LF' : 'a bare LF line end in a head that uses CRLF');
      // A trailer section's bare LF first line does not end it on its own (the blank line is an
      // LF after a line end, as for heads).
      const ends = lineEnd === at && !(this.trailers && line === 0 && !hasCr);
      return ends ? this.done(lf + 1) : -1;
    }
    if (firstCr >= 0 && firstCr < lineEnd) {
      this.problem = fail('bare-cr', 'a CR not followed by LF inside the head');
      return -1;
    }
    if (lineEnd === at) return this.done(lf + 1);
    const c = buf[at];
    if (c === SP || c === HTAB) this.problem = fail('obs-fold', 'an indented header line (obsolete line folding)');
    else if (colon < 0) this.problem = fail('invalid-header', 'a header line without a colon');
    else if (badName || colon === at) this.problem = fail('invalid-header', 'a header name that is not a token (whitespace before the colon, or an invalid character)');
    else if (control) this.problem = fail('invalid-header', 'a control character in a header value');
    else if (this.fields === MAX_HEADERS) this.problem = fail('invalid-header', `more than ${MAX_HEADERS} header fields`);
    else {
      this.fields++;
      this.lengths |= nameLengthBit(colon - at);
      this.marks.push(at - start, colon - start, lineEnd - start);
    }
    return -1;
  }

  private done(end: number): number {
    this.nextLine(0);
    return end;
  }

  /** The head whose bytes (from its first byte to its end) are `text`, after `scan` found its end. */
  head(text: string, kind: 'request' | 'response'): MessageHead | HeadFailure {
    const end = this.startLineEnd;
    const cr = text.indexOf('\r');
    if (cr >= 0 && cr < end) return fail('bare-cr', 'a CR inside the start line', true);
    const start = kind === 'request' ? requestLine(text, end) : statusLine(text, end);
    if (start !== undefined) return start;
    if (this.problem) return this.problem;
    const fields = new FieldLines(text, this.marks, this.lengths);
    if (kind === 'request') return new ScannedRequestHead(text.slice(0, scratch.methodEnd), text.slice(scratch.targetStart, scratch.targetEnd), scratch.minor === 0 ? '1.0' : '1.1', fields, scratch.targetStart);
    return new ScannedResponseHead(scratch.status, end > 12 ? text.slice(13, end) : '', scratch.minor === 0 ? '1.0' : '1.1', fields);
  }

  /** The field lines of the section `text` scanned last, pushed into `out`; the first problem, if any. */
  fieldsInto(text: string, out: HttpHeader[]): HeadFailure | undefined {
    for (const h of new FieldLines(text, this.marks, this.lengths).headers()) out.push(h);
    return this.problem;
  }
}

/** Where the start line just read has its parts: module state, so that reading one allocates nothing. */
const scratch = { methodEnd: 0, targetStart: 0, targetEnd: 0, status: 0, minor: 0 };

/**
 * `method SP+ target SP+ HTTP/1.x` in `line` up to `n`: a token, one or more spaces (as llhttp and
 * nginx accept), a target of visible ASCII only (llhttp rejects controls and bytes ≥ 0x80 there),
 * spaces, the version. Scanned by hand, in place: it runs for every request. Undefined when it
 * is one (its parts are in `scratch`).
 */
function requestLine(line: string, n: number): HeadFailure | undefined {
  let i = 0;
  while (i < n && line.charCodeAt(i) < 128 && TOKEN_CHARS[line.charCodeAt(i)] === 1) i++;
  const methodEnd = i;
  if (methodEnd === 0 || i >= n || line.charCodeAt(i) !== SP) return fail('invalid-start-line', 'invalid request line', true);
  while (i < n && line.charCodeAt(i) === SP) i++;
  const targetStart = i;
  for (; i < n; i++) {
    const c = line.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) break;
  }
  const targetEnd = i;
  if (targetEnd === targetStart || i >= n || line.charCodeAt(i) !== SP) return fail('invalid-start-line', 'invalid request line', true);
  while (i < n && line.charCodeAt(i) === SP) i++;
  const minor = line.charCodeAt(i + 7) - 48;
  if (n - i !== 8 || !line.startsWith('HTTP/1.', i) || (minor !== 0 && minor !== 1)) return fail('invalid-start-line', 'invalid request line', true);
  const first = line.charCodeAt(targetStart);
  if (first !== 47 && first !== 42 && !TARGET.test(line.slice(targetStart, targetEnd)) && !(methodEnd === 7 && line.startsWith('CONNECT'))) {
    return fail('invalid-start-line', 'a request target that is not origin-form, absolute-form or *', true);
  }
  scratch.methodEnd = methodEnd;
  scratch.targetStart = targetStart;
  scratch.targetEnd = targetEnd;
  scratch.minor = minor;
  return undefined;
}

/** `HTTP/1.x SP 3DIGIT [SP reason]` in `line` up to `n`, the reason without controls but HTAB; undefined when it is one. */
function statusLine(line: string, n: number): HeadFailure | undefined {
  const minor = line.charCodeAt(7) - 48;
  if (n < 12 || !line.startsWith('HTTP/1.') || (minor !== 0 && minor !== 1) || line.charCodeAt(8) !== SP) return fail('invalid-start-line', 'invalid status line', true);
  let status = 0;
  for (let i = 9; i < 12; i++) {
    const d = line.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return fail('invalid-start-line', 'invalid status line', true);
    status = status * 10 + d;
  }
  if (n > 12) {
    if (line.charCodeAt(12) !== SP) return fail('invalid-start-line', 'invalid status line', true);
    for (let i = 13; i < n; i++) {
      const c = line.charCodeAt(i);
      if ((c < SP && c !== HTAB) || c === 127) return fail('invalid-start-line', 'invalid status line', true);
    }
  }
  scratch.status = status;
  scratch.minor = minor;
  return undefined;
}

// An HTTP message head as the sensor models it (HTTP/1.x, and HTTP/2 mapped onto it), and the
// field lookups framing and pairing need. Parsing and its strict checks are in head-lines.ts.
import type { HttpHeader } from '../../../core/src/protocol/transaction';
import type { FieldLines } from './field-lines';

export interface RequestHead {
  kind: 'request';
  method: string;
  target: string;
  version: '1.0' | '1.1' | '2';
  headers: HttpHeader[];
  /** HTTP/2's `:authority` (the Host header's role there). */
  authority?: string;
  /** HTTP/1.x: the field lines as scanned, for lookups that need not build `headers` (field-lines.ts). */
  readonly fields?: FieldLines;
}

export interface ResponseHead {
  kind: 'response';
  status: number;
  reason: string;
  version: '1.0' | '1.1' | '2';
  headers: HttpHeader[];
  readonly fields?: FieldLines;
}

export type MessageHead = RequestHead | ResponseHead;

/**
 * `s.slice(from, to).toLowerCase() === lower` for a lower-case ASCII `lower`, without building
 * either string: this runs for several fields of every message.
 */
export function equalsLower(s: string, from: number, to: number, lower: string): boolean {
  if (to - from !== lower.length) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    const l = lower.charCodeAt(i - from);
    if (c === l) continue;
    // Outside ASCII, toLowerCase has cases of its own (U+212A KELVIN SIGN is a "k"): ask it.
    if (c > 127) return s.slice(from, to).toLowerCase() === lower;
    if (c < 65 || c > 90 || c + 32 !== l) return false;
  }
  return true;
}

export function headerValue(headers: readonly HttpHeader[], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const h of headers) if (equalsLower(h.name, 0, h.name.length, lower)) return h.value;
  return undefined;
}

/** Every value of `name` (lower case), in order. */
export function allValues(headers: readonly HttpHeader[], name: string): string[] {
  const out: string[] = [];
  for (const h of headers) if (equalsLower(h.name, 0, h.name.length, name)) out.push(h.value);
  return out;
}

/** Does a `Connection` field list this option (lower case; compared case-insensitively)? */
export function hasConnectionOption(headers: readonly HttpHeader[], option: string): boolean {
  for (const h of headers) if (equalsLower(h.name, 0, h.name.length, 'connection') && listsOption(h.value, 0, h.value.length, option)) return true;
  return false;
}

/** Is `option` (lower case) one of the comma-separated elements of `s` from `from` to `to`, compared case-insensitively? */
export function listsOption(s: string, from: number, to: number, option: string): boolean {
  // Each element with the spaces around it trimmed (tabs are not: as llhttp).
  let at = from;
  while (at <= to) {
    let end = s.indexOf(',', at);
    if (end < 0 || end > to) end = to;
    let a = at;
    let b = end;
    while (a < b && s.charCodeAt(a) === 32) a++;
    while (b > a && s.charCodeAt(b - 1) === 32) b--;
    if (equalsLower(s, a, b, option)) return true;
    at = end + 1;
  }
  return false;
}

// Lookups on a head: through its scanned field lines when it has them (no HttpHeader built).

/** How many fields are named `lower` (lower case). */
export function fieldCount(head: MessageHead, lower: string): number {
  if (head.fields) return head.fields.count(lower);
  let n = 0;
  for (const h of head.headers) if (equalsLower(h.name, 0, h.name.length, lower)) n++;
  return n;
}

export function fieldValue(head: MessageHead, lower: string): string | undefined {
  return head.fields ? head.fields.value(lower) : headerValue(head.headers, lower);
}

export function fieldValues(head: MessageHead, lower: string): string[] {
  return head.fields ? head.fields.values(lower) : allValues(head.headers, lower);
}

/** Does the head's `Connection` list `option`? */
export function headHasConnectionOption(head: MessageHead, option: string): boolean {
  return head.fields ? head.fields.listsOption('connection', option) : hasConnectionOption(head.headers, option);
}

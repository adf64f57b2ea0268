// An HTTP message head as the sensor models it (HTTP/1.x, and HTTP/2 mapped onto it), and the
// field lookups framing and pairing need. Parsing and its strict checks are in head-lines.ts.
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
  for (const h of headers) {
    if (!equalsLower(h.name, 0, h.name.length, 'connection')) continue;
    // Each comma-separated element, spaces around it trimmed (tabs are not: as llhttp).
    const v = h.value;
    let from = 0;
    while (from <= v.length) {
      let to = v.indexOf(',', from);
      if (to < 0) to = v.length;
      let a = from;
      let b = to;
      while (a < b && v.charCodeAt(a) === 32) a++;
      while (b > a && v.charCodeAt(b - 1) === 32) b--;
      if (equalsLower(v, a, b, option)) return true;
      from = to + 1;
    }
  }
  return false;
}

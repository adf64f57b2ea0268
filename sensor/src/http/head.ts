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

// What a transaction tells about authentication and media types, from header and parameter
// names. Values are redacted by the sensor; where it keeps the scheme word (`Bearer [redacted]`)
// we use it, otherwise the name alone says which kind of credential was sent.

import type { HttpHeader, Transaction } from '../protocol/transaction';
import type { AuthScheme } from './inventory-types';

const API_KEY_HEADER = /^(?:x-)?(?:api[-_]?key|apikey|auth[-_]?token|access[-_]?token|api[-_]?token)$/i;
const API_KEY_QUERY = /^(?:api[-_]?key|apikey|key|access[-_]?token|auth[-_]?token|token)$/i;

function schemeOf(value: string): AuthScheme {
  const word = /^\s*([A-Za-z][A-Za-z0-9-]*)\s/.exec(value)?.[1]?.toLowerCase();
  if (word === 'bearer') return 'bearer';
  if (word === 'basic') return 'basic';
  if (word === 'digest') return 'digest';
  return 'authorization';
}

export function authSchemesOf(transaction: Transaction): AuthScheme[] {
  const found = new Set<AuthScheme>();
  collectAuthSchemes(transaction, found);
  return [...found];
}

/** Adds the schemes `transaction` shows to `found` (no allocation on the hot path). */
export function collectAuthSchemes(transaction: Transaction, found: Set<AuthScheme>): void {
  for (const h of transaction.request.headers) {
    const name = h.name.toLowerCase();
    if (name === 'authorization') found.add(schemeOf(h.value));
    else if (name === 'cookie') found.add('cookie');
    else if (API_KEY_HEADER.test(name)) found.add('api-key-header');
  }
  for (const p of transaction.request.queryParams) if (API_KEY_QUERY.test(p.name)) found.add('api-key-query');
  for (const r of transaction.redactions) {
    if (r.kind !== 'api-key') continue;
    if (r.location === 'request.header') found.add('api-key-header');
    else if (r.location === 'request.query') found.add('api-key-query');
  }
}

/** `application/json; charset=utf-8` → `application/json`; undefined when absent. */
export function mediaType(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // The same few header values arrive again and again; spare the split/trim/lowercase.
  const cached = mediaTypeCache.get(value);
  if (cached !== undefined) return cached === '' ? undefined : cached;
  const type = value.split(';', 1)[0]!.trim().toLowerCase();
  const result = type.length === 0 || type.length > 100 ? '' : type;
  if (value.length <= 200) {
    if (mediaTypeCache.size >= 256) mediaTypeCache.clear();
    mediaTypeCache.set(value, result);
  }
  return result === '' ? undefined : result;
}

const mediaTypeCache = new Map<string, string>();

export function headerValue(headers: readonly HttpHeader[], name: string): string | undefined {
  for (const h of headers) if (h.name.toLowerCase() === name) return h.value;
  return undefined;
}

export function requestContentType(t: Transaction): string | undefined {
  return mediaType(t.request.body?.contentType ?? headerValue(t.request.headers, 'content-type'));
}

export function responseContentType(t: Transaction): string | undefined {
  if (t.response === undefined) return undefined;
  return mediaType(t.response.body?.contentType ?? headerValue(t.response.headers, 'content-type'));
}

// Reading what a transaction says: headers, content types, JSON bodies, credentials.

import type { CapturedBody, HttpHeader, Transaction } from '../protocol/transaction';

export function header(headers: readonly HttpHeader[], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const h of headers) if (h.name.toLowerCase() === lower) return h.value;
  return undefined;
}

/** `application/json; charset=utf-8` → `application/json`. */
export function normalizeMediaType(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const mt = value.split(';')[0]?.trim().toLowerCase();
  return mt === '' ? undefined : mt;
}

export function bodyMediaType(body: CapturedBody | undefined, headers: readonly HttpHeader[]): string | undefined {
  return normalizeMediaType(body?.contentType ?? header(headers, 'content-type'));
}

export function hasBody(body: CapturedBody | undefined): boolean {
  return !!body && body.encoding !== 'none' && body.size > 0;
}

export function isJsonMediaType(mt: string | undefined): boolean {
  return !!mt && (mt === 'application/json' || mt.endsWith('+json') || mt === 'text/json');
}

const NOT_PARSED = Symbol('not-parsed');
export type JsonBody = { ok: true; value: unknown } | { ok: false };

/** The body as JSON when it is complete, textual and parses; `{ ok: false }` otherwise. */
export function jsonBody(body: CapturedBody | undefined): JsonBody {
  if (!body || body.truncated || body.encoding !== 'text' || body.text === undefined || body.text.trim() === '') return { ok: false };
  const v = parseOrMark(body.text);
  return v === NOT_PARSED ? { ok: false } : { ok: true, value: v };
}

function parseOrMark(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_PARSED;
  }
}

export function bodyText(body: CapturedBody | undefined): string {
  if (!body) return '';
  if (body.encoding === 'text') return body.text ?? '';
  return '';
}

/** Media type matching with OpenAPI's wildcards: exact, then `type/*`, then `*\/*`. */
export function findMediaType<T>(content: ReadonlyMap<string, T>, observed: string): T | undefined {
  const exact = content.get(observed);
  if (exact) return exact;
  for (const [key, v] of content) if (normalizeMediaType(key) === observed) return v;
  const major = observed.split('/')[0];
  return content.get(`${major}/*`) ?? content.get('*/*');
}

/** Response key for a status: exact, then `2XX`, then `default`. */
export function findStatus<T>(responses: ReadonlyMap<string, T>, status: number): T | undefined {
  return responses.get(String(status)) ?? responses.get(`${String(status).charAt(0)}XX`) ?? responses.get('default');
}

export function isSuccess(tx: Transaction): boolean {
  const s = tx.response?.status ?? 0;
  return s >= 200 && s < 300;
}

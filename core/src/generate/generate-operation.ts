// One operation of a generated document from every transaction that showed it. Unlike the quick
// fixes' inferOperation (which looks at a capped sample), everything given is used, so that the
// result accepts all of it: every media type, every status, every parameter seen.

import { scalarSchema } from '../diff/infer-operation';
import { bodyMediaType, hasBody, isJsonMediaType, jsonBody } from '../diff/observation';
import { splitPath } from '../match/router';
import type { CapturedBody, Transaction } from '../protocol/transaction';
import { describeStatus } from '../patch/render';
import { inferSchema } from '../schema/infer';
import { dropUnverifiedFormats } from './format-check';

// Infrastructure headers (the diff ignores them too) and standard ones that HTTP itself describes.
const INFRA_HEADERS = /^(x-forwarded-.*|x-real-ip|x-request-id|x-correlation-id|x-amzn-.*|x-amz-.*|x-b3-.*|x-cloud-trace-context|x-envoy-.*|x-datadog-.*|x-requested-with|x-csrf-token|x-xsrf-token)$/;
// Non-`x-` headers that carry API meaning rather than transport.
const API_HEADERS = new Set(['idempotency-key']);
const SENSITIVE_KINDS = new Set(['email', 'card-number', 'national-id', 'credential', 'private-key', 'iban', 'phone', 'jwt', 'api-key', 'authorization', 'custom']);

type Json = Record<string, unknown>;

export interface GeneratedOperation {
  parameters: Json[];
  requestBody?: Json;
  responses: Json;
}

export function generateOperation(method: string, template: string, txs: readonly Transaction[], schemeParameters: ReadonlySet<string>): GeneratedOperation {
  const parameters = [...pathParameters(template, txs), ...queryParameters(txs, schemeParameters), ...headerParameters(txs, schemeParameters)];
  const requestBody = requestBodyOf(txs);
  return { parameters, ...(requestBody ? { requestBody } : {}), responses: responsesOf(method, txs) };
}

function pathParameters(template: string, txs: readonly Transaction[]): Json[] {
  const out: Json[] = [];
  splitPath(template).forEach((seg, i) => {
    const names = [...seg.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1] ?? '');
    const whole = names.length === 1 && seg === `{${names[0]}}`;
    const values = whole ? txs.map((tx) => safeDecode(splitPath(tx.request.path)[i] ?? '')) : [];
    for (const name of names) out.push({ name, in: 'path', required: true, schema: whole ? scalarSchema(values) : { type: 'string' } });
  });
  return out;
}

function queryParameters(txs: readonly Transaction[], schemeParameters: ReadonlySet<string>): Json[] {
  const values = new Map<string, string[]>();
  const presentIn = new Map<string, number>();
  const repeated = new Set<string>();
  for (const tx of txs) {
    const seen = new Set<string>();
    for (const q of tx.request.queryParams) {
      if (schemeParameters.has(`query:${q.name.toLowerCase()}`)) continue;
      values.set(q.name, [...(values.get(q.name) ?? []), q.value]);
      if (seen.has(q.name)) repeated.add(q.name);
      else presentIn.set(q.name, (presentIn.get(q.name) ?? 0) + 1);
      seen.add(q.name);
    }
  }
  return [...values.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([name, vals]) => {
      const scalar = scalarSchema(vals);
      // `?tag=a&tag=b`: form style with explode (the default) describes exactly this.
      const schema = repeated.has(name) ? { type: 'array', items: scalar } : scalar;
      return { name, in: 'query', ...(requiredIn(presentIn.get(name) ?? 0, txs.length) ? { required: true } : {}), schema };
    });
}

function headerParameters(txs: readonly Transaction[], schemeParameters: ReadonlySet<string>): Json[] {
  const names = new Map<string, { name: string; count: number; values: string[] }>();
  for (const tx of txs) {
    const seen = new Set<string>();
    for (const h of tx.request.headers) {
      const lower = h.name.toLowerCase();
      if (!(lower.startsWith('x-') || API_HEADERS.has(lower)) || INFRA_HEADERS.test(lower) || schemeParameters.has(`header:${lower}`) || seen.has(lower)) continue;
      seen.add(lower);
      const entry = names.get(lower) ?? { name: h.name, count: 0, values: [] };
      entry.count++;
      entry.values.push(h.value);
      names.set(lower, entry);
    }
  }
  return [...names.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([, h]) => ({ name: h.name, in: 'header', ...(requiredIn(h.count, txs.length) ? { required: true } : {}), schema: scalarSchema(h.values) }));
}

/** Required only when every request had it and there was more than one to tell. */
function requiredIn(present: number, total: number): boolean {
  return present === total && total > 1;
}

function requestBodyOf(txs: readonly Transaction[]): Json | undefined {
  const withBody = txs.filter((tx) => hasBody(tx.request.body));
  if (withBody.length === 0) return undefined;
  const content = contentOf(withBody.map((tx) => ({ body: tx.request.body, mediaType: bodyMediaType(tx.request.body, tx.request.headers) })));
  // The diff only asks for a body on methods that carry one; the same rule decides `required`.
  const needing = txs.filter((tx) => !['GET', 'HEAD', 'DELETE'].includes(tx.request.method.toUpperCase()));
  const required = needing.length > 0 && needing.every((tx) => hasBody(tx.request.body));
  return { ...(required ? { required: true } : {}), content };
}

function responsesOf(method: string, txs: readonly Transaction[]): Json {
  const byStatus = new Map<number, Transaction[]>();
  for (const tx of txs) if (tx.response) byStatus.set(tx.response.status, [...(byStatus.get(tx.response.status) ?? []), tx]);
  const out: Json = {};
  for (const [status, list] of [...byStatus.entries()].sort((a, b) => a[0] - b[0])) {
    const response: Json = { description: describeStatus(String(status)) };
    const bodies = status === 204 || status === 304 || method.toUpperCase() === 'HEAD' ? [] : list.filter((tx) => hasBody(tx.response?.body));
    if (bodies.length > 0) response.content = contentOf(bodies.map((tx) => ({ body: tx.response?.body, mediaType: bodyMediaType(tx.response?.body, tx.response?.headers ?? []) })));
    const kinds = new Set<string>();
    for (const tx of list) for (const r of tx.redactions) if (r.location.startsWith('response.') && SENSITIVE_KINDS.has(r.kind)) kinds.add(r.kind);
    // The sensor redacted personal data or secrets here: say so, for readers and for the diff's sensitive-data rule.
    if (kinds.size > 0) response['x-tapline-sensitive'] = [...kinds].sort();
    out[String(status)] = response;
  }
  return Object.keys(out).length > 0 ? out : { default: { description: 'Response' } };
}

function contentOf(bodies: readonly { body: CapturedBody | undefined; mediaType: string | undefined }[]): Json {
  const byType = new Map<string, (CapturedBody | undefined)[]>();
  for (const b of bodies) {
    const mt = b.mediaType ?? 'application/octet-stream';
    byType.set(mt, [...(byType.get(mt) ?? []), b.body]);
  }
  const content: Json = {};
  for (const [mt, list] of [...byType.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    const schema = schemaOf(list, mt);
    content[mt] = schema === undefined ? {} : { schema };
  }
  return content;
}

function schemaOf(bodies: readonly (CapturedBody | undefined)[], mediaType: string): unknown {
  if (!isJsonMediaType(mediaType)) {
    if (mediaType.startsWith('text/')) return { type: 'string' };
    if (mediaType === 'application/octet-stream' || mediaType.startsWith('image/')) return { type: 'string', contentMediaType: mediaType };
    return undefined;
  }
  const values: unknown[] = [];
  for (const b of bodies) {
    const j = jsonBody(b);
    if (j.ok) values.push(j.value);
  }
  if (values.length === 0) return undefined;
  // A document is read as a contract: ask for more evidence before a handful of values becomes an enum.
  const schema = inferSchema(values, { minEnumRepeats: 3 });
  dropUnverifiedFormats(schema, values);
  return schema;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

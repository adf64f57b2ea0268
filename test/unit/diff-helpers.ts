// Traffic for the diff tests: hand-made transactions, and conforming traffic generated from a
// spec's own operations (then perturbed by the tests).
import type { LoadedSpec, OperationModel } from '../../core/src/openapi/model';
import { RefResolver, isRecord, isRefObject } from '../../core/src/openapi/refs';
import type { HttpHeader, Redaction, Transaction } from '../../core/src/protocol/transaction';

let seq = 0;

export interface TxInput {
  method?: string;
  path: string;
  query?: [string, string][];
  headers?: [string, string][];
  reqBody?: unknown;
  reqType?: string;
  status?: number;
  resBody?: unknown;
  resType?: string;
  resHeaders?: [string, string][];
  service?: string;
  redactions?: Redaction[];
  startedAt?: number;
}

function body(value: unknown, type: string) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return { size: text.length, truncated: false, contentType: type, encoding: 'text' as const, text };
}

export function tx(i: TxInput): Transaction {
  const query = i.query ?? [];
  const qs = query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  const headers: HttpHeader[] = (i.headers ?? []).map(([name, value]) => ({ name, value }));
  const resType = i.resType ?? 'application/json';
  return {
    id: `tx-${++seq}`,
    startedAt: i.startedAt ?? 1_700_000_000_000 + seq,
    durationMs: 5,
    origin: 'replay',
    service: i.service ?? 'localhost:8080',
    client: { address: '127.0.0.1', port: 50000 },
    server: { address: '127.0.0.1', port: 8080 },
    tls: false,
    httpVersion: '1.1',
    request: {
      method: i.method ?? 'GET',
      target: i.path + (qs ? `?${qs}` : ''),
      path: i.path,
      query: qs,
      queryParams: query.map(([name, value]) => ({ name, value })),
      headers,
      body: i.reqBody === undefined ? undefined : body(i.reqBody, i.reqType ?? 'application/json'),
    },
    response: {
      status: i.status ?? 200,
      headers: (i.resHeaders ?? []).map(([name, value]) => ({ name, value })).concat(i.resBody === undefined ? [] : [{ name: 'Content-Type', value: resType }]),
      body: i.resBody === undefined ? undefined : body(i.resBody, resType),
    },
    redactions: i.redactions ?? [],
  };
}

/** A value that satisfies the schema (enough of it for tests): first enum, required properties, … */
export function sample(resolver: RefResolver, uri: string, schema: unknown, depth = 0): unknown {
  if (depth > 8) return null;
  if (isRefObject(schema)) {
    const t = resolver.target(uri, schema.$ref);
    return sample(resolver, t.uri, resolver.valueAt(t.uri, t.pointer), depth + 1);
  }
  if (!isRecord(schema)) return {};
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (schema.example !== undefined && typeof schema.example !== 'object') return schema.example;
  if (Array.isArray(schema.allOf)) {
    const out: Record<string, unknown> = {};
    for (const s of schema.allOf) Object.assign(out, sample(resolver, uri, s, depth + 1));
    return out;
  }
  for (const k of ['oneOf', 'anyOf'] as const) if (Array.isArray(schema[k])) return sample(resolver, uri, schema[k][0], depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'array') return [sample(resolver, uri, schema.items, depth + 1)];
  if (type === 'integer') return typeof schema.minimum === 'number' ? schema.minimum + 1 : 1;
  if (type === 'number') return 1.5;
  if (type === 'boolean') return true;
  if (type === 'string') {
    const f = schema.format;
    if (f === 'date-time') return '2024-01-02T03:04:05Z';
    if (f === 'date') return '2024-01-02';
    if (f === 'uuid') return '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
    if (f === 'email') return 'a@example.com';
    if (f === 'uri' || f === 'url') return 'https://example.com/x';
    return 'text';
  }
  if (type === 'object' || isRecord(schema.properties)) {
    const out: Record<string, unknown> = {};
    const props = isRecord(schema.properties) ? schema.properties : {};
    const required = Array.isArray(schema.required) ? schema.required.map(String) : Object.keys(props);
    for (const name of Object.keys(props)) if (required.includes(name)) out[name] = sample(resolver, uri, props[name], depth + 1);
    return out;
  }
  return {};
}

/** One conforming transaction for an operation: path params filled, required query params, bodies from schemas. */
export function conformingTx(spec: LoadedSpec, op: OperationModel, basePath = ''): Transaction {
  const resolver = new RefResolver(spec.documents);
  const path = basePath + op.path.replace(/\{([^}]+)\}/g, (_, n: string) => {
    const p = op.parameters.find((x) => x.in === 'path' && x.name === n);
    const v = p?.schema ? sample(resolver, p.schema.ref.uri, p.schema.value) : '1';
    return encodeURIComponent(String(typeof v === 'object' ? '1' : v));
  });
  const query: [string, string][] = op.parameters
    .filter((p) => p.in === 'query' && p.required)
    .map((p) => [p.name, String(p.schema ? sample(resolver, p.schema.ref.uri, p.schema.value) : 'x')]);
  const headers: [string, string][] = op.parameters.filter((p) => p.in === 'header' && p.required).map((p) => [p.name, 'x']);
  const needsAuth = op.security.length > 0 && !op.security.some((r) => Object.keys(r).length === 0);
  if (needsAuth) headers.push(['Authorization', 'Bearer [REDACTED]']);
  const reqMedia = op.requestBody ? [...op.requestBody.content.values()][0] : undefined;
  const status = [...op.responses.keys()].find((s) => /^2\d\d$/.test(s)) ?? '200';
  const response = op.responses.get(status);
  const resMedia = response ? [...response.content.values()].find((m) => m.mediaType.includes('json')) ?? [...response.content.values()][0] : undefined;
  return tx({
    method: op.method.toUpperCase(),
    path,
    query,
    headers,
    reqBody: reqMedia ? (reqMedia.schema ? sample(resolver, reqMedia.schema.ref.uri, reqMedia.schema.value) : {}) : undefined,
    reqType: reqMedia?.mediaType,
    status: Number(status),
    resBody: resMedia && status !== '204' ? (resMedia.schema ? sample(resolver, resMedia.schema.ref.uri, resMedia.schema.value) : {}) : undefined,
    resType: resMedia?.mediaType,
  });
}

/** The transaction as sent by another client: its address, and its User-Agent when given. */
export function fromClient(t: Transaction, address: string, userAgent?: string): Transaction {
  return { ...t, client: { address, port: 40000 }, request: { ...t.request, headers: userAgent === undefined ? [] : [{ name: 'User-Agent', value: userAgent }] } };
}

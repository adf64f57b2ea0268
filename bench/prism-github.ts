// Stoplight Prism (`@stoplight/prism-http` 5.12) driven the way its own pipeline drives it
// (prism-core's factory: route, then validateSecurity + validateInput, then validateOutput), minus
// the mock/proxy step, so the benchmark compares routing and validation only.
import type { IHttpOperation } from '@stoplight/types';
import { getHttpOperationsFromSpec } from '@stoplight/prism-http';
import type { IHttpRequest, IHttpResponse } from '@stoplight/prism-http';
import route from '@stoplight/prism-http/dist/router';
import { validateInput, validateOutput, validateSecurity } from '@stoplight/prism-http/dist/validator';
import type { CapturedBody, HttpHeader, Transaction } from '../core/src/protocol/transaction';

type PrismMethod = IHttpRequest['method'];

/** One observed transaction in the shapes Prism's HTTP server and forwarder hand to the pipeline. */
export interface PrismTx {
  request: IHttpRequest;
  response: IHttpResponse;
}

/** Prism's loader: $RefParser dereference, http-spec's OAS3 transform, then one bundle per operation. */
export function loadPrismOperations(specPath: string): Promise<IHttpOperation[]> {
  return getHttpOperationsFromSpec(specPath);
}

// Node hands Prism's server lower-cased header names; the forwarder does the same for responses.
function headerObject(headers: readonly HttpHeader[], body: CapturedBody | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of headers) out[h.name.toLowerCase()] = h.value;
  if (body) {
    if (body.contentType && out['content-type'] === undefined) out['content-type'] = body.contentType;
    // Prism skips request body validation when content-length is 0 or missing, so a real client's header matters.
    if (out['content-length'] === undefined) out['content-length'] = String(body.size);
  }
  return out;
}

// Prism's server parses JSON bodies (by content type) before the pipeline sees them; text stays text.
function parsedBody(body: CapturedBody | undefined): unknown {
  if (!body || body.encoding !== 'text' || body.text === undefined) return undefined;
  if (body.contentType && /json/i.test(body.contentType)) {
    try {
      return JSON.parse(body.text) as unknown;
    } catch {
      return body.text;
    }
  }
  return body.text;
}

export function toPrismTx(tx: Transaction): PrismTx {
  const query: Record<string, string | string[]> = {};
  for (const q of tx.request.queryParams) {
    const prev = query[q.name];
    query[q.name] = prev === undefined ? q.value : Array.isArray(prev) ? [...prev, q.value] : [prev, q.value];
  }
  return {
    request: {
      method: tx.request.method.toLowerCase() as PrismMethod,
      // No baseUrl: Prism then skips server matching, which only makes its router cheaper.
      url: { path: tx.request.path, query },
      headers: headerObject(tx.request.headers, tx.request.body),
      body: parsedBody(tx.request.body),
    },
    response: {
      statusCode: tx.response?.status ?? 0,
      headers: headerObject(tx.response?.headers ?? [], undefined),
      body: parsedBody(tx.response?.body),
    },
  };
}

/** Prism's router alone; returns the matched operation's path template, or undefined. */
export function prismRoute(ops: IHttpOperation[], t: PrismTx): IHttpOperation | undefined {
  const r = route({ resources: ops, input: t.request });
  return r._tag === 'Right' ? r.right : undefined;
}

export interface PrismCheck {
  operation?: IHttpOperation;
  inputIssues: number;
  outputIssues: number;
}

/** Route, then input validation (security + request) and output validation, as prism-core's factory runs them. */
export function prismCheck(ops: IHttpOperation[], t: PrismTx): PrismCheck {
  const operation = prismRoute(ops, t);
  if (!operation) return { inputIssues: 0, outputIssues: 0 };
  const sec = validateSecurity({ resource: operation, element: t.request });
  const inp = validateInput({ resource: operation, element: t.request });
  const out = validateOutput({ resource: operation, element: t.response });
  const count = (e: typeof sec | typeof out) => (e._tag === 'Left' ? e.left.length : 0);
  return { operation, inputIssues: count(sec) + count(inp), outputIssues: count(out) };
}

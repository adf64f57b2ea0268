// undocumented-parameter and missing-required-parameter.

import { appendPointer } from '../openapi/json-pointer';
import type { OperationModel, ParameterModel } from '../openapi/model';
import type { DiffContext } from './context';
import type { MatchedTx } from './group';
import { scalarSchema } from './infer-operation';
import { header } from './observation';

// Headers that infrastructure adds or that OpenAPI describes elsewhere (content negotiation, auth).
const IGNORED_HEADERS = /^(x-forwarded-.*|x-real-ip|x-request-id|x-correlation-id|x-amzn-.*|x-amz-.*|x-b3-.*|x-cloud-trace-context|x-envoy-.*|x-datadog-.*|x-requested-with|x-csrf-token|x-xsrf-token)$/;
const NOT_PARAMETERS = new Set(['accept', 'content-type', 'authorization']);

export function parameterRules(ctx: DiffContext, op: OperationModel, matched: readonly MatchedTx[]): void {
  const method = op.method.toUpperCase();
  // Parameters that security schemes already describe.
  const schemeParams = new Set<string>();
  for (const s of ctx.model.securitySchemes.values()) if (s.type === 'apiKey' && s.paramName) schemeParams.add(`${s.in}:${s.in === 'header' ? s.paramName.toLowerCase() : s.paramName}`);
  const opAt = { uri: op.ref.uri, pointer: op.ref.pointer };
  const paramsAt = { uri: op.ref.uri, pointer: appendPointer(op.ref.pointer, 'parameters') };

  /** An undocumented query parameter or header, with the fix that describes it (`key`: how it is matched, `name`: as sent). */
  const undocumented = (tx: MatchedTx['tx'], where: 'query' | 'header', key: string, name: string, what: string, schema: Record<string, unknown>): void =>
    ctx.emit({
      code: 'undocumented-parameter',
      detail: `${where}|${key}`,
      message: `${op.key}: ${what} is sent but not described`,
      method,
      path: op.path,
      service: tx.service,
      operation: op,
      at: paramsAt,
      tx,
      fixes: [{ kind: 'add-parameter', operation: opAt, parameter: { name, in: where, required: false, schema } }],
    });

  for (const { tx } of matched) {
    const cookies = cookieNames(header(tx.request.headers, 'cookie'));
    for (const q of tx.request.queryParams) {
      if (declared(op, 'query', q.name) || schemeParams.has(`query:${q.name}`)) continue;
      undocumented(tx, 'query', q.name, q.name, `query parameter '${q.name}'`, scalarSchema([q.value]));
    }
    for (const h of tx.request.headers) {
      const name = h.name.toLowerCase();
      if (!name.startsWith('x-') || IGNORED_HEADERS.test(name) || declared(op, 'header', name) || schemeParams.has(`header:${name}`)) continue;
      undocumented(tx, 'header', name, h.name, `header '${h.name}'`, { type: 'string' });
    }
    for (const p of op.parameters) {
      if (!p.required || p.in === 'path') continue;
      const present =
        p.in === 'query'
          ? tx.request.queryParams.some((q) => q.name === p.name)
          : p.in === 'header'
            ? NOT_PARAMETERS.has(p.name.toLowerCase()) || header(tx.request.headers, p.name) !== undefined
            : cookies === undefined || cookies.has(p.name);
      if (present) continue;
      ctx.emit({
        code: 'missing-required-parameter',
        detail: `${p.in}|${p.name}`,
        message: `${op.key}: required ${p.in} parameter '${p.name}' was missing from requests`,
        method,
        path: op.path,
        service: tx.service,
        operation: op,
        at: p.ref,
        tx,
      });
    }
  }
}

// A module function, not a closure per call: the diff runs this rule for every observed operation.
function declared(op: OperationModel, where: ParameterModel['in'], name: string): boolean {
  for (const p of op.parameters) if (p.in === where && (where === 'header' ? p.name.toLowerCase() === name.toLowerCase() : p.name === name)) return true;
  return false;
}

/** Cookie names, or undefined when the header was redacted (names unknown). */
function cookieNames(value: string | undefined): Set<string> | undefined {
  if (value === undefined) return new Set();
  if (!value.includes('=')) return undefined;
  return new Set(value.split(';').map((c) => c.split('=')[0]?.trim() ?? '').filter((n) => n !== ''));
}

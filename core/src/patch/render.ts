// Inferred operations, responses and parameters → the objects written into a 2.0/3.0/3.1 document.

import type { InferredOperation, InferredParameter, InferredResponse } from '../diff/finding';
import type { SpecVersion } from '../openapi/model';
import { isRecord } from '../openapi/refs';
import { toDialect } from '../schema/infer';

const REASONS: Record<string, string> = {
  '200': 'OK',
  '201': 'Created',
  '202': 'Accepted',
  '204': 'No Content',
  '301': 'Moved Permanently',
  '302': 'Found',
  '304': 'Not Modified',
  '400': 'Bad Request',
  '401': 'Unauthorized',
  '403': 'Forbidden',
  '404': 'Not Found',
  '405': 'Method Not Allowed',
  '409': 'Conflict',
  '415': 'Unsupported Media Type',
  '422': 'Unprocessable Entity',
  '429': 'Too Many Requests',
  '500': 'Internal Server Error',
  '502': 'Bad Gateway',
  '503': 'Service Unavailable',
  '504': 'Gateway Timeout',
};

export function describeStatus(status: string): string {
  return REASONS[status] ?? `Response ${status}`;
}

export function schemaFor(schema: unknown, version: SpecVersion): unknown {
  return schema === undefined ? undefined : toDialect(schema, version);
}

export function renderParameter(p: InferredParameter, version: SpecVersion): Record<string, unknown> {
  const out: Record<string, unknown> = { name: p.name, in: p.in };
  if (p.required || p.in === 'path') out.required = true;
  const schema = schemaFor(p.schema, version);
  if (version === '2.0') Object.assign(out, isRecord(schema) && schema.type ? schema : { type: 'string' });
  else out.schema = schema ?? { type: 'string' };
  return out;
}

export function renderResponse(r: InferredResponse, version: SpecVersion): Record<string, unknown> {
  const out: Record<string, unknown> = { description: describeStatus(r.status) };
  const schema = schemaFor(r.schema, version);
  if (r.mediaType) {
    if (version === '2.0') {
      if (schema !== undefined) out.schema = schema;
    } else out.content = { [r.mediaType]: schema === undefined ? {} : { schema } };
  }
  return out;
}

export function renderOperation(op: InferredOperation, version: SpecVersion): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const params: unknown[] = op.parameters.map((p) => renderParameter(p, version));
  const body = op.requestBody;
  if (version === '2.0') {
    if (body) params.push({ name: 'body', in: 'body', required: body.required, schema: schemaFor(body.schema, version) ?? {} });
    if (body && body.mediaType !== 'application/json') out.consumes = [body.mediaType];
    const produced = [...new Set(op.responses.map((r) => r.mediaType).filter((m): m is string => !!m && m !== 'application/json'))];
    if (produced.length > 0) out.produces = produced;
  }
  if (params.length > 0) out.parameters = params;
  if (body && version !== '2.0') {
    const schema = schemaFor(body.schema, version);
    out.requestBody = { ...(body.required ? { required: true } : {}), content: { [body.mediaType]: schema === undefined ? {} : { schema } } };
  }
  const responses: Record<string, unknown> = {};
  for (const r of op.responses) responses[r.status] = renderResponse(r, version);
  out.responses = Object.keys(responses).length > 0 ? responses : { default: { description: 'Response' } };
  return out;
}

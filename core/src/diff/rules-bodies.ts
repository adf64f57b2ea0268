// undocumented-status, undocumented-content-type, request-body-mismatch, response-body-mismatch.

import { appendPointer } from '../openapi/json-pointer';
import type { MediaTypeModel, OperationModel, ResponseModel, SpecVersion } from '../openapi/model';
import type { Transaction } from '../protocol/transaction';
import { inferSchema } from '../schema/infer';
import type { Direction } from '../schema/translate';
import type { SchemaViolation } from '../schema/validator';
import { jsonType } from '../schema/validator';
import type { DiffContext } from './context';
import { MAX_SAMPLE_IDS } from './context';
import type { FixData } from './finding';
import { keep, type BodyAggregates, type CallsOf } from './aggregates';
import type { MatchedTx } from './group';
import { inferResponse, schemaOf } from './infer-operation';
import { bodyMediaType, findMediaType, findStatus, hasBody, isJsonMediaType, jsonBody } from './observation';

/**
 * Checks each transaction's bodies (findings as they come) and collects the statuses and media
 * types the operation does not describe into `agg`, across calls; emitBodyAggregates reports them.
 */
export function bodyRules(ctx: DiffContext, op: OperationModel, matched: readonly MatchedTx[], agg: BodyAggregates, callsOf: CallsOf): void {
  const method = op.method.toUpperCase();
  const { unknownStatus, unknownTypes } = agg;

  for (const { tx } of matched) {
    // Request body
    const req = tx.request;
    if (hasBody(req.body)) {
      const mt = bodyMediaType(req.body, req.headers) ?? 'application/octet-stream';
      const media = op.requestBody ? findMediaType(op.requestBody.content, mt) : undefined;
      if (!media) {
        const owner = op.requestBody ? target(ctx, op.requestBody.ref) : { uri: op.ref.uri, pointer: appendPointer(op.ref.pointer, 'requestBody') };
        const key = `request|${mt}`;
        const entry = unknownTypes.get(key) ?? { owner, where: 'request', mt, count: 0, txs: [], request: true };
        keep(entry, [tx], callsOf);
        unknownTypes.set(key, entry);
      } else validateBody(ctx, op, tx, media, req.body, 'request', 'Request');
    } else if (op.requestBody?.required && !['GET', 'HEAD', 'DELETE'].includes(method)) {
      ctx.emit({
        code: 'request-body-mismatch',
        detail: 'missing',
        message: `${op.key}: the request body is required but requests without one were seen`,
        method,
        path: op.path,
        service: tx.service,
        operation: op,
        at: op.requestBody.ref,
        tx,
      });
    }
    // Response
    const res = tx.response;
    if (!res) continue;
    const response = findStatus(op.responses, res.status);
    if (!response) {
      const kept = unknownStatus.get(res.status) ?? { count: 0, txs: [] };
      keep(kept, [tx], callsOf);
      unknownStatus.set(res.status, kept);
      continue;
    }
    if (!hasBody(res.body) || res.status === 204 || res.status === 304 || method === 'HEAD') continue;
    const mt = bodyMediaType(res.body, res.headers) ?? 'application/octet-stream';
    const media = findMediaType(response.content, mt);
    if (!media) {
      const owner = target(ctx, response.ref);
      const key = `response|${response.status}|${mt}`;
      const entry = unknownTypes.get(key) ?? { owner, where: `response ${response.status}`, mt, count: 0, txs: [], request: false };
      keep(entry, [tx], callsOf);
      unknownTypes.set(key, entry);
    } else validateBody(ctx, op, tx, media, res.body, 'response', `Response ${res.status}`, response);
  }
}

/** undocumented-status and undocumented-content-type, once all transactions were seen. */
export function emitBodyAggregates(ctx: DiffContext, op: OperationModel, agg: BodyAggregates): void {
  const method = op.method.toUpperCase();
  const opAt = { uri: op.ref.uri, pointer: op.ref.pointer };
  for (const [status, kept] of agg.unknownStatus) {
    const { txs } = kept;
    const count = calls(kept.count);
    ctx.emitAggregate({
      code: 'undocumented-status',
      detail: String(status),
      message: `${op.key} returned ${status} (${count}×), which is not described${op.responses.has('default') ? '' : ' and there is no default response'}`,
      method,
      path: op.path,
      service: txs[0]?.service,
      operation: op.key,
      location: ctx.locate({ uri: op.ref.uri, pointer: appendPointer(op.ref.pointer, 'responses') }),
      count,
      sampleIds: txs.slice(0, MAX_SAMPLE_IDS).map((t) => t.id),
      fixes: [{ kind: 'add-response', operation: opAt, response: inferResponse(String(status), txs) }],
    });
  }
  for (const u of agg.unknownTypes.values()) {
    const count = calls(u.count);
    const bodies = u.txs.map((t) => (u.request ? t.request.body : t.response?.body));
    ctx.emitAggregate({
      code: 'undocumented-content-type',
      detail: `${u.where}|${u.mt}`,
      message: `${op.key}: ${u.where} has content type ${u.mt} (${count}×), which is not described`,
      method,
      path: op.path,
      service: u.txs[0]?.service,
      operation: op.key,
      location: ctx.locate(u.owner),
      count,
      sampleIds: u.txs.slice(0, MAX_SAMPLE_IDS).map((t) => t.id),
      fixes: [{ kind: 'add-media-type', owner: u.owner, mediaType: u.mt, schema: schemaOf(bodies, u.mt) }],
    });
  }
}

/** Edits to a node reached through `$ref` belong in the file that holds the target. */
function target(ctx: DiffContext, ref: { uri: string; pointer: string }): { uri: string; pointer: string } {
  const r = ctx.resolver.follow(ref.uri, ref.pointer);
  return r ? { uri: r.uri, pointer: r.pointer } : { uri: ref.uri, pointer: ref.pointer };
}

function validateBody(
  ctx: DiffContext,
  op: OperationModel,
  tx: Transaction,
  media: MediaTypeModel,
  body: Transaction['request']['body'],
  direction: Direction,
  label: string,
  response?: ResponseModel,
): void {
  if (!media.schema) return;
  const mt = bodyMediaType(body, direction === 'request' ? tx.request.headers : tx.response?.headers ?? []);
  if (!isJsonMediaType(mt)) return;
  const parsed = jsonBody(body);
  if (!parsed.ok) return;
  const code = direction === 'request' ? 'request-body-mismatch' : 'response-body-mismatch';
  for (const v of ctx.validator.validate(media.schema, parsed.value, direction)) {
    const fix = fixFor(v, ctx.model.version);
    ctx.emit({
      code,
      detail: `${response?.status ?? ''}|${ctx.shortUri(v.schema.uri)}#${v.schema.pointer}|${v.keyword}|${v.instancePath.replace(/\/\d+(?=\/|$)/g, '/*')}|${paramKey(v)}`,
      message: `${label} of ${op.key}: ${v.message}`,
      method: op.method.toUpperCase(),
      path: op.path,
      service: tx.service,
      operation: op,
      at: { uri: v.schema.uri, pointer: locationPointer(v) },
      within: direction === 'response' ? response?.ref : op.requestBody?.ref,
      tx,
      fixes: fix ? [fix] : [],
    });
  }
}

function paramKey(v: SchemaViolation): string {
  const p = v.params;
  return String(p.missingProperty ?? p.additionalProperty ?? (v.keyword === 'enum' ? JSON.stringify(v.value) : v.keyword === 'type' ? jsonType(v.value) : ''));
}

function locationPointer(v: SchemaViolation): string {
  const p = v.schema.pointer;
  if (v.keyword === 'required' || v.keyword === 'enum' || v.keyword === 'type') return appendPointer(p, v.keyword);
  if (v.keyword === 'additionalProperties') return appendPointer(p, 'additionalProperties');
  return p;
}

function fixFor(v: SchemaViolation, version: SpecVersion): FixData | undefined {
  const schema = { uri: v.schema.uri, pointer: v.schema.pointer };
  switch (v.keyword) {
    case 'required':
      return { kind: 'make-optional', schema, property: String(v.params.missingProperty) };
    case 'type': {
      const addType = jsonType(v.value);
      // Swagger 2.0 has no way to say "string or integer" (no anyOf, no type lists).
      const expected = String(v.params.type);
      if (version === '2.0' && addType !== 'null' && !(expected === 'integer' && addType === 'number')) return undefined;
      return { kind: 'widen-type', schema, addType };
    }
    case 'enum':
      return { kind: 'add-enum-value', schema, value: v.value };
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const property = String(v.params.additionalProperty ?? v.params.unevaluatedProperty);
      const parent = v.value;
      const value = parent !== null && typeof parent === 'object' ? (parent as Record<string, unknown>)[property] : undefined;
      return { kind: 'add-property', schema, property, propertySchema: inferSchema([value]) };
    }
    default:
      return undefined;
  }
}

/** A count of calls (samples may stand for fractions of them) as a whole number of at least one. */
function calls(count: number): number {
  return Math.max(1, Math.round(count));
}

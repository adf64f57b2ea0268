// Builds the description of an operation (or one response) from the transactions that showed it,
// for the add-operation / add-method / add-response fixes.

import type { HttpMethod } from '../openapi/model';
import { splitPath } from '../match/router';
import type { Transaction } from '../protocol/transaction';
import { inferSchema } from '../schema/infer';
import type { InferredOperation, InferredParameter, InferredResponse } from './finding';
import { bodyMediaType, hasBody, isJsonMediaType, jsonBody } from './observation';

const MAX_SAMPLES = 50;

/** A parameter value as text → the narrowest scalar schema that fits every sample. */
export function scalarSchema(values: readonly string[]): Record<string, unknown> {
  if (values.length > 0 && values.every((v) => /^-?\d{1,15}$/.test(v))) return { type: 'integer' };
  if (values.length > 0 && values.every((v) => /^-?\d+(\.\d+)?$/.test(v))) return { type: 'number' };
  if (values.length > 0 && values.every((v) => v === 'true' || v === 'false')) return { type: 'boolean' };
  const s = inferSchema(values);
  // Enums from a handful of parameter values are guesses; keep formats only.
  return s.format ? { type: 'string', format: s.format } : { type: 'string' };
}

export function inferOperation(method: HttpMethod, template: string, pathOffset: number, txs: readonly Transaction[]): InferredOperation {
  const sample = txs.slice(0, MAX_SAMPLES);
  const parameters: InferredParameter[] = [];
  const tSegs = splitPath(template);
  tSegs.forEach((seg, i) => {
    const names = [...seg.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1] ?? '');
    if (names.length !== 1 || seg !== `{${names[0]}}`) {
      for (const name of names) parameters.push({ name, in: 'path', required: true, schema: { type: 'string' } });
      return;
    }
    const values = sample.map((tx) => splitPath(tx.request.path.slice(pathOffset))[i] ?? '').map(safeDecode);
    parameters.push({ name: names[0] ?? '', in: 'path', required: true, schema: scalarSchema(values) });
  });
  parameters.push(...inferQueryParameters(sample));
  const withBody = sample.filter((tx) => hasBody(tx.request.body));
  let requestBody: InferredOperation['requestBody'];
  const reqType = withBody.map((tx) => bodyMediaType(tx.request.body, tx.request.headers)).find((t) => t !== undefined);
  if (reqType) {
    const same = withBody.filter((tx) => bodyMediaType(tx.request.body, tx.request.headers) === reqType);
    requestBody = { mediaType: reqType, required: withBody.length === sample.length, schema: schemaOf(same.map((tx) => tx.request.body), reqType) };
  }
  const byStatus = new Map<number, Transaction[]>();
  for (const tx of sample) {
    if (!tx.response) continue;
    const list = byStatus.get(tx.response.status) ?? [];
    list.push(tx);
    byStatus.set(tx.response.status, list);
  }
  const responses = [...byStatus.entries()].sort((a, b) => a[0] - b[0]).map(([status, list]) => inferResponse(String(status), list));
  return { method, path: template, parameters, requestBody, responses };
}

export function inferQueryParameters(txs: readonly Transaction[]): InferredParameter[] {
  const values = new Map<string, string[]>();
  const presentIn = new Map<string, number>();
  for (const tx of txs) {
    const seen = new Set<string>();
    for (const q of tx.request.queryParams) {
      const list = values.get(q.name) ?? [];
      list.push(q.value);
      values.set(q.name, list);
      if (!seen.has(q.name)) presentIn.set(q.name, (presentIn.get(q.name) ?? 0) + 1);
      seen.add(q.name);
    }
  }
  return [...values.entries()].map(([name, vals]) => ({
    name,
    in: 'query' as const,
    required: (presentIn.get(name) ?? 0) === txs.length && txs.length > 1,
    schema: scalarSchema(vals),
  }));
}

export function inferResponse(status: string, txs: readonly Transaction[]): InferredResponse {
  const withBody = txs.filter((tx) => hasBody(tx.response?.body));
  const mediaType = withBody.map((tx) => bodyMediaType(tx.response?.body, tx.response?.headers ?? [])).find((t) => t !== undefined);
  if (!mediaType) return { status };
  const same = withBody.filter((tx) => bodyMediaType(tx.response?.body, tx.response?.headers ?? []) === mediaType);
  return { status, mediaType, schema: schemaOf(same.map((tx) => tx.response?.body), mediaType) };
}

export function schemaOf(bodies: readonly (Transaction['request']['body'] | undefined)[], mediaType: string): unknown {
  if (!isJsonMediaType(mediaType)) return mediaType.startsWith('text/') ? { type: 'string' } : undefined;
  const values: unknown[] = [];
  for (const b of bodies.slice(0, MAX_SAMPLES)) {
    const j = jsonBody(b);
    if (j.ok) values.push(j.value);
  }
  return values.length > 0 ? inferSchema(values) : undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

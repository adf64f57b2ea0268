// Schema inference from observed JSON samples, for "add operation/response/property" fixes and
// "Generate OpenAPI Document from Traffic". The result is plain JSON Schema (types as arrays when
// several were seen); `toDialect` turns it into what a 2.0/3.0/3.1 document expects.

import type { SpecVersion } from '../openapi/model';
import { isRecord } from '../openapi/refs';
import { satisfiesFormat } from './formats';

export type InferredSchema = Record<string, unknown>;

export interface InferOptions {
  /** At most this many distinct strings become an enum (default 5). */
  maxEnumValues?: number;
  /** Each enum value must have been seen at least this often on average (default 2). */
  minEnumRepeats?: number;
}

const FORMATS: [string, RegExp][] = [
  ['date-time', /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:?\d{2})$/],
  ['date', /^\d{4}-\d{2}-\d{2}$/],
  ['uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i],
  ['email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/],
  ['uri', /^https?:\/\/[^\s]+$/],
  ['ipv4', /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/],
];

const ENUM_VALUE = /^[A-Za-z][A-Za-z0-9_.-]{0,31}$/;

export function inferSchema(samples: readonly unknown[], options: InferOptions = {}): InferredSchema {
  const present = samples.filter((s) => s !== undefined);
  if (present.length === 0) return {};
  const byType = new Map<string, unknown[]>();
  for (const s of present) {
    const t = kindOf(s);
    const list = byType.get(t) ?? [];
    list.push(s);
    byType.set(t, list);
  }
  // integer ⊂ number: one number schema when both were seen.
  if (byType.has('integer') && byType.has('number')) {
    byType.get('number')?.push(...(byType.get('integer') ?? []));
    byType.delete('integer');
  }
  const nullable = byType.delete('null');
  const parts = [...byType.entries()].map(([type, values]) => inferOne(type, values, options));
  let schema: InferredSchema;
  if (parts.length === 0) schema = { type: 'null' };
  else if (parts.length === 1) schema = parts[0] ?? {};
  else schema = { anyOf: parts };
  if (nullable && parts.length > 0) {
    if (typeof schema.type === 'string') schema = { ...schema, type: [schema.type, 'null'] };
    else schema = { anyOf: [...(Array.isArray(schema.anyOf) ? schema.anyOf : [schema]), { type: 'null' }] };
  }
  return schema;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function inferOne(type: string, values: unknown[], options: InferOptions): InferredSchema {
  switch (type) {
    case 'object':
      return inferObject(values.filter(isRecord), options);
    case 'array':
      return { type: 'array', items: inferSchema(values.flatMap((v) => (Array.isArray(v) ? v : [])), options) };
    case 'string':
      return inferString(values.map(String), options);
    case 'integer':
    case 'number':
    case 'boolean':
      return { type };
    default:
      return {};
  }
}

function inferObject(values: Record<string, unknown>[], options: InferOptions): InferredSchema {
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const v of values) {
    for (const k of Object.keys(v)) {
      if (seen.has(k)) continue;
      seen.add(k);
      keys.push(k);
    }
  }
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const k of keys) {
    const samples = values.map((v) => v[k]);
    properties[k] = inferSchema(samples, options);
    if (samples.every((s) => s !== undefined)) required.push(k);
  }
  const out: InferredSchema = { type: 'object' };
  if (keys.length > 0) out.properties = properties;
  if (required.length > 0) out.required = required;
  return out;
}

function inferString(values: string[], options: InferOptions): InferredSchema {
  for (const [format, re] of FORMATS) if (values.every((v) => re.test(v) && satisfiesFormat(format, v))) return { type: 'string', format };
  const distinct = [...new Set(values)];
  const maxEnum = options.maxEnumValues ?? 5;
  const minRepeats = options.minEnumRepeats ?? 2;
  if (distinct.length <= maxEnum && values.length >= distinct.length * minRepeats && values.length >= 3 && distinct.every((v) => ENUM_VALUE.test(v))) {
    return { type: 'string', enum: distinct.sort() };
  }
  return { type: 'string' };
}

/** Converts an inferred schema to the dialect of the document it will be written into. */
export function toDialect(schema: unknown, version: SpecVersion): unknown {
  if (!isRecord(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties' && isRecord(v)) {
      const props: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(v)) props[name] = toDialect(sub, version);
      out[k] = props;
    } else if (k === 'items') out[k] = toDialect(v, version);
    else if (k === 'anyOf' && Array.isArray(v)) out[k] = v.map((s) => toDialect(s, version));
    else out[k] = v;
  }
  if (version === '3.1') return out;
  if (Array.isArray(out.type)) {
    const all: unknown[] = out.type;
    const types = all.filter((t) => t !== 'null');
    if (types.length === 1) out.type = types[0];
    if (types.length !== all.length || all.length === 0) out[version === '2.0' ? 'x-nullable' : 'nullable'] = true;
  }
  if (Array.isArray(out.anyOf)) {
    const nonNull = out.anyOf.filter((s) => !(isRecord(s) && s.type === 'null'));
    if (nonNull.length !== out.anyOf.length) out[version === '2.0' ? 'x-nullable' : 'nullable'] = true;
    if (nonNull.length === 1 && isRecord(nonNull[0])) {
      const { anyOf: _drop, ...rest } = out;
      return { ...nonNull[0], ...rest };
    }
    // Swagger 2.0 has no anyOf: leave the type open.
    if (version === '2.0') delete out.anyOf;
    else out.anyOf = nonNull;
  }
  return out;
}

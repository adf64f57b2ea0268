// Validates observed bodies against the spec's schemas with ajv. Schemas are translated and
// compiled lazily, once per distinct (schema location, direction), and cached for the lifetime
// of the loaded spec; errors carry the source location of the schema node that failed.

import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { decodePointer } from '../openapi/json-pointer';
import type { SchemaRef } from '../openapi/model';
import type { ParsedDocument } from '../openapi/parsed-document';
import { RefResolver, isRecord, isRefObject } from '../openapi/refs';
import { addOpenApiFormats } from './formats';
import type { Direction, SchemaOrigin } from './translate';
import { translateSchema } from './translate';

export interface SchemaViolation {
  /** The ajv keyword that failed: type, required, additionalProperties, enum, format, … */
  keyword: string;
  /** JSON pointer into the validated value. */
  instancePath: string;
  message: string;
  params: Record<string, unknown>;
  /** The value at instancePath (for fixes: the observed type / enum value / new property). */
  value: unknown;
  /** The schema object holding the failing keyword, in its source file. */
  schema: SchemaOrigin;
}

interface Compiled {
  validate: ValidateFunction | undefined;
  origins: WeakMap<object, SchemaOrigin>;
  root: unknown;
  error?: string;
}

const MAX_VIOLATIONS = 20;

export class SchemaValidator {
  private readonly ajv: Ajv2020;
  private readonly resolver: RefResolver;
  private readonly cache = new Map<string, Compiled>();

  constructor(documents: ReadonlyMap<string, ParsedDocument>) {
    this.resolver = new RefResolver(documents);
    this.ajv = new Ajv2020({ strict: false, allErrors: true, logger: false, validateFormats: true, unicodeRegExp: false });
    addFormats(this.ajv);
    addOpenApiFormats(this.ajv);
  }

  /** Violations of `value` against `schema`; [] when valid or when the schema cannot be compiled. */
  validate(schema: SchemaRef, value: unknown, direction: Direction): SchemaViolation[] {
    const compiled = this.compile(schema, direction);
    const validate = compiled.validate;
    if (!validate || validate(value)) return [];
    return (validate.errors ?? []).slice(0, MAX_VIOLATIONS).map((e) => this.toViolation(e, compiled, value, schema));
  }

  /** Compile error for a schema, if it has one (reported once by the diff as a spec problem). */
  compileError(schema: SchemaRef, direction: Direction): string | undefined {
    return this.compile(schema, direction).error;
  }

  get compiledCount(): number {
    return this.cache.size;
  }

  private compile(schema: SchemaRef, direction: Direction): Compiled {
    const raw = schema.value;
    // A bare $ref shares the compiled target with every other use of it.
    const target = isRefObject(raw) && Object.keys(raw).length === 1 ? this.resolver.target(schema.ref.uri, raw.$ref) : undefined;
    const synthetic = target === undefined && this.resolver.valueAt(schema.ref.uri, schema.ref.pointer) !== raw;
    const key = target
      ? `${direction}|ref|${target.uri}#${target.pointer}`
      : `${direction}|${synthetic ? 'synthetic' : 'at'}|${schema.ref.uri}#${schema.ref.pointer}`;
    let c = this.cache.get(key);
    if (c) return c;
    const source = target ? { uri: target.uri, pointer: target.pointer, value: this.resolver.valueAt(target.uri, target.pointer) ?? {} } : { uri: schema.ref.uri, pointer: schema.ref.pointer, value: raw };
    const t = translateSchema(this.resolver, source, schema.dialect, direction);
    try {
      c = { validate: this.ajv.compile(t.schema), origins: t.origins, root: t.schema };
    } catch (e) {
      c = { validate: undefined, origins: t.origins, root: t.schema, error: e instanceof Error ? e.message : String(e) };
    }
    this.cache.set(key, c);
    return c;
  }

  private toViolation(e: ErrorObject, c: Compiled, value: unknown, schema: SchemaRef): SchemaViolation {
    const segs = decodePointer(e.schemaPath);
    // Walk to the object that holds the failing keyword, remembering the last node with an origin.
    let node: unknown = c.root;
    let origin: SchemaOrigin = (isRecord(node) && c.origins.get(node)) || { uri: schema.ref.uri, pointer: schema.ref.pointer };
    for (const seg of segs.slice(0, -1)) {
      node = Array.isArray(node) ? node[Number(seg)] : isRecord(node) ? node[seg] : undefined;
      if (node === undefined) break;
      if (isRecord(node)) origin = c.origins.get(node) ?? origin;
    }
    const at = valueAt(value, e.instancePath);
    const where = e.instancePath === '' ? 'body' : e.instancePath;
    let message = `${where} ${e.message ?? 'is invalid'}`;
    if (e.keyword === 'additionalProperties') message = `${where} has undeclared property '${String(e.params.additionalProperty)}'`;
    if (e.keyword === 'enum') message = `${where} value ${JSON.stringify(at)} is not one of ${JSON.stringify(e.params.allowedValues)}`;
    if (e.keyword === 'type') message = `${where} is ${jsonType(at)}, expected ${String(e.params.type)}`;
    return { keyword: e.keyword, instancePath: e.instancePath, message, params: e.params as Record<string, unknown>, value: at, schema: origin };
  }
}

function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const seg of decodePointer(pointer)) {
    if (Array.isArray(node)) node = node[Number(seg)];
    else if (isRecord(node)) node = node[seg];
    else return undefined;
  }
  return node;
}

export function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

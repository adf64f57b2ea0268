// Validates observed bodies against the spec's schemas with ajv. Schemas are translated and
// compiled lazily, once per distinct (schema location, direction), and cached for the lifetime
// of the loaded spec; errors carry the source location of the schema node that failed.

import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { decodePointer } from '../openapi/json-pointer';
import type { SchemaRef, SpecVersion } from '../openapi/model';
import type { ParsedDocument } from '../openapi/parsed-document';
import { RefResolver, isRecord, isRefObject } from '../openapi/refs';
import { addOpenApiFormats } from './formats';
import type { Direction, RefRegistry, SchemaOrigin } from './translate';
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
  error?: string;
}

const MAX_VIOLATIONS = 20;
// Ids only name schemas inside this ajv instance; nothing is fetched.
const ID_BASE = 'https://tapline.invalid/schema/';

export class SchemaValidator {
  private readonly ajv: Ajv2020;
  private readonly resolver: RefResolver;
  private readonly cache = new Map<string, Compiled>();
  private readonly ids = new Map<string, string>();
  private readonly origins = new WeakMap<object, SchemaOrigin>();

  constructor(
    documents: ReadonlyMap<string, ParsedDocument>,
    private readonly dialect: SpecVersion = '3.0',
  ) {
    this.resolver = new RefResolver(documents);
    // verbose: errors carry `parentSchema`, the translated node, which maps back to the source.
    // inlineRefs: false keeps shared components compiled once instead of copied into each user.
    this.ajv = new Ajv2020({ strict: false, allErrors: true, verbose: true, inlineRefs: false, logger: false, validateFormats: true, unicodeRegExp: false });
    addFormats(this.ajv);
    addOpenApiFormats(this.ajv);
  }

  /** Violations of `value` against `schema`; [] when valid or when the schema cannot be compiled. */
  validate(schema: SchemaRef, value: unknown, direction: Direction): SchemaViolation[] {
    const validate = this.compile(schema, direction).validate;
    if (!validate || validate(value)) return [];
    return (validate.errors ?? []).slice(0, MAX_VIOLATIONS).map((e) => this.toViolation(e, value, schema));
  }

  /** Compile error for a schema, if it has one (reported once by the diff as a spec problem). */
  compileError(schema: SchemaRef, direction: Direction): string | undefined {
    return this.compile(schema, direction).error;
  }

  get compiledCount(): number {
    return this.cache.size;
  }

  // Per model object: skips computing the cache key (pointer walks) on the hot path.
  private readonly byRef = new WeakMap<SchemaRef, Partial<Record<Direction, Compiled>>>();

  private compile(schema: SchemaRef, direction: Direction): Compiled {
    const known = this.byRef.get(schema)?.[direction];
    if (known) return known;
    const c = this.compileKeyed(schema, direction);
    const entry = this.byRef.get(schema) ?? {};
    entry[direction] = c;
    this.byRef.set(schema, entry);
    return c;
  }

  private compileKeyed(schema: SchemaRef, direction: Direction): Compiled {
    const raw = schema.value;
    // A bare $ref shares the compiled target with every other use of it.
    const target = isRefObject(raw) && Object.keys(raw).length === 1 ? this.resolver.target(schema.ref.uri, raw.$ref) : undefined;
    const synthetic = target === undefined && this.resolver.valueAt(schema.ref.uri, schema.ref.pointer) !== raw;
    const key = target
      ? `${direction}|ref|${target.uri}#${target.pointer}`
      : `${direction}|${synthetic ? 'synthetic' : 'at'}|${schema.ref.uri}#${schema.ref.pointer}`;
    let c = this.cache.get(key);
    if (c) return c;
    try {
      const registry = this.registry(schema.dialect, direction);
      if (target) {
        const id = registry(target);
        c = { validate: this.ajv.getSchema(id) };
      } else {
        const source = { uri: schema.ref.uri, pointer: schema.ref.pointer, value: raw };
        c = { validate: this.ajv.compile(translateSchema(this.resolver, source, schema.dialect, direction, registry, this.origins)) };
      }
    } catch (e) {
      c = { validate: undefined, error: e instanceof Error ? e.message : String(e) };
    }
    this.cache.set(key, c);
    return c;
  }

  private registry(dialect: SpecVersion, direction: Direction): RefRegistry {
    const register: RefRegistry = (target) => {
      const key = `${direction}|${target.uri}#${target.pointer}`;
      let id = this.ids.get(key);
      if (id) return id;
      id = `${ID_BASE}${direction}/${this.ids.size}`;
      this.ids.set(key, id);
      const value = this.resolver.valueAt(target.uri, target.pointer);
      // Unresolvable refs accept anything: the loader already reported them.
      const translated = value === undefined ? {} : translateSchema(this.resolver, { ...target, value }, dialect ?? this.dialect, direction, register, this.origins);
      const withId = { ...translated, $id: id };
      this.origins.set(withId, this.origins.get(translated) ?? target);
      this.ajv.addSchema(withId);
      return id;
    };
    return register;
  }

  private toViolation(e: ErrorObject, value: unknown, schema: SchemaRef): SchemaViolation {
    const parent = e.parentSchema;
    const origin: SchemaOrigin = (parent && this.origins.get(parent)) || { uri: schema.ref.uri, pointer: schema.ref.pointer };
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

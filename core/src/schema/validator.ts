// Validates observed bodies against the spec's schemas with ajv. Schemas are translated and
// compiled lazily, once per distinct (schema location, direction), and cached for the lifetime
// of the loaded spec (and kept across edits that leave them unchanged: ./compiled.ts); errors
// carry the source location of the schema node that failed.

import type Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject } from 'ajv/dist/2020';
import { decodePointer } from '../openapi/json-pointer';
import type { SchemaRef, SpecVersion } from '../openapi/model';
import type { ParsedDocument } from '../openapi/parsed-document';
import { RefResolver, isRecord, isRefObject } from '../openapi/refs';
import type { CompiledEntry, CompiledSchemas, TargetEntry } from './compiled';
import { carryOver, freshSchemas } from './compiled';
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

const MAX_VIOLATIONS = 20;
// Ids only name schemas inside this ajv instance; nothing is fetched.
const ID_BASE = 'https://tapline.invalid/schema/';

export class SchemaValidator {
  private readonly resolver: RefResolver;
  private readonly schemas: CompiledSchemas;

  /**
   * `previous`: the validator of this spec's last version (before an edit); what it compiled
   * from values the edit left unchanged is kept instead of compiled again.
   */
  constructor(
    documents: ReadonlyMap<string, ParsedDocument>,
    private readonly dialect: SpecVersion = '3.0',
    previous?: SchemaValidator,
  ) {
    this.resolver = new RefResolver(documents);
    this.schemas = previous === undefined ? freshSchemas() : carryOver(previous.schemas, this.resolver);
    this.kept = { compiled: this.schemas.compiled.size, targets: this.schemas.targets.size };
  }

  private get ajv(): Ajv2020 {
    return this.schemas.shared.ajv;
  }

  private get origins(): WeakMap<object, SchemaOrigin> {
    return this.schemas.shared.origins;
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
    return this.schemas.compiled.size;
  }

  /** Compiled schemas and `$ref` targets this validator took over from `previous` (0 without one). */
  readonly kept: { compiled: number; targets: number };

  // Per model object: skips computing the cache key (pointer walks) on the hot path.
  private readonly byRef = new WeakMap<SchemaRef, Partial<Record<Direction, CompiledEntry>>>();

  private compile(schema: SchemaRef, direction: Direction): CompiledEntry {
    const known = this.byRef.get(schema)?.[direction];
    if (known) return known;
    const c = this.compileKeyed(schema, direction);
    const entry = this.byRef.get(schema) ?? {};
    entry[direction] = c;
    this.byRef.set(schema, entry);
    return c;
  }

  private compileKeyed(schema: SchemaRef, direction: Direction): CompiledEntry {
    const raw = schema.value;
    const dialect = schema.dialect ?? this.dialect;
    // A bare $ref shares the compiled target with every other use of it.
    const target = isRefObject(raw) && Object.keys(raw).length === 1 ? this.resolver.target(schema.ref.uri, raw.$ref) : undefined;
    const kind = target ? 'ref' : this.resolver.valueAt(schema.ref.uri, schema.ref.pointer) !== raw ? 'synthetic' : 'at';
    const at = target ?? schema.ref;
    const key = `${direction}|${dialect}|${kind}|${at.uri}#${at.pointer}`;
    const known = this.schemas.compiled.get(key);
    if (known) return known;
    const refs: string[] = [];
    const registry = this.registry(dialect, direction, refs);
    let c: CompiledEntry;
    try {
      if (target) {
        const id = registry(target);
        c = { kind, uri: at.uri, pointer: at.pointer, value: undefined, refs, validate: this.ajv.getSchema(id) };
      } else {
        const source = { uri: schema.ref.uri, pointer: schema.ref.pointer, value: raw };
        const translated = translateSchema(this.resolver, source, dialect, direction, registry, this.origins);
        this.schemas.shared.added++;
        c = { kind, uri: at.uri, pointer: at.pointer, value: raw, refs, validate: this.ajv.compile(translated) };
      }
    } catch (e) {
      c = { kind, uri: at.uri, pointer: at.pointer, value: raw, refs, validate: undefined, error: e instanceof Error ? e.message : String(e) };
    }
    this.schemas.compiled.set(key, c);
    return c;
  }

  /** Hands out ids for `$ref` targets (translating and adding each once); records them in `direct`. */
  private registry(dialect: SpecVersion, direction: Direction, direct: string[]): RefRegistry {
    const { targets, shared } = this.schemas;
    return (target) => {
      const key = `${direction}|${dialect}|${target.uri}#${target.pointer}`;
      direct.push(key);
      const known = targets.get(key);
      if (known) return known.id;
      const value = this.resolver.valueAt(target.uri, target.pointer);
      const entry: TargetEntry = { id: `${ID_BASE}${direction}/${shared.nextId++}`, uri: target.uri, pointer: target.pointer, value, refs: [], added: false };
      targets.set(key, entry);
      // Unresolvable refs accept anything: the loader already reported them.
      const translated = value === undefined ? {} : translateSchema(this.resolver, { ...target, value }, dialect, direction, this.registry(dialect, direction, entry.refs), this.origins);
      const withId = { ...translated, $id: entry.id };
      this.origins.set(withId, this.origins.get(translated) ?? target);
      this.ajv.addSchema(withId);
      shared.added++;
      entry.added = true;
      return entry.id;
    };
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

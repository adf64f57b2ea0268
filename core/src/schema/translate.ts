// OpenAPI 2.0 / 3.0 schema dialect → JSON Schema 2020-12 (3.1 schemas are already 2020-12). A side
// table remembers where each translated node came from, so that a validation error can point at
// the schema in the source file.

import { appendPointer } from '../openapi/json-pointer';
import type { SpecVersion } from '../openapi/model';
import type { RefResolver } from '../openapi/refs';
import { isRecord, isRefObject } from '../openapi/refs';

/** Which way the data flows: readOnly properties are not expected in requests, writeOnly not in responses. */
export type Direction = 'request' | 'response';

export interface SchemaOrigin {
  uri: string;
  pointer: string;
}

type Json = Record<string, unknown>;

const DROP_KEYS = new Set(['example', 'discriminator', 'xml', 'externalDocs', 'nullable', 'x-nullable', 'deprecated']);
const SCHEMA_MAP_KEYS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];
const SCHEMA_KEYS = ['additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems', 'additionalItems'];
const SCHEMA_LIST_KEYS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];

/** Gives each `$ref` target one shared, separately compiled schema and returns the id to refer to it by. */
export type RefRegistry = (target: { uri: string; pointer: string }) => string;

/**
 * Translates one schema. `$ref`s are not inlined: they become references to ids handed out by
 * `registry`, so that a component used by 500 operations is translated and compiled once.
 */
export function translateSchema(
  resolver: RefResolver,
  root: { uri: string; pointer: string; value: unknown },
  dialect: SpecVersion,
  direction: Direction,
  registry: RefRegistry,
  origins: WeakMap<object, SchemaOrigin>,
): Record<string, unknown> {
  const legacy = dialect !== '3.1';

  const translate = (value: unknown, uri: string, pointer: string, depth: number): unknown => {
    if (typeof value === 'boolean') return value;
    if (!isRecord(value)) return {};
    if (depth > 200) return {};
    if (isRefObject(value)) {
      const ref: Json = { $ref: registry(resolver.target(uri, value.$ref)) };
      origins.set(ref, { uri, pointer });
      const siblings = Object.keys(value).filter((k) => k !== '$ref' && !k.startsWith('x-') && k !== 'description' && k !== 'summary');
      // 3.0 ignores siblings of $ref; 3.1 applies them alongside it.
      if (legacy || siblings.length === 0) return ref;
      const rest: Json = { ...value };
      delete rest.$ref;
      const wrapper: Json = { allOf: [ref, translate(rest, uri, pointer, depth + 1)] };
      origins.set(wrapper, { uri, pointer });
      return wrapper;
    }
    const out: Json = {};
    origins.set(out, { uri, pointer });
    for (const [k, v] of Object.entries(value)) {
      if (DROP_KEYS.has(k) || k.startsWith('x-') || k === '$id' || k === '$schema') continue;
      if (SCHEMA_MAP_KEYS.includes(k) && isRecord(v)) {
        const m: Json = {};
        for (const [name, sub] of Object.entries(v)) m[name] = translate(sub, uri, appendPointer(pointer, k, name), depth + 1);
        out[k] = m;
      } else if (SCHEMA_KEYS.includes(k) && (isRecord(v) || typeof v === 'boolean')) {
        out[k] = translate(v, uri, appendPointer(pointer, k), depth + 1);
      } else if (SCHEMA_LIST_KEYS.includes(k) && Array.isArray(v)) {
        out[k] = v.map((sub, i) => translate(sub, uri, appendPointer(pointer, k, i), depth + 1));
      } else if (k === 'items') {
        if (Array.isArray(v)) out.prefixItems = v.map((sub, i) => translate(sub, uri, appendPointer(pointer, k, i), depth + 1));
        else out.items = translate(v, uri, appendPointer(pointer, k), depth + 1);
      } else if (k === 'required' && !Array.isArray(v)) {
        continue; // a 2.0 parameter's `required: true`, not a schema keyword
      } else {
        out[k] = v;
      }
    }
    if (legacy) legacyFixes(value, out);
    directionFixes(value, out, direction);
    return out;
  };

  const translated = translate(root.value, root.uri, root.pointer, 0);
  if (translated === true) return {};
  if (translated === false) return { not: {} };
  return isRecord(translated) ? translated : {};
}

function legacyFixes(src: Json, out: Json): void {
  const nullable = src.nullable === true || src['x-nullable'] === true;
  if (out.type === 'file') delete out.type;
  if (nullable) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...(out.enum as unknown[]), null];
  }
  if (typeof src.exclusiveMinimum === 'boolean') {
    if (src.exclusiveMinimum && typeof src.minimum === 'number') {
      out.exclusiveMinimum = src.minimum;
      delete out.minimum;
    } else delete out.exclusiveMinimum;
  }
  if (typeof src.exclusiveMaximum === 'boolean') {
    if (src.exclusiveMaximum && typeof src.maximum === 'number') {
      out.exclusiveMaximum = src.maximum;
      delete out.maximum;
    } else delete out.exclusiveMaximum;
  }
}

function directionFixes(src: Json, out: Json, direction: Direction): void {
  if (!Array.isArray(src.required) || !isRecord(src.properties)) return;
  const props = src.properties;
  const hidden = direction === 'request' ? 'readOnly' : 'writeOnly';
  const required = src.required.filter((name) => {
    const p = props[String(name)];
    return !(isRecord(p) && p[hidden] === true);
  });
  if (required.length !== src.required.length) out.required = required;
}

// What a SchemaValidator has compiled, and how much of it the next version of the same spec can
// keep. An edit loads new documents, and compiling the schemas the traffic meets again (ajv's code
// generation) was most of an edit's diff on GitHub's description (≈175 of ≈205 ms, profiled) while
// the edit had changed none of them. A compiled schema depends on nothing but the raw values it was
// translated from (the schema at its pointer and, through `$ref`, each target's), so it is kept
// when all of those are deep-equal in the new documents, and compiled again otherwise.

import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { RefResolver } from '../openapi/refs';
import { addOpenApiFormats } from './formats';
import type { SchemaOrigin } from './translate';

/** A `$ref` target, added to ajv under `id` (compiled by ajv on first use). */
export interface TargetEntry {
  id: string;
  uri: string;
  pointer: string;
  /** The raw value it was translated from (undefined: unresolvable, accepts anything). */
  value: unknown;
  /** Keys of the targets its translation refers to directly. */
  refs: string[];
  /** False until ajv accepted it. */
  added: boolean;
}

/** A compiled root schema (a media type's, a parameter's). */
export interface CompiledEntry {
  validate: ValidateFunction | undefined;
  error?: string;
  /** 'ref': a bare `$ref` (the target's compiled schema); 'at': the schema at uri#pointer; 'synthetic': built by the loader (never kept). */
  kind: 'ref' | 'at' | 'synthetic';
  uri: string;
  pointer: string;
  value: unknown;
  refs: string[];
}

/** One ajv instance and what lives in it, shared by the validators of successive versions of a spec. */
export interface SharedAjv {
  ajv: Ajv2020;
  origins: WeakMap<object, SchemaOrigin>;
  /** Schemas ever added or compiled in `ajv` (stale ones included): bounds what it holds. */
  added: number;
  nextId: number;
}

export interface CompiledSchemas {
  shared: SharedAjv;
  targets: Map<string, TargetEntry>;
  compiled: Map<string, CompiledEntry>;
}

export function freshSchemas(): CompiledSchemas {
  // verbose: errors carry `parentSchema`, the translated node, which maps back to the source.
  // inlineRefs: false keeps shared components compiled once instead of copied into each user.
  const ajv = new Ajv2020({ strict: false, allErrors: true, verbose: true, inlineRefs: false, logger: false, validateFormats: true, unicodeRegExp: false });
  addFormats(ajv);
  addOpenApiFormats(ajv);
  return { shared: { ajv, origins: new WeakMap(), added: 0, nextId: 0 }, targets: new Map(), compiled: new Map() };
}

// Stale schemas (of values an edit changed) stay in the shared ajv; past this many beyond twice
// the live ones, the next version starts a fresh instance and compiles what it meets again.
const STALE_SLACK = 1000;

/**
 * What of `previous` (the validator of the spec's last version) holds for the documents behind
 * `resolver`; a fresh start when nothing does or the shared ajv holds too many stale schemas.
 * `previous` is only read: it keeps working for whoever still holds it.
 */
export function carryOver(previous: CompiledSchemas, resolver: RefResolver): CompiledSchemas {
  // A target is stale when its own value changed, or when any target it reaches is stale (the
  // compiled function calls theirs): the reverse closure of the changed ones, cycles included.
  const stale = new Set<string>();
  const users = new Map<string, string[]>();
  for (const [key, t] of previous.targets) {
    if (!t.added || !sameJson(t.value, resolver.valueAt(t.uri, t.pointer))) stale.add(key);
    for (const r of t.refs) {
      if (!previous.targets.has(r)) stale.add(key);
      let list = users.get(r);
      if (list === undefined) users.set(r, (list = []));
      list.push(key);
    }
  }
  const queue = [...stale];
  while (queue.length > 0) {
    for (const user of users.get(queue.pop()!) ?? []) {
      if (!stale.has(user)) {
        stale.add(user);
        queue.push(user);
      }
    }
  }
  const targets = new Map<string, TargetEntry>();
  for (const [key, t] of previous.targets) {
    if (!stale.has(key)) targets.set(key, { ...t, value: resolver.valueAt(t.uri, t.pointer) });
  }
  const compiled = new Map<string, CompiledEntry>();
  for (const [key, c] of previous.compiled) {
    if (c.kind === 'synthetic' || c.refs.some((r) => !targets.has(r))) continue;
    if (c.kind === 'at') {
      const now = resolver.valueAt(c.uri, c.pointer);
      if (!sameJson(c.value, now)) continue;
      compiled.set(key, { ...c, value: now });
    } else compiled.set(key, c);
  }
  if (previous.shared.added > 2 * (targets.size + compiled.size) + STALE_SLACK || targets.size + compiled.size === 0) return freshSchemas();
  return { shared: previous.shared, targets, compiled };
}

/** Deep equality of parsed JSON/YAML values, key order included (it decides the order of errors). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  // Plain objects only: anything else (a Map, say) has no own keys to compare and counts as changed.
  const proto: unknown = Object.getPrototypeOf(a);
  if (proto !== Object.getPrototypeOf(b) || (proto !== Object.prototype && proto !== null)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    if (k !== kb[i] || !sameJson(ra[k], rb[k])) return false;
  }
  return true;
}

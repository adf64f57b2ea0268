// Moves object schemas that repeat into `components/schemas` and refers to them with `$ref`.
//
// "The same shape" is structural equality of the canonical JSON with `required`, `enum`, `format`
// and the types of scalar leaves left out: those depend on how many samples one place happened to
// see (a single pet has one `status`, a list of pets has three; one issue's `body` was always
// null, another's a string), while property names and nesting say what the thing is. The shared
// schema is the merge of every use (required: the intersection; enum: the union when every use
// had one; format: kept when all agree; scalar types: the union), so it accepts everything each
// use accepted and the document still matches the traffic it came from.

import { isRecord } from '../openapi/refs';
import { UniqueNames, singular, singularPascal } from './names';

type Json = Record<string, unknown>;

/** Where a schema sits in the document, and the name it suggests for itself. */
export interface SchemaSlot {
  holder: Json;
  key: string;
  hint: string;
}

const STRIPPED = new Set(['required', 'enum', 'format']);

const SCALAR_TYPES = new Set(['string', 'integer', 'number', 'boolean', 'null']);

/** `{type: string}`, `{type: [integer, null], enum: …}`: a leaf whose exact type merging may widen. */
function isScalarLeaf(v: unknown): v is Json {
  if (!isRecord(v) || v.properties !== undefined || v.items !== undefined || v.anyOf !== undefined) return false;
  const types = Array.isArray(v.type) ? v.type : [v.type];
  return types.length > 0 && types.every((t) => typeof t === 'string' && SCALAR_TYPES.has(t));
}

function canonical(v: unknown, strip: boolean): string {
  if (strip && isScalarLeaf(v)) return '"scalar"';
  if (Array.isArray(v)) return `[${v.map((x) => canonical(x, strip)).join(',')}]`;
  if (!isRecord(v)) return JSON.stringify(v) ?? 'null';
  const keys = Object.keys(v)
    .filter((k) => !(strip && STRIPPED.has(k)))
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k], strip && k !== 'enum')}`).join(',')}}`;
}

function isCandidate(s: unknown): s is Json {
  return isRecord(s) && s.type === 'object' && isRecord(s.properties) && Object.keys(s.properties).length > 0;
}

/** Child schemas with the hint each suggests (property name, or the singular of the parent for items). */
function children(s: Json, hint: string): { holder: Json; key: string; hint: string }[] {
  const out: { holder: Json; key: string; hint: string }[] = [];
  if (isRecord(s.properties)) {
    const props = s.properties;
    for (const name of Object.keys(props)) out.push({ holder: props, key: name, hint: singularPascal(name) || hint });
  }
  if (isRecord(s.items)) out.push({ holder: s, key: 'items', hint: singular(hint) });
  if (Array.isArray(s.anyOf)) {
    const list = s.anyOf as unknown[];
    list.forEach((_, i) => out.push({ holder: list as unknown as Json, key: String(i), hint }));
  }
  return out;
}

function mergeLeaves(a: Json, b: Json): Json {
  const types = [...new Set([...(Array.isArray(a.type) ? a.type : [a.type]), ...(Array.isArray(b.type) ? b.type : [b.type])].map(String))];
  const kept = types.includes('number') ? types.filter((t) => t !== 'integer') : types;
  // 'null' last, as inference writes it.
  kept.sort((x, y) => Number(x === 'null') - Number(y === 'null'));
  const out: Json = { type: kept.length === 1 ? kept[0] : kept };
  if (typeof a.format === 'string' && a.format === b.format) out.format = a.format;
  if (Array.isArray(a.enum) && Array.isArray(b.enum)) out.enum = [...new Set([...a.enum, ...b.enum].map(String))].sort();
  return out;
}

function merge(a: unknown, b: unknown): unknown {
  if (isScalarLeaf(a) && isScalarLeaf(b)) return mergeLeaves(a, b);
  if (!isRecord(a) || !isRecord(b)) return a;
  const out: Json = {};
  for (const [k, va] of Object.entries(a)) {
    const vb = b[k];
    if (k === 'required') {
      const other = new Set(Array.isArray(vb) ? vb : []);
      const both = Array.isArray(va) ? va.filter((x) => other.has(x)) : [];
      if (both.length > 0) out.required = both;
    } else if (k === 'enum') {
      if (Array.isArray(va) && Array.isArray(vb)) out.enum = [...new Set([...va, ...vb].map(String))].sort();
    } else if (k === 'format') {
      if (va === vb) out.format = va;
    } else if (k === 'properties' && isRecord(va) && isRecord(vb)) {
      out.properties = Object.fromEntries(Object.entries(va).map(([name, sub]) => [name, merge(sub, vb[name])]));
    } else if (k === 'items') out.items = merge(va, vb);
    else if (k === 'anyOf' && Array.isArray(va) && Array.isArray(vb)) out.anyOf = va.map((sub, i) => merge(sub, vb[i]));
    else out[k] = va;
  }
  return out;
}

interface Group {
  members: Json[];
  effective: number;
  hints: string[];
}

/** Rewrites the slots in place; returns the new `components.schemas` (sorted by name). */
export function shareComponents(slots: readonly SchemaSlot[]): Record<string, unknown> {
  const keys = new WeakMap<Json, string>();
  const keyOf = (s: Json): string => {
    let k = keys.get(s);
    if (k === undefined) {
      k = canonical(s, true);
      keys.set(s, k);
    }
    return k;
  };
  const groups = new Map<string, Group>();
  // Every occurrence, nested ones included: each is a member of its shape's merge.
  const collect = (s: unknown, hint: string): void => {
    if (!isRecord(s)) return;
    if (isCandidate(s)) {
      const g = groups.get(keyOf(s)) ?? { members: [], effective: 0, hints: [] };
      g.members.push(s);
      groups.set(keyOf(s), g);
    }
    for (const c of children(s, hint)) collect(c.holder[c.key], c.hint);
  };
  for (const slot of slots) collect(slot.holder[slot.key], slot.hint);
  const repeated = (k: string): boolean => (groups.get(k)?.members.length ?? 0) >= 2;
  // Uses as the document will have them: a shape nested in a shared parent counts once, inside
  // the parent's component, not once per use of the parent.
  const visited = new Set<string>();
  const count = (s: unknown, hint: string): void => {
    if (!isRecord(s)) return;
    if (isCandidate(s) && repeated(keyOf(s))) {
      const g = groups.get(keyOf(s));
      g?.hints.push(hint);
      if (g) g.effective++;
      if (visited.has(keyOf(s))) return;
      visited.add(keyOf(s));
    }
    for (const c of children(s, hint)) count(c.holder[c.key], c.hint);
  };
  for (const slot of slots) count(slot.holder[slot.key], slot.hint);
  const shared = [...groups.entries()].filter(([, g]) => g.effective >= 2);
  // Most used first gets the plain name; ties by key so that names are stable.
  shared.sort((a, b) => b[1].effective - a[1].effective || a[0].localeCompare(b[0]));
  const names = new UniqueNames();
  const nameOf = new Map<string, string>();
  for (const [k, g] of shared) nameOf.set(k, names.take(bestHint(g.hints)));

  const replaceIn = (s: unknown, hint: string): void => {
    if (!isRecord(s)) return;
    for (const c of children(s, hint)) {
      const child = c.holder[c.key];
      const name = isCandidate(child) ? nameOf.get(keyOf(child)) : undefined;
      if (name !== undefined) c.holder[c.key] = { $ref: `#/components/schemas/${name}` };
      else replaceIn(child, c.hint);
    }
  };
  const components: Record<string, unknown> = {};
  for (const [k, g] of shared) {
    const name = nameOf.get(k) ?? '';
    const merged = g.members.slice(1).reduce<unknown>((acc, m) => merge(acc, m), g.members[0]);
    // The merge keeps the stripped shape, so nested shapes still find their group by key.
    replaceIn(merged, name);
    components[name] = merged;
  }
  for (const slot of slots) {
    const s = slot.holder[slot.key];
    const name = isCandidate(s) ? nameOf.get(keyOf(s)) : undefined;
    if (name !== undefined) slot.holder[slot.key] = { $ref: `#/components/schemas/${name}` };
    else replaceIn(s, slot.hint);
  }
  return Object.fromEntries(Object.entries(components).sort((a, b) => a[0].localeCompare(b[0])));
}

function bestHint(hints: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const h of hints) if (h !== '') counts.set(h, (counts.get(h) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length || a[0].localeCompare(b[0]));
  return ranked[0]?.[0] ?? 'Schema';
}

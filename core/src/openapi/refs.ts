// `$ref` resolution across the loaded documents, cycle-safe, and node locations for the model.

import { decodePointer, getAtPointer } from './json-pointer';
import type { NodeRef, SourceLocation } from './model';
import type { ParsedDocument } from './parsed-document';
import { resolveUri, splitRef } from './uri';
import { isRecord } from '../json-record';

export interface Resolved {
  uri: string;
  pointer: string;
  value: unknown;
}

export class RefResolver {
  constructor(private readonly documents: ReadonlyMap<string, ParsedDocument>) {}

  // Shared components are reached thousands of times (GitHub: ~8,000 parameter refs to ~1,000
  // targets); documents do not change under a resolver, so lookups are memoised.
  private readonly values = new Map<string, unknown>();

  /** The value at uri#pointer, without following refs. */
  valueAt(uri: string, pointer: string): unknown {
    const key = uri + '#' + pointer;
    if (this.values.has(key)) return this.values.get(key);
    const doc = this.documents.get(uri);
    const v = doc ? getAtPointer(doc.value, decodePointer(pointer)) : undefined;
    // Only targets worth remembering: objects (components), not every scalar along the way.
    if (v !== null && typeof v === 'object') this.values.set(key, v);
    return v;
  }

  /** Where a `$ref` string written in `fromUri` points to. */
  target(fromUri: string, ref: string): { uri: string; pointer: string } {
    const { uriPart, fragment } = splitRef(ref);
    return { uri: uriPart === '' ? fromUri : resolveUri(fromUri, uriPart), pointer: fragment === '' ? '' : fragment };
  }

  /**
   * Follows `$ref` chains from the node at uri#pointer until a non-ref node. Returns undefined for
   * unresolvable or cyclic chains (the loader reports those as diagnostics).
   */
  follow(uri: string, pointer: string, value?: unknown): Resolved | undefined {
    let cur: Resolved = { uri, pointer, value: value === undefined ? this.valueAt(uri, pointer) : value };
    const seen = new Set<string>();
    while (isRefObject(cur.value)) {
      const key = cur.uri + '#' + cur.pointer;
      if (seen.has(key)) return undefined;
      seen.add(key);
      const t = this.target(cur.uri, cur.value.$ref);
      const next = this.valueAt(t.uri, t.pointer);
      if (next === undefined) return undefined;
      cur = { uri: t.uri, pointer: t.pointer, value: next };
    }
    return cur;
  }

  /**
   * The node's location; with `preferKey`, the mapping key's range (`get:`) rather than the whole
   * value. Resolved on first access: a 1,200-operation spec has tens of thousands of model nodes
   * and only those a finding points at need a range.
   */
  node(uri: string, pointer: string, preferKey = false): NodeRef {
    const doc = this.documents.get(uri);
    return doc ? new LazyNodeRef(doc, uri, pointer, preferKey) : { uri, pointer };
  }
}

class LazyNodeRef implements NodeRef {
  private resolved = false;
  private cached: SourceLocation | undefined;

  constructor(
    private readonly doc: ParsedDocument,
    readonly uri: string,
    readonly pointer: string,
    private readonly preferKey: boolean,
  ) {}

  get location(): SourceLocation | undefined {
    if (!this.resolved) {
      this.resolved = true;
      const span = this.doc.positions.spanOf(this.pointer);
      if (span) {
        const offsets = this.preferKey && span.key ? span.key : span.value;
        this.cached = { uri: this.uri, pointer: this.pointer, offsets, range: this.doc.lines.rangeOf(offsets) };
      }
    }
    return this.cached;
  }

  toJSON(): NodeRef {
    return { uri: this.uri, pointer: this.pointer, location: this.location };
  }
}

// Documents are never changed once loaded (an edit loads new ones), so every diff of one loaded
// spec can share one resolver and its memo: the engine re-diffs the same spec on every batch of
// traffic, and each diff looked up every operation's node again from the root.
const shared = new WeakMap<ReadonlyMap<string, ParsedDocument>, RefResolver>();

/** The resolver for these documents, shared by everyone who holds the same loaded spec. */
export function resolverFor(documents: ReadonlyMap<string, ParsedDocument>): RefResolver {
  let resolver = shared.get(documents);
  if (resolver === undefined) {
    resolver = new RefResolver(documents);
    shared.set(documents, resolver);
  }
  return resolver;
}

export function isRefObject(v: unknown): v is { $ref: string } {
  return v !== null && typeof v === 'object' && typeof (v as { $ref?: unknown }).$ref === 'string';
}

export { isRecord };

/** External `$ref` targets mentioned in a text (YAML or JSON), cheaper than walking a large value. */
export function externalRefs(text: string): string[] {
  const out = new Set<string>();
  const re = /["']?\$ref["']?\s*:\s*["']?([^"'\s#,}][^"'\s,}]*)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const { uriPart } = splitRef(m[1] ?? '');
    if (uriPart !== '') out.add(uriPart);
  }
  return [...out];
}

// YAML through the `yaml` library's Document model: node ranges give offsets for every pointer.

import { isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Alias, Document, Node as YamlNode, Pair } from 'yaml';
import { decodePointer } from './json-pointer';
import type { NodeSpan, ParsedDocument, PositionMap, SourceDiagnostic } from './parsed-document';
import { LineIndex } from './source-text';

export function parseYaml(uri: string, text: string): ParsedDocument {
  const lines = new LineIndex(text);
  const diagnostics: SourceDiagnostic[] = [];
  let doc: Document.Parsed | undefined;
  let value: unknown;
  try {
    // uniqueKeys stays on: duplicate keys are a real mistake worth a diagnostic.
    // logLevel 'error': the library would print a process warning for each collection used as a
    // key (`? [a]: b`), on the server's stderr, once per keystroke; such keys are stringified.
    doc = parseDocument(text, { prettyErrors: false, keepSourceTokens: false, strict: false, logLevel: 'error' });
    for (const e of doc.errors) diagnostics.push(toDiagnostic(uri, lines, e.pos, e.message, 'error', `yaml:${e.code}`));
    for (const w of doc.warnings) diagnostics.push(toDiagnostic(uri, lines, w.pos, w.message, 'warning', `yaml:${w.code}`));
    value = doc.toJS({ maxAliasCount: -1 });
  } catch (e) {
    // The library reports problems as errors on the document; this is the last line of defence.
    diagnostics.push(toDiagnostic(uri, lines, [0, Math.min(text.length, 1)], String(e), 'error', 'yaml:exception'));
  }
  return { uri, format: 'yaml', text, value, lines, diagnostics, positions: new YamlPositions(doc), yamlDocument: doc };
}

function toDiagnostic(
  uri: string,
  lines: LineIndex,
  pos: [number, number],
  message: string,
  severity: 'error' | 'warning',
  code: string,
): SourceDiagnostic {
  const offsets = { start: pos[0], end: Math.max(pos[1], pos[0]) };
  // The library's messages end with a code excerpt after a blank line; the editor shows the range.
  const firstLine = message.split('\n')[0] ?? message;
  return { uri, offsets, range: lines.rangeOf(offsets), severity, message: firstLine, code };
}

class YamlPositions implements PositionMap {
  constructor(private readonly doc: Document.Parsed | undefined) {}

  spanOf(pointer: string): NodeSpan | undefined {
    const doc = this.doc;
    if (!doc) return undefined;
    let node: unknown = doc.contents;
    let key: YamlNode | undefined;
    for (const seg of decodePointer(pointer)) {
      node = this.deref(node);
      key = undefined;
      if (isMap(node)) {
        const pair = this.indexOf(node.items as Pair[]).get(seg);
        if (!pair) return undefined;
        key = isScalar(pair.key) ? pair.key : undefined;
        node = pair.value ?? undefined;
        if (node === undefined && key?.range) return { value: span(key), key: span(key) };
      } else if (isSeq(node)) {
        node = node.items[Number(seg)];
      } else return undefined;
      if (node === undefined || node === null) return undefined;
    }
    const target = this.deref(node) as YamlNode | undefined;
    if (!target || !(target as { range?: unknown }).range) return undefined;
    return { value: span(target), key: key?.range ? span(key) : undefined };
  }

  // Per-mapping key index, built on first use: keeps lookups O(depth) on maps with 1,000s of keys.
  private readonly indexes = new WeakMap<Pair[], Map<string, Pair>>();

  private indexOf(items: Pair[]): Map<string, Pair> {
    let index = this.indexes.get(items);
    if (!index) {
      index = new Map();
      for (const p of items) {
        const k = keyString(p.key);
        if (k !== undefined) index.set(k, p); // last one wins, as in toJS
      }
      this.indexes.set(items, index);
    }
    return index;
  }

  private deref(node: unknown): unknown {
    if (this.doc && isAlias(node)) return (node as Alias).resolve(this.doc) ?? node;
    return node;
  }
}

function keyString(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' || typeof key === 'number' ? String(key) : undefined;
}

function span(node: YamlNode): { start: number; end: number } {
  const r = node.range ?? [0, 0, 0];
  return { start: r[0], end: r[1] };
}

// Format-preserving JSON edits through jsonc-parser's `modify`, with the file's own indentation
// and line endings.

import { findNodeAtLocation, getNodeValue, modify, parseTree } from 'jsonc-parser';
import type { EditResult, FormattingOptions, JSONPath, Node as JsonNode } from 'jsonc-parser';
import type { DocumentEditor, Splice } from './editor';

export function detectJsonFormatting(text: string): FormattingOptions {
  const m = /\n([ \t]+)\S/.exec(text);
  const indent = m?.[1] ?? '  ';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return indent.startsWith('\t') ? { insertSpaces: false, tabSize: 1, eol } : { insertSpaces: true, tabSize: indent.length, eol };
}

export class JsonEditor implements DocumentEditor {
  private readonly tree: JsonNode | undefined;
  private readonly formatting: FormattingOptions;

  constructor(readonly text: string) {
    this.tree = parseTree(text, [], { allowTrailingComma: true });
    this.formatting = detectJsonFormatting(text);
  }

  valueAt(segs: readonly string[]): unknown {
    const n = this.node(segs);
    return n ? (getNodeValue(n) as unknown) : undefined;
  }

  setIn(segs: readonly string[], value: unknown): Splice[] {
    // jsonc's modify creates one missing level; build the rest of the missing chain ourselves.
    let i = segs.length;
    while (i > 0 && !this.node(segs.slice(0, i - 1))) i--;
    let v = value;
    for (let j = segs.length - 1; j >= i; j--) v = { [segs[j] ?? '']: v };
    return this.edit(segs.slice(0, i), v);
  }

  append(segs: readonly string[], value: unknown): Splice[] {
    const n = this.node(segs);
    if (!n || n.type !== 'array') return this.setIn(segs, [value]);
    const path = [...this.path(segs), n.children?.length ?? 0];
    return splices(modify(this.text, path, value, { formattingOptions: this.formatting, isArrayInsertion: true }));
  }

  removeItem(segs: readonly string[], match: (item: unknown) => boolean): Splice[] {
    const n = this.node(segs);
    if (!n || n.type !== 'array') return [];
    const items = n.children ?? [];
    const idx = items.findIndex((c) => match(getNodeValue(c)));
    if (idx < 0) return [];
    if (items.length === 1) return this.removeKey(segs);
    return splices(modify(this.text, [...this.path(segs), idx], undefined, { formattingOptions: this.formatting }));
  }

  removeKey(segs: readonly string[]): Splice[] {
    return this.edit(segs, undefined);
  }

  replaceEntry(segs: readonly string[], key: string, newKey: string, value: unknown): Splice[] {
    const prop = this.node([...segs, key])?.parent;
    if (!prop || prop.type !== 'property') return [];
    // Rewrite the property in place so that key order stays as it was.
    const indent = this.formatting.insertSpaces ? ' '.repeat(this.formatting.tabSize ?? 2) : '\t';
    const lineStart = this.text.lastIndexOf('\n', prop.offset) + 1;
    const base = /^[ \t]*/.exec(this.text.slice(lineStart))?.[0] ?? '';
    const rendered = JSON.stringify(value, null, indent).split('\n').join((this.formatting.eol ?? '\n') + base);
    return [{ start: prop.offset, end: prop.offset + prop.length, text: `${JSON.stringify(newKey)}: ${rendered}` }];
  }

  private edit(segs: readonly string[], value: unknown): Splice[] {
    return splices(modify(this.text, this.path(segs), value, { formattingOptions: this.formatting }));
  }

  /** Pointer segments → jsonc path (numbers for array indices). */
  private path(segs: readonly string[]): JSONPath {
    const out: JSONPath = [];
    let n = this.tree;
    for (const seg of segs) {
      const isArray = n?.type === 'array';
      out.push(isArray ? Number(seg) : seg);
      n = n ? findNodeAtLocation(n, [isArray ? Number(seg) : seg]) : undefined;
    }
    return out;
  }

  private node(segs: readonly string[]): JsonNode | undefined {
    if (!this.tree) return undefined;
    if (segs.length === 0) return this.tree;
    return findNodeAtLocation(this.tree, this.path(segs));
  }
}

function splices(edits: EditResult): Splice[] {
  return edits.map((e) => ({ start: e.offset, end: e.offset + e.length, text: e.content }));
}

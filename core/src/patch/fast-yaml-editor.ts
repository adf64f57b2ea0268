// The same edit primitives as YamlEditor, driven by the fast reader's position tree instead of a
// `yaml` Document, so that a quick fix on a large file needs no full parse by the `yaml` library.

import { stringify } from 'yaml';
import type { KeyedNode, PosNode } from '../openapi/fast-yaml/position-tree';
import { readFastYaml } from '../openapi/fast-yaml/reader';
import type { DocumentEditor, Splice } from './editor';
import type { YamlStyle } from './yaml-editor';
import { detectYamlStyle, flow, flowKey, indentLines, lineEndAfter, lineStart, nest } from './yaml-editor';

export class FastYamlEditor implements DocumentEditor {
  private readonly style: YamlStyle;
  private readonly root: PosNode | undefined;
  private readonly value: unknown;

  /** Throws Unsupported (from the reader) when the text needs the full YAML parser. */
  constructor(
    readonly text: string,
    parsed?: { root: PosNode | undefined; value: unknown },
  ) {
    const p = parsed ?? readFastYaml(text);
    this.root = p.root;
    this.value = p.value;
    this.style = detectYamlStyle(text);
  }

  valueAt(segs: readonly string[]): unknown {
    return this.walk(segs)?.value;
  }

  setIn(segs: readonly string[], value: unknown): Splice[] {
    let node = this.root;
    let val = this.value;
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i] ?? '';
      if (!node) throw new Error('empty document');
      if (node.k) {
        const entry = node.k.get(seg);
        if (!entry) return this.insertIntoMap(node, seg, nest(segs.slice(i + 1), value));
        const child = (val as Record<string, unknown>)[seg];
        if (i === segs.length - 1 || child === null || child === undefined) return this.replaceValue(entry, child, nest(segs.slice(i + 1), value));
        node = entry;
        val = child;
      } else if (node.i) {
        node = node.i[Number(seg)];
        val = (val as unknown[])[Number(seg)];
        if (!node) throw new Error(`no item ${seg}`);
      } else throw new Error(`cannot descend into a scalar at ${seg}`);
    }
    throw new Error('empty path');
  }

  append(segs: readonly string[], value: unknown): Splice[] {
    const node = this.walk(segs)?.node;
    const first = node?.i?.[0];
    if (!node?.i || !first) return this.setIn(segs, [value]);
    if (this.text[node.s] === '[') {
      const close = this.text.lastIndexOf(']', node.e);
      return [{ start: close, end: close, text: `, ${flow(value, this.style)}` }];
    }
    const dash = this.text.lastIndexOf('-', first.s);
    const col = dash - lineStart(this.text, dash);
    const at = lineEndAfter(this.text, node.e);
    return [{ start: at.offset, end: at.offset, text: (at.needsNewline ? '\n' : '') + indentLines(stringify([value], this.options()), col) }];
  }

  removeItem(segs: readonly string[], match: (item: unknown) => boolean): Splice[] {
    const found = this.walk(segs);
    const items = found?.node.i;
    const values = found?.value;
    if (!items || !Array.isArray(values)) return [];
    const idx = values.findIndex((v) => match(v));
    const item = items[idx];
    if (!item) return [];
    if (items.length === 1) return this.removeKey(segs);
    if (this.text[found.node.s] === '[') {
      const prev = items[idx - 1];
      const next = items[idx + 1];
      return [prev ? { start: prev.e, end: item.e, text: '' } : { start: item.s, end: next?.s ?? item.e, text: '' }];
    }
    const dash = this.text.lastIndexOf('-', item.s);
    return [{ start: lineStart(this.text, dash), end: lineEndAfter(this.text, item.e).offset, text: '' }];
  }

  removeKey(segs: readonly string[]): Splice[] {
    const parent = this.walk(segs.slice(0, -1))?.node;
    const entry = parent?.k?.get(segs[segs.length - 1] ?? '');
    if (!parent?.k || !entry) return [];
    const end = entryEnd(entry);
    if (this.text[parent.s] === '{') {
      const list = [...parent.k.values()].sort((a, b) => a.ks - b.ks);
      const idx = list.indexOf(entry);
      const prev = list[idx - 1];
      if (prev) return [{ start: entryEnd(prev), end, text: '' }];
      return [{ start: entry.ks, end: list[idx + 1]?.ks ?? end, text: '' }];
    }
    return [{ start: lineStart(this.text, entry.ks), end: lineEndAfter(this.text, end).offset, text: '' }];
  }

  replaceEntry(segs: readonly string[], key: string, newKey: string, value: unknown): Splice[] {
    const entry = this.walk(segs)?.node.k?.get(key);
    if (!entry) return [];
    return [{ start: entry.ks, end: entryEnd(entry), text: `${flowKey(newKey, this.style)}: ${flow(value, this.style)}` }];
  }

  private insertIntoMap(map: PosNode, key: string, value: unknown): Splice[] {
    const entries = [...(map.k?.values() ?? [])];
    if (this.text[map.s] === '{' || entries.length === 0) {
      const close = this.text.lastIndexOf('}', map.e);
      if (close < map.s) throw new Error('unexpected empty block mapping');
      return [{ start: close, end: close, text: `${entries.length > 0 ? ', ' : ''}${flowKey(key, this.style)}: ${flow(value, this.style)}` }];
    }
    const firstKey = Math.min(...entries.map((e) => e.ks));
    const col = firstKey - lineStart(this.text, firstKey);
    const last = Math.max(...entries.map(entryEnd));
    const at = lineEndAfter(this.text, last);
    return [{ start: at.offset, end: at.offset, text: (at.needsNewline ? '\n' : '') + indentLines(stringify({ [key]: value }, this.options()), col) }];
  }

  private replaceValue(entry: KeyedNode, current: unknown, value: unknown): Splice[] {
    const v = entry;
    const simple = value === null || typeof value !== 'object';
    if (!(current === null && v.s === v.e)) return [{ start: v.s, end: v.e, text: flow(value, this.style) }];
    const colon = this.text.indexOf(':', entry.ke);
    if (simple) return [{ start: colon + 1, end: colon + 1, text: ` ${flow(value, this.style)}` }];
    const col = entry.ks - lineStart(this.text, entry.ks);
    const rendered = stringify(value, this.options()).replace(/\n$/, '');
    const indent = Array.isArray(value) && !this.style.indentSeq ? col : col + this.style.indent;
    return [{ start: colon + 1, end: colon + 1, text: '\n' + rendered.split('\n').map((l) => ' '.repeat(indent) + l).join('\n') }];
  }

  private walk(segs: readonly string[]): { node: PosNode; value: unknown } | undefined {
    let node = this.root;
    let value = this.value;
    for (const seg of segs) {
      if (!node) return undefined;
      if (node.k) {
        node = node.k.get(seg);
        value = node ? (value as Record<string, unknown>)[seg] : undefined;
      } else if (node.i) {
        node = node.i[Number(seg)];
        value = (value as unknown[])[Number(seg)];
      } else return undefined;
    }
    return node ? { node, value } : undefined;
  }

  private options() {
    return { indent: this.style.indent, indentSeq: this.style.indentSeq, singleQuote: this.style.singleQuote, lineWidth: 0, minContentWidth: 0 };
  }
}

function entryEnd(e: KeyedNode): number {
  return Math.max(e.e, e.ke);
}

// Format-preserving YAML edits: positions come from the `yaml` library's node ranges, new content
// is rendered with its stringifier in the file's own style (indent, sequence indentation, quote
// preference) and spliced in as text, so comments, key order, quoting and flow style elsewhere
// stay byte for byte.

import { isAlias, isMap, isScalar, isSeq, parseDocument, stringify } from 'yaml';
import type { Document, Node as YamlNode, Pair, YAMLMap, YAMLSeq } from 'yaml';
import type { DocumentEditor, Splice } from './editor';

export interface YamlStyle {
  indent: number;
  indentSeq: boolean;
  singleQuote: boolean;
}

export function detectYamlStyle(text: string): YamlStyle {
  const head = text.length > 200_000 ? text.slice(0, 200_000) : text;
  let indent = 2;
  const m = /\n( +)[^\s#-]/.exec(head);
  if (m?.[1]) indent = Math.min(m[1].length, 8);
  // `key:\n  - item` (indented) vs `key:\n- item` (not).
  let indented = 0;
  let flush = 0;
  for (const s of head.matchAll(/^( *)[^\s#][^\n]*:[ \t]*\n( *)- /gm)) {
    if ((s[2]?.length ?? 0) > (s[1]?.length ?? 0)) indented++;
    else flush++;
  }
  const single = (head.match(/:\s+'[^'\n]*'/g) ?? []).length;
  const double = (head.match(/:\s+"[^"\n]*"/g) ?? []).length;
  return { indent, indentSeq: indented >= flush, singleQuote: single > double };
}

export class YamlEditor implements DocumentEditor {
  private readonly doc: Document.Parsed;
  private readonly style: YamlStyle;

  constructor(
    readonly text: string,
    doc?: Document.Parsed,
  ) {
    this.doc = doc ?? parseDocument(text, { keepSourceTokens: false });
    this.style = detectYamlStyle(text);
  }

  valueAt(segs: readonly string[]): unknown {
    const n = this.nodeAt(segs);
    return n === undefined ? undefined : isScalar(n) ? n.value : (n as { toJSON?: () => unknown }).toJSON?.();
  }

  setIn(segs: readonly string[], value: unknown): Splice[] {
    let node: unknown = this.doc.contents;
    for (let i = 0; i < segs.length; i++) {
      node = this.deref(node);
      const seg = segs[i] ?? '';
      if (isMap(node)) {
        const pair = findPair(node, seg);
        if (!pair) return this.insertIntoMap(node, seg, nest(segs.slice(i + 1), value));
        const v = this.deref(pair.value);
        if (i === segs.length - 1 || v === null || v === undefined || (isScalar(v) && v.value === null)) {
          return this.replacePairValue(pair, nest(segs.slice(i + 1), value));
        }
        node = v;
      } else if (isSeq(node)) {
        node = node.items[Number(seg)];
        if (node === undefined) throw new Error(`no item ${seg}`);
      } else throw new Error(`cannot descend into a scalar at ${seg}`);
    }
    throw new Error('empty path');
  }

  append(segs: readonly string[], value: unknown): Splice[] {
    const node = this.nodeAt(segs);
    if (!isSeq(node) || node.items.length === 0) return this.setIn(segs, [value]);
    const range = node.range;
    if (!range) throw new Error('sequence without a range');
    if (node.flow) {
      const close = this.text.lastIndexOf(']', range[1]);
      return this.splice(close, close, `, ${flow(value, this.style)}`);
    }
    const first = node.items[0] as YamlNode;
    const dash = this.text.lastIndexOf('-', first.range?.[0] ?? range[0]);
    const col = dash - lineStart(this.text, dash);
    const at = lineEndAfter(this.text, range[1]);
    const block = indentLines(stringify([value], this.options()), col);
    return this.splice(at.offset, at.offset, (at.needsNewline ? '\n' : '') + block);
  }

  removeItem(segs: readonly string[], match: (item: unknown) => boolean): Splice[] {
    const node = this.nodeAt(segs);
    if (!isSeq(node)) return [];
    const items = node.items as YamlNode[];
    const idx = items.findIndex((it) => match(isScalar(it) ? it.value : (it as { toJSON?: () => unknown }).toJSON?.()));
    const item = items[idx];
    if (idx < 0 || !item?.range) return [];
    if (items.length === 1) return this.removeKey(segs);
    if (node.flow) {
      const prev = items[idx - 1];
      const next = items[idx + 1];
      if (prev?.range) return this.splice(prev.range[1], item.range[1], '');
      return this.splice(item.range[0], next?.range?.[0] ?? item.range[1], '');
    }
    const dash = this.text.lastIndexOf('-', item.range[0]);
    return this.splice(lineStart(this.text, dash), lineEndAfter(this.text, item.range[1]).offset, '');
  }

  removeKey(segs: readonly string[]): Splice[] {
    const parent = this.deref(this.nodeAt(segs.slice(0, -1)));
    if (!isMap(parent)) return [];
    const pair = findPair(parent, segs[segs.length - 1] ?? '');
    const key = pair?.key as YamlNode | undefined;
    if (!pair || !key?.range) return [];
    const end = pairEnd(pair);
    if (parent.flow) {
      const items = parent.items as Pair[];
      const idx = items.indexOf(pair);
      const prev = items[idx - 1];
      if (prev) return this.splice(pairEnd(prev), end, '');
      const next = items[idx + 1]?.key as YamlNode | undefined;
      return this.splice(key.range[0], next?.range?.[0] ?? end, '');
    }
    return this.splice(lineStart(this.text, key.range[0]), lineEndAfter(this.text, end).offset, '');
  }

  replaceEntry(segs: readonly string[], key: string, newKey: string, value: unknown): Splice[] {
    const map = this.deref(this.nodeAt(segs));
    if (!isMap(map)) return [];
    const pair = findPair(map, key);
    const k = pair?.key as YamlNode | undefined;
    if (!pair || !k?.range) return [];
    return this.splice(k.range[0], pairEnd(pair), `${flowKey(newKey, this.style)}: ${flow(value, this.style)}`);
  }

  private insertIntoMap(map: YAMLMap, key: string, value: unknown): Splice[] {
    const range = map.range;
    if (!range) throw new Error('mapping without a range');
    if (map.flow || map.items.length === 0) {
      const close = this.text.lastIndexOf('}', range[1]);
      if (close < range[0]) throw new Error('unexpected empty block mapping');
      return this.splice(close, close, `${map.items.length > 0 ? ', ' : ''}${flowKey(key, this.style)}: ${flow(value, this.style)}`);
    }
    const firstKey = (map.items[0] as Pair).key as YamlNode;
    const start = firstKey.range?.[0] ?? range[0];
    const col = start - lineStart(this.text, start);
    const at = lineEndAfter(this.text, pairEnd(map.items[map.items.length - 1] as Pair));
    const block = indentLines(stringify({ [key]: value }, this.options()), col);
    return this.splice(at.offset, at.offset, (at.needsNewline ? '\n' : '') + block);
  }

  private replacePairValue(pair: Pair, value: unknown): Splice[] {
    const v = this.deref(pair.value) as YamlNode | null | undefined;
    const key = pair.key as YamlNode;
    const keyRange = key.range;
    if (!keyRange) throw new Error('key without a range');
    const simple = value === null || typeof value !== 'object';
    if (v && v.range && !(isScalar(v) && v.value === null && v.range[0] === v.range[1])) {
      // Existing value: replace it in place (flow for collections keeps it on its line).
      return this.splice(v.range[0], v.range[1], flow(value, this.style));
    }
    // `key:` with no value: write the value after the colon.
    const colon = this.text.indexOf(':', keyRange[1]);
    if (simple) return this.splice(colon + 1, colon + 1, ` ${flow(value, this.style)}`);
    const col = keyRange[0] - lineStart(this.text, keyRange[0]);
    const rendered = stringify(value, this.options()).replace(/\n$/, '');
    const childIndent = col + this.style.indent;
    const lines = rendered.split('\n').map((l) => ' '.repeat(Array.isArray(value) && !this.style.indentSeq ? col : childIndent) + l);
    return this.splice(colon + 1, colon + 1, '\n' + lines.join('\n'));
  }

  private options() {
    return { indent: this.style.indent, indentSeq: this.style.indentSeq, singleQuote: this.style.singleQuote, lineWidth: 0, minContentWidth: 0 };
  }

  private nodeAt(segs: readonly string[]): unknown {
    let node: unknown = this.doc.contents;
    for (const seg of segs) {
      node = this.deref(node);
      if (isMap(node)) node = findPair(node, seg)?.value;
      else if (isSeq(node)) node = (node as YAMLSeq).items[Number(seg)];
      else return undefined;
      if (node === undefined || node === null) return undefined;
    }
    return this.deref(node);
  }

  private deref(node: unknown): unknown {
    return isAlias(node) ? (node.resolve(this.doc) ?? node) : node;
  }

  private splice(start: number, end: number, insert: string): Splice[] {
    return [{ start, end, text: insert }];
  }
}

function findPair(map: YAMLMap, key: string): Pair | undefined {
  let found: Pair | undefined;
  for (const p of map.items as Pair[]) {
    const k = isScalar(p.key) ? p.key.value : p.key;
    if (k !== null && k !== undefined && String(k) === key) found = p;
  }
  return found;
}

function pairEnd(pair: Pair): number {
  const v = pair.value as YamlNode | null;
  return v?.range?.[1] ?? (pair.key as YamlNode).range?.[1] ?? 0;
}

export function nest(segs: readonly string[], value: unknown): unknown {
  let out = value;
  for (let i = segs.length - 1; i >= 0; i--) out = { [segs[i] ?? '']: out };
  return out;
}

export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Where a new line goes after the content ending at `end`. */
export function lineEndAfter(text: string, end: number): { offset: number; needsNewline: boolean } {
  if (end > 0 && text[end - 1] === '\n') return { offset: end, needsNewline: false };
  const nl = text.indexOf('\n', end);
  return nl === -1 ? { offset: text.length, needsNewline: true } : { offset: nl + 1, needsNewline: false };
}

export function indentLines(block: string, col: number): string {
  const pad = ' '.repeat(col);
  return block
    .split('\n')
    .map((l) => (l === '' ? l : pad + l))
    .join('\n');
}

export function flow(value: unknown, style: YamlStyle): string {
  return stringify(value, { collectionStyle: 'flow', singleQuote: style.singleQuote, lineWidth: 0 }).trim();
}

export function flowKey(key: string, style: YamlStyle): string {
  return flow(key, style);
}

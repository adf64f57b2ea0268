// JSON (and JSON with comments) through jsonc-parser's tree, which keeps offsets for every node.

import { getNodeValue, parseTree, printParseErrorCode } from 'jsonc-parser';
import type { Node as JsonNode, ParseError } from 'jsonc-parser';
import { decodePointer } from './json-pointer';
import type { NodeSpan, ParsedDocument, PositionMap, SourceDiagnostic } from './parsed-document';
import { LineIndex } from './source-text';

export function parseJson(uri: string, text: string): ParsedDocument {
  const lines = new LineIndex(text);
  const errors: ParseError[] = [];
  let tree: JsonNode | undefined;
  let value: unknown;
  const diagnostics: SourceDiagnostic[] = [];
  try {
    tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
    value = tree ? (getNodeValue(tree) as unknown) : undefined;
  } catch (e) {
    errors.length = 0;
    diagnostics.push(diag(uri, lines, 0, 1, `JSON could not be read: ${String(e)}`, 'json:exception'));
  }
  for (const e of errors) {
    diagnostics.push(diag(uri, lines, e.offset, e.offset + e.length, describe(printParseErrorCode(e.error)), `json:${printParseErrorCode(e.error)}`));
  }
  return { uri, format: 'json', text, value, lines, diagnostics, positions: new JsonPositions(tree) };
}

function diag(uri: string, lines: LineIndex, start: number, end: number, message: string, code: string): SourceDiagnostic {
  const offsets = { start, end: Math.max(start, end) };
  return { uri, offsets, range: lines.rangeOf(offsets), severity: 'error', message, code };
}

function describe(code: string): string {
  // "CommaExpected" → "Comma expected"
  const words = code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

class JsonPositions implements PositionMap {
  constructor(private readonly root: JsonNode | undefined) {}

  private readonly indexes = new WeakMap<JsonNode, Map<string, JsonNode>>();

  private indexOf(object: JsonNode): Map<string, JsonNode> {
    let index = this.indexes.get(object);
    if (!index) {
      index = new Map();
      // Last one wins, as in JSON.parse.
      for (const p of object.children ?? []) {
        const k: unknown = p.children?.[0]?.value;
        if (typeof k === 'string') index.set(k, p);
      }
      this.indexes.set(object, index);
    }
    return index;
  }

  spanOf(pointer: string): NodeSpan | undefined {
    let node = this.root;
    let key: JsonNode | undefined;
    for (const seg of decodePointer(pointer)) {
      if (!node) return undefined;
      key = undefined;
      if (node.type === 'object') {
        const prop = this.indexOf(node).get(seg);
        if (!prop) return undefined;
        key = prop.children?.[0];
        node = prop.children?.[1];
        if (!node && key) return { value: { start: key.offset, end: key.offset + key.length } };
      } else if (node.type === 'array') {
        node = node.children?.[Number(seg)];
      } else return undefined;
    }
    if (!node) return undefined;
    return {
      value: { start: node.offset, end: node.offset + node.length },
      key: key ? { start: key.offset, end: key.offset + key.length } : undefined,
    };
  }
}

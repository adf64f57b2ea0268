// Positions recorded by the fast YAML reader: one small node per value, keyed children for
// mappings, items for sequences. Cheaper than a full syntax tree, enough for JSON pointers.

import { decodePointer } from '../json-pointer';
import type { NodeSpan, PositionMap } from '../parsed-document';

export interface PosNode {
  /** Value start/end offsets (end exclusive). */
  s: number;
  e: number;
  /** Mapping entries: key → key span and value node. */
  k?: Map<string, KeyedNode>;
  /** Sequence items. */
  i?: PosNode[];
}

export interface KeyedNode {
  ks: number;
  ke: number;
  n: PosNode;
}

export class TreePositions implements PositionMap {
  constructor(readonly root: PosNode | undefined) {}

  spanOf(pointer: string): NodeSpan | undefined {
    let node = this.root;
    let key: KeyedNode | undefined;
    for (const seg of decodePointer(pointer)) {
      if (!node) return undefined;
      key = undefined;
      if (node.k) {
        key = node.k.get(seg);
        node = key?.n;
      } else if (node.i) node = node.i[Number(seg)];
      else return undefined;
    }
    if (!node) return undefined;
    return { value: { start: node.s, end: node.e }, key: key ? { start: key.ks, end: key.ke } : undefined };
  }
}

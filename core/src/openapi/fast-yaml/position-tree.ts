// Positions recorded by the fast YAML reader: one small node per value, keyed children for
// mappings, items for sequences. Cheaper than a full syntax tree, enough for JSON pointers.

import { decodePointer } from '../json-pointer';
import type { NodeSpan, PositionMap } from '../parsed-document';

export interface PosNode {
  /** Value start/end offsets (end exclusive). */
  s: number;
  e: number;
  /** The key's span when this value is a mapping entry's value (-1 otherwise). */
  ks: number;
  ke: number;
  /** Mapping entries by key. */
  k: Map<string, PosNode> | undefined;
  /** Sequence items. */
  i: PosNode[] | undefined;
}

/** A mapping entry's value node, which also carries its key's span. */
export type KeyedNode = PosNode;

/** All nodes get the same shape: monomorphic property access in the hot loops. */
export function posNode(s: number, e: number, k?: Map<string, PosNode>, i?: PosNode[]): PosNode {
  return { s, e, ks: -1, ke: -1, k, i };
}

export class TreePositions implements PositionMap {
  constructor(readonly root: PosNode | undefined) {}

  spanOf(pointer: string): NodeSpan | undefined {
    let node = this.root;
    let key: PosNode | undefined;
    for (const seg of decodePointer(pointer)) {
      if (!node) return undefined;
      key = undefined;
      if (node.k) {
        key = node.k.get(seg);
        node = key;
      } else if (node.i) node = node.i[Number(seg)];
      else return undefined;
    }
    if (!node) return undefined;
    return { value: { start: node.s, end: node.e }, key: key ? { start: key.ks, end: key.ke } : undefined };
  }
}

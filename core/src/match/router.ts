// Matches an observed request to an operation. Path templates are compiled into a segment trie
// so that a lookup costs O(path length), not a scan over every operation (Prism's router scans
// all 1,200 of GitHub's operations per request). Precedence follows the OpenAPI rule: concrete
// segments before partly templated ones (`{id}.json`) before whole-segment templates; the first
// path in that order that describes the method wins, else the first path at all (for
// `undocumented-method`).

import type { HttpMethod, OperationModel, PathItemModel, ServerModel, SpecModel } from '../openapi/model';
import { HTTP_METHODS } from '../openapi/model';

interface PatternEdge {
  regex: RegExp;
  names: string[];
  node: TrieNode;
}

interface TrieNode {
  literal: Map<string, TrieNode>;
  patterns: PatternEdge[];
  param?: { name: string; node: TrieNode };
  /** Path items ending here (several when templates differ only in parameter names). */
  items: { item: PathItemModel; names: string[] }[];
}

export interface ObservedRequest {
  method: string;
  /** The path as sent, without the query string. */
  path: string;
  /** Host[:port], used to prefer a server whose host matches. */
  service?: string;
}

export type RouteMatch =
  | { kind: 'operation'; operation: OperationModel; pathItem: PathItemModel; params: Record<string, string>; basePath: string; server?: ServerModel }
  | { kind: 'method-not-documented'; pathItem: PathItemModel; params: Record<string, string>; basePath: string; server?: ServerModel }
  | { kind: 'no-path'; basePath: string };

function newNode(): TrieNode {
  return { literal: new Map(), patterns: [], items: [] };
}

export function splitPath(path: string): string[] {
  const segs = path.split('/');
  if (segs[0] === '') segs.shift();
  if (segs.length > 0 && segs[segs.length - 1] === '') segs.pop();
  return segs;
}

function decodeSegment(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Router {
  private readonly root = newNode();
  /** Distinct base paths of all servers, longest first, '' last. */
  private readonly basePaths: { basePath: string; server?: ServerModel }[];

  constructor(readonly model: SpecModel) {
    for (const item of model.paths.values()) this.insert(item);
    const seen = new Map<string, ServerModel | undefined>();
    const servers = [...model.servers, ...model.operations.flatMap((o) => o.servers)];
    for (const s of servers) for (const b of s.basePaths) if (!seen.has(b)) seen.set(b, s);
    if (!seen.has('')) seen.set('', undefined);
    this.basePaths = [...seen.entries()]
      .map(([basePath, server]) => ({ basePath, server }))
      .sort((a, b) => b.basePath.length - a.basePath.length);
  }

  private insert(item: PathItemModel): void {
    let node = this.root;
    const names: string[] = [];
    for (const seg of splitPath(item.path)) {
      const whole = /^\{([^{}]+)\}$/.exec(seg);
      if (whole) {
        names.push(whole[1] ?? '');
        node.param ??= { name: whole[1] ?? '', node: newNode() };
        node = node.param.node;
      } else if (seg.includes('{')) {
        const segNames: string[] = [];
        const source = seg
          .split(/(\{[^{}]+\})/)
          .map((part) => {
            const m = /^\{([^{}]+)\}$/.exec(part);
            if (!m) return escapeRegex(part);
            segNames.push(m[1] ?? '');
            return '(.+?)';
          })
          .join('');
        names.push(...segNames);
        let edge = node.patterns.find((p) => p.regex.source === `^${source}$`);
        if (!edge) {
          edge = { regex: new RegExp(`^${source}$`), names: segNames, node: newNode() };
          node.patterns.push(edge);
          // Longer literal parts are more specific: try them first.
          node.patterns.sort((a, b) => b.regex.source.replace(/\(\.\+\?\)/g, '').length - a.regex.source.replace(/\(\.\+\?\)/g, '').length);
        }
        node = edge.node;
      } else {
        const key = decodeSegment(seg);
        let next = node.literal.get(key);
        if (!next) {
          next = newNode();
          node.literal.set(key, next);
        }
        node = next;
      }
    }
    node.items.push({ item, names });
  }

  match(req: ObservedRequest): RouteMatch {
    const method = req.method.toLowerCase() as HttpMethod;
    const known = (HTTP_METHODS as readonly string[]).includes(method);
    const host = req.service?.toLowerCase();
    let fallback: RouteMatch | undefined;
    // Prefer servers whose host matches the observed service, then the others.
    const order = host ? [...this.basePaths].sort((a, b) => Number(b.server?.host === host) - Number(a.server?.host === host)) : this.basePaths;
    for (const { basePath, server } of order) {
      if (basePath !== '' && !(req.path === basePath || req.path.startsWith(basePath + '/'))) continue;
      const rest = req.path.slice(basePath.length);
      const segs = splitPath(rest).map(decodeSegment);
      const values: string[] = [];
      let firstPath: { item: PathItemModel; names: string[]; values: string[] } | undefined;
      const found = this.walk(this.root, segs, 0, values, (item, names, vals) => {
        if (known && item.operations.has(method)) return true;
        firstPath ??= { item, names, values: [...vals] };
        return false;
      });
      if (found) {
        const operation = found.item.operations.get(method);
        if (operation) return { kind: 'operation', operation, pathItem: found.item, params: zip(found.names, found.values), basePath, server };
      }
      if (firstPath && !fallback) {
        fallback = { kind: 'method-not-documented', pathItem: firstPath.item, params: zip(firstPath.names, firstPath.values), basePath, server };
      }
    }
    return fallback ?? { kind: 'no-path', basePath: '' };
  }

  /** Depth-first in precedence order; `accept` decides whether a terminal path item is the answer. */
  private walk(
    node: TrieNode,
    segs: string[],
    i: number,
    values: string[],
    accept: (item: PathItemModel, names: string[], values: string[]) => boolean,
  ): { item: PathItemModel; names: string[]; values: string[] } | undefined {
    if (i === segs.length) {
      for (const t of node.items) if (accept(t.item, t.names, values)) return { item: t.item, names: t.names, values: [...values] };
      return undefined;
    }
    const seg = segs[i] ?? '';
    const lit = node.literal.get(seg);
    if (lit) {
      const r = this.walk(lit, segs, i + 1, values, accept);
      if (r) return r;
    }
    for (const p of node.patterns) {
      const m = p.regex.exec(seg);
      if (!m) continue;
      const n = values.length;
      values.push(...m.slice(1).map((v) => v ?? ''));
      const r = this.walk(p.node, segs, i + 1, values, accept);
      values.length = n;
      if (r) return r;
    }
    if (node.param && seg !== '') {
      values.push(seg);
      const r = this.walk(node.param.node, segs, i + 1, values, accept);
      values.pop();
      if (r) return r;
    }
    return undefined;
  }
}

function zip(names: string[], values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  names.forEach((n, i) => (out[n] = values[i] ?? ''));
  return out;
}

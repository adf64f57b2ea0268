// The documented operations of a description as gateway routes: one route per full path (server
// base path + path template) with the methods documented there. nginx, the Gateway API output and
// the policy report all start from this list, so they agree on what "documented" means.
//
// Matching is on the percent-decoded path, per segment, exactly as written: `{id}` matches one
// non-empty segment, a trailing slash is significant (`/pets` and `/pets/` are different paths,
// as they are in OpenAPI), and concrete segments win over templated ones.

import type { OperationModel, SpecModel } from '../openapi/model';

export type SegmentKind = 'literal' | 'partial' | 'param';

export interface GatewayRoute {
  /** Base path + template as documented, e.g. `/v1/pets/{petId}`. */
  fullPath: string;
  /** The decoded path when every segment is literal (nginx `location =`). */
  exact?: string;
  /** Anchored PCRE/JS regex over the decoded path when some segment is templated. */
  regex?: string;
  kinds: SegmentKind[];
  /** Upper-case method → operation key (`GET /pets/{petId}`). */
  methods: Map<string, string>;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Decodes %XX to the byte it stands for, one char per byte (nginx matches bytes, not UTF-8). */
export function decodeBytes(s: string): string {
  return s.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** A string as its UTF-8 bytes, one char per byte, so that it compares with decodeBytes output. */
export function utf8Bytes(s: string): string {
  return String.fromCharCode(...new TextEncoder().encode(s));
}

function literalSegment(seg: string): string {
  return utf8Bytes(decodeBytesIfValid(seg));
}

function decodeBytesIfValid(seg: string): string {
  // Spec paths are written unencoded; an escape in one is decoded as a client's would be.
  if (!/%[0-9a-fA-F]{2}/.test(seg)) return seg;
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}

function segmentRegex(seg: string): { source: string; kind: SegmentKind } {
  if (!seg.includes('{')) return { source: escapeRegex(literalSegment(seg)), kind: 'literal' };
  const whole = /^\{[^{}]+\}$/.test(seg);
  let source = '';
  let rest = seg;
  while (rest.length > 0) {
    const open = rest.indexOf('{');
    const close = open >= 0 ? rest.indexOf('}', open) : -1;
    if (open < 0 || close < 0) {
      source += escapeRegex(literalSegment(rest));
      break;
    }
    source += escapeRegex(literalSegment(rest.slice(0, open))) + '[^/]+';
    rest = rest.slice(close + 1);
  }
  return { source, kind: whole ? 'param' : 'partial' };
}

const KIND_RANK: Record<SegmentKind, number> = { literal: 0, partial: 1, param: 2 };

/** Concrete before partly templated before whole-segment templates, segment by segment. */
export function compareRoutes(a: GatewayRoute, b: GatewayRoute): number {
  const n = Math.min(a.kinds.length, b.kinds.length);
  for (let i = 0; i < n; i++) {
    const d = KIND_RANK[a.kinds[i] ?? 'literal'] - KIND_RANK[b.kinds[i] ?? 'literal'];
    if (d !== 0) return d;
  }
  if (a.kinds.length !== b.kinds.length) return b.kinds.length - a.kinds.length;
  return a.fullPath < b.fullPath ? -1 : a.fullPath > b.fullPath ? 1 : 0;
}

function joinBase(basePath: string, path: string): string {
  const base = basePath.replace(/\/+$/, '');
  return base + (path.startsWith('/') ? path : '/' + path);
}

export function operationBasePaths(op: OperationModel, model: SpecModel): string[] {
  const servers = op.servers.length > 0 ? op.servers : model.servers;
  const bases = new Set<string>();
  for (const s of servers) for (const b of s.basePaths) bases.add(b);
  if (bases.size === 0) bases.add('');
  return [...bases];
}

/** Routes in the order nginx tries them: exact ones first (nginx always does), then regexes. */
export function compileRoutes(model: SpecModel): GatewayRoute[] {
  const byKey = new Map<string, GatewayRoute>();
  for (const op of model.operations) {
    for (const base of operationBasePaths(op, model)) {
      const fullPath = joinBase(base, op.path);
      const segs = fullPath.split('/').slice(1);
      const parts = segs.map(segmentRegex);
      const kinds = parts.map((p) => p.kind);
      const templated = kinds.some((k) => k !== 'literal');
      const exact = templated ? undefined : '/' + segs.map(literalSegment).join('/');
      const regex = templated ? '^/' + parts.map((p) => p.source).join('/') + '$' : undefined;
      // Templates differing only in parameter names are one route (and one nginx location).
      const key = exact !== undefined ? `=${exact}` : `~${regex ?? ''}`;
      let route = byKey.get(key);
      if (!route) {
        route = { fullPath, ...(exact !== undefined ? { exact } : {}), ...(regex !== undefined ? { regex } : {}), kinds, methods: new Map() };
        byKey.set(key, route);
      }
      const method = op.method.toUpperCase();
      if (!route.methods.has(method)) route.methods.set(method, op.key);
    }
  }
  return [...byKey.values()].sort((a, b) => (a.exact !== undefined) !== (b.exact !== undefined) ? (a.exact !== undefined ? -1 : 1) : compareRoutes(a, b));
}

/** The decoded first segment (bytes) of a templated route when it is literal and not the last one. */
export function firstLiteralSegment(route: GatewayRoute): string | undefined {
  if (route.exact !== undefined || route.kinds.length < 2 || route.kinds[0] !== 'literal') return undefined;
  const seg = route.fullPath.split('/')[1];
  return seg === undefined || seg === '' ? undefined : literalSegment(seg);
}

export function allowHeader(route: GatewayRoute): string {
  return [...route.methods.keys()].join(', ');
}

/** Raw request paths whose segments a gateway and an upstream could split or resolve differently. */
export const AMBIGUOUS_PATH_REGEX = String.raw`^[^?]*(?:%2[fF]|%5[cC]|%00|%(?![0-9a-fA-F]{2})|\\|//|/(?:\.|%2[eE]){1,2}(?:/|\?|$))`;

const ambiguous = new RegExp(AMBIGUOUS_PATH_REGEX);

export function isAmbiguousPath(requestTarget: string): boolean {
  return ambiguous.test(requestTarget);
}

export type RouteLookup = { route: GatewayRoute; operation?: string } | undefined;

/** Which route nginx would pick for a request target (`/path?query`, as sent). */
export function findRoute(routes: readonly GatewayRoute[], compiled: readonly (RegExp | undefined)[], requestTarget: string, method: string): RouteLookup {
  const q = requestTarget.indexOf('?');
  const path = decodeBytes(q >= 0 ? requestTarget.slice(0, q) : requestTarget);
  let found: GatewayRoute | undefined = routes.find((r) => r.exact !== undefined && r.exact === path);
  if (!found) {
    for (let i = 0; i < routes.length; i++) {
      const re = compiled[i];
      if (re && re.test(path)) {
        found = routes[i];
        break;
      }
    }
  }
  if (!found) return undefined;
  const operation = found.methods.get(method.toUpperCase());
  return { route: found, ...(operation ? { operation } : {}) };
}

export function compileRouteRegexes(routes: readonly GatewayRoute[]): (RegExp | undefined)[] {
  return routes.map((r) => (r.regex ? new RegExp(r.regex) : undefined));
}

// Shared helpers for the 2.0 and 3.x normalisers: ref following with diagnostics, node refs,
// the walk over path items and their operations, server URL parsing, security requirement reading.

import type { HttpMethod, NodeRef, OperationModel, PathItemModel, SecurityRequirement, SecuritySchemeModel, ServerModel, SpecVersion } from './model';
import { HTTP_METHODS } from './model';
import type { ParsedDocument, SourceDiagnostic } from './parsed-document';
import { appendPointer } from './json-pointer';
import type { Resolved } from './refs';
import { RefResolver, isRecord, isRefObject } from './refs';

export class NormalizeContext {
  readonly resolver: RefResolver;
  readonly diagnostics: SourceDiagnostic[] = [];
  private readonly reported = new Set<string>();

  constructor(
    readonly rootUri: string,
    readonly documents: ReadonlyMap<string, ParsedDocument>,
    readonly version: SpecVersion,
  ) {
    this.resolver = new RefResolver(documents);
  }

  node(uri: string, pointer: string): NodeRef {
    return this.resolver.node(uri, pointer);
  }

  /**
   * Follows refs from uri#pointer; reports an unresolvable `$ref` once, at the `$ref` itself.
   * Callers that hold the node pass it as `value`: looking each one up again from the root (and
   * remembering it) was half of normalising GitHub's description (profiled).
   */
  follow(uri: string, pointer: string, value?: unknown): Resolved | undefined {
    const v = value === undefined ? this.resolver.valueAt(uri, pointer) : value;
    if (v === undefined) return undefined;
    const r = this.resolver.follow(uri, pointer, v);
    if (!r && isRefObject(v)) this.report(uri, appendPointer(pointer, '$ref'), `Cannot resolve $ref '${v.$ref}'`, 'ref:unresolved');
    return r;
  }

  report(uri: string, pointer: string, message: string, code: string, severity: SourceDiagnostic['severity'] = 'error'): void {
    const key = `${uri}#${pointer}#${code}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    const loc = this.node(uri, pointer).location;
    const doc = this.documents.get(uri);
    const offsets = loc?.offsets ?? { start: 0, end: 0 };
    const range = loc?.range ?? doc?.lines.rangeOf(offsets) ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    this.diagnostics.push({ uri, range, offsets, severity, message, code });
  }
}

/** Builds one operation of a path item: its method, its node and where that node is. */
export type OperationReader = (method: HttpMethod, op: Record<string, unknown>, uri: string, pointer: string) => OperationModel;

/**
 * Every path item under the root's `paths` (`x-` keys skipped, a path item's `$ref` followed) and
 * each of its operations, built by the reader `forItem` returns for that item (which reads what
 * the item's operations share: parameters, servers).
 */
export function readPaths(ctx: NormalizeContext, rawPaths: unknown, forItem: (path: string, item: Resolved & { value: Record<string, unknown> }) => OperationReader): { paths: Map<string, PathItemModel>; operations: OperationModel[] } {
  const uri = ctx.rootUri;
  const paths = new Map<string, PathItemModel>();
  const operations: OperationModel[] = [];
  const raw = isRecord(rawPaths) ? rawPaths : {};
  for (const path of Object.keys(raw)) {
    if (!path.startsWith('/')) continue;
    const itemPointer = appendPointer('/paths', path);
    const item = ctx.follow(uri, itemPointer, raw[path]);
    if (!item || !isRecord(item.value)) continue;
    const pathItem: PathItemModel = { path, ref: ctx.node(uri, itemPointer), operations: new Map() };
    paths.set(path, pathItem);
    const read = forItem(path, { ...item, value: item.value });
    for (const method of HTTP_METHODS) {
      const op = item.value[method];
      if (!isRecord(op)) continue;
      const model = read(method, op, item.uri, appendPointer(item.pointer, method));
      pathItem.operations.set(method, model);
      operations.push(model);
    }
  }
  return { paths, operations };
}

/** What every operation says of itself, whichever version: its key, method, path, id, summary and deprecation. */
export function operationBasics(method: HttpMethod, path: string, op: Record<string, unknown>): Pick<OperationModel, 'key' | 'method' | 'path' | 'operationId' | 'summary' | 'deprecated'> {
  return {
    key: `${method.toUpperCase()} ${path}`,
    method,
    path,
    operationId: typeof op.operationId === 'string' ? op.operationId : undefined,
    summary: typeof op.summary === 'string' ? op.summary : undefined,
    deprecated: op.deprecated === true,
  };
}

/**
 * A list entry as text. `String(v)` throws on objects without a usable `toString` (a document's
 * `{"toString": 1}`, or objects the parsers build without a prototype): those become their JSON.
 */
export function entryText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null) {
    try {
      return JSON.stringify(v) ?? '';
    } catch {
      return '';
    }
  }
  return String(v);
}

export function readSecurity(value: unknown): SecurityRequirement[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: SecurityRequirement[] = [];
  for (const req of value) {
    if (!isRecord(req)) continue;
    const r: SecurityRequirement = {};
    for (const [name, scopes] of Object.entries(req)) r[name] = Array.isArray(scopes) ? scopes.map(entryText) : [];
    out.push(r);
  }
  return out;
}

export function readSecurityScheme(name: string, v: Record<string, unknown>, ref: NodeRef): SecuritySchemeModel {
  const t = entryText(v.type ?? '');
  const type: SecuritySchemeModel['type'] =
    t === 'apiKey' || t === 'http' || t === 'oauth2' || t === 'openIdConnect' || t === 'mutualTLS' || t === 'basic' ? t : 'unknown';
  const where = v.in === 'query' || v.in === 'header' || v.in === 'cookie' ? v.in : undefined;
  return {
    name,
    type,
    in: where,
    paramName: typeof v.name === 'string' ? v.name : undefined,
    scheme: type === 'basic' ? 'basic' : typeof v.scheme === 'string' ? v.scheme.toLowerCase() : undefined,
    ref,
  };
}

const MAX_BASE_PATHS = 16;

/**
 * Reads a server URL into a host and the path prefixes it mounts operations under. Variables in
 * the host make it a wildcard; variables in the path expand to their enum values (or default).
 */
export function parseServer(url: string, variables: unknown, ref: NodeRef): ServerModel {
  const vars = isRecord(variables) ? variables : {};
  const valuesOf = (name: string): string[] => {
    const v = vars[name];
    if (!isRecord(v)) return [];
    const values = Array.isArray(v.enum) ? v.enum.map(entryText) : [];
    if (v.default !== undefined && !values.includes(entryText(v.default))) values.unshift(entryText(v.default));
    return values;
  };
  const m = /^(?:[^:/?#]+:)?\/\/([^/?#]*)([^?#]*)/.exec(url);
  let host: string | undefined;
  let path: string;
  if (m) {
    const rawHost = m[1] ?? '';
    host = rawHost.includes('{') ? undefined : rawHost.toLowerCase();
    path = m[2] ?? '';
  } else {
    path = url.split(/[?#]/)[0] ?? '';
  }
  let paths = [path];
  for (const v of path.match(/\{[^}]+\}/g) ?? []) {
    const values = valuesOf(v.slice(1, -1));
    const next: string[] = [];
    for (const p of paths) for (const val of values.length > 0 ? values : [v]) next.push(p.split(v).join(val));
    paths = next.slice(0, MAX_BASE_PATHS);
  }
  const basePaths = [...new Set(paths.map(trimBasePath))];
  const shown = url.replace(/\{([^}]+)\}/g, (all, name: string) => valuesOf(name)[0] ?? all);
  return { url: shown, host, basePaths, ref };
}

export function trimBasePath(p: string): string {
  let out = p.trim();
  if (out !== '' && !out.startsWith('/')) out = '/' + out;
  while (out.endsWith('/')) out = out.slice(0, -1);
  return out;
}

// Routes every transaction once and groups them: by described operation, by undocumented
// endpoint (method + templated path), by undocumented method on a described path.

import { splitPath, templatePath } from '../inventory/template';
import type { RouteMatch, Router } from '../match/router';
import type { HttpMethod, OperationModel, PathItemModel, SpecModel } from '../openapi/model';
import type { Transaction } from '../protocol/transaction';
import { ONE_CALL, type CallsOf } from './aggregates';

export interface MatchedTx {
  tx: Transaction;
  params: Record<string, string>;
  basePath: string;
}

export interface UnmatchedGroup {
  method: HttpMethod;
  template: string;
  /** Length of the base path stripped before templating (to find path parameter values). */
  offset: number;
  service: string;
  txs: Transaction[];
}

export interface MethodGroup {
  method: HttpMethod;
  pathItem: PathItemModel;
  offset: number;
  service: string;
  txs: Transaction[];
}

export interface Grouped {
  byOperation: Map<OperationModel, MatchedTx[]>;
  undocumentedEndpoints: Map<string, UnmatchedGroup>;
  undocumentedMethods: Map<string, MethodGroup>;
  /** Calls that reached this API (matched a path, or fall under one of its base paths). */
  apiTraffic: number;
  window?: { start: number; end: number };
}

/**
 * The user's template for a request path (base path included), e.g. from the workspace's
 * `.tapline/templates.json`; undefined when none covers it (then Tapline's own templating applies).
 */
export type UserTemplateOf = (path: string, service: string) => string | undefined;

/** A full-path template without the base path's segments (findings show paths under the base). */
function underBase(template: string, base: string): string {
  const skip = splitPath(base).length;
  return skip === 0 ? template : '/' + splitPath(template).slice(skip).join('/');
}

/** `callsOf`: how many observed calls a transaction stands for (apiTraffic counts calls, not samples). */
export function groupTransactions(router: Router, model: SpecModel, txs: readonly Transaction[], userTemplateOf?: UserTemplateOf, callsOf: CallsOf = ONE_CALL): Grouped {
  const g: Grouped = { byOperation: new Map(), undocumentedEndpoints: new Map(), undocumentedMethods: new Map(), apiTraffic: 0 };
  const basePaths = [...new Set([...model.servers, ...model.operations.flatMap((o) => o.servers)].flatMap((s) => s.basePaths))]
    .filter((b) => b !== '')
    .sort((a, b) => b.length - a.length);
  for (const tx of txs) {
    if (tx.grpc !== undefined) continue; // a gRPC call is not an operation an OpenAPI document can describe
    const end = tx.startedAt + tx.durationMs;
    g.window = g.window ? { start: Math.min(g.window.start, tx.startedAt), end: Math.max(g.window.end, end) } : { start: tx.startedAt, end };
    const method = tx.request.method.toLowerCase() as HttpMethod;
    const calls = callsOf(tx);
    const m: RouteMatch = router.match({ method, path: tx.request.path, service: tx.service });
    if (m.kind === 'operation') {
      g.apiTraffic += calls;
      const list = g.byOperation.get(m.operation) ?? [];
      list.push({ tx, params: m.params, basePath: m.basePath });
      g.byOperation.set(m.operation, list);
    } else if (m.kind === 'method-not-documented') {
      g.apiTraffic += calls;
      const key = `${tx.service} ${method} ${m.pathItem.path}`;
      const group = g.undocumentedMethods.get(key) ?? { method, pathItem: m.pathItem, offset: m.basePath.length, service: tx.service, txs: [] };
      group.txs.push(tx);
      g.undocumentedMethods.set(key, group);
    } else {
      const base = basePaths.find((b) => tx.request.path === b || tx.request.path.startsWith(b + '/')) ?? '';
      if (base !== '') g.apiTraffic += calls;
      const rest = tx.request.path.slice(base.length) || '/';
      const mine = userTemplateOf?.(tx.request.path, tx.service);
      const template = mine !== undefined ? underBase(mine, base) : templatePath(rest);
      const key = `${tx.service} ${method} ${template}`;
      const group = g.undocumentedEndpoints.get(key) ?? { method, template, offset: base.length, service: tx.service, txs: [] };
      group.txs.push(tx);
      g.undocumentedEndpoints.set(key, group);
    }
  }
  return g;
}

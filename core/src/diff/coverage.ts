// Coverage of a description by traffic: the share of documented operations that traffic
// exercised, and of their documented responses — per spec, per tag and per operation. Pure; the
// CLI (`tapline diff --coverage`) and the engine call it.
//
// A documented response counts as exercised when a response with that status was seen; `4XX`
// ranges by any status in the range; `default` by any status no other key of the operation covers.

import { Router } from '../match/router';
import { isRecord } from '../json-record';
import type { HttpMethod, LoadedSpec, OperationModel, SourceLocation } from '../openapi/model';
import { RefResolver } from '../openapi/refs';
import type { Transaction } from '../protocol/transaction';
import type { CoverageTotals } from './coverage-totals';

export { coverageLine, ratio, type CoverageTotals } from './coverage-totals';

export interface OperationCoverage {
  /** `GET /pets/{petId}`. */
  key: string;
  method: string;
  path: string;
  tags: string[];
  deprecated: boolean;
  calls: number;
  /** Documented response keys as written (`200`, `4XX`, `default`), each with whether it was seen. */
  responses: { status: string; exercised: boolean }[];
  /** Statuses seen that no response key covers (also undocumented-status findings). */
  undocumentedStatuses: number[];
  /** Where the operation is written (its method key), when the text has it. */
  location?: Pick<SourceLocation, 'uri' | 'range'>;
}

export interface CoverageReport {
  total: CoverageTotals;
  /** Per tag, sorted by tag; operations without tags are under '' (untagged). */
  byTag: { tag: string; totals: CoverageTotals }[];
  operations: OperationCoverage[];
}

function covers(key: string, status: number): boolean {
  if (/^\d{3}$/.test(key)) return Number(key) === status;
  if (/^[1-5]XX$/i.test(key)) return Math.floor(status / 100) === Number(key[0]);
  return false;
}

function tagsOf(resolver: RefResolver, op: OperationModel): string[] {
  const raw = resolver.valueAt(op.ref.uri, op.ref.pointer);
  const tags = isRecord(raw) ? raw['tags'] : undefined;
  return Array.isArray(tags) ? [...new Set(tags.filter((t): t is string => typeof t === 'string'))] : [];
}

function operationCoverage(resolver: RefResolver, op: OperationModel, calls: number, statuses: readonly number[]): OperationCoverage {
  const keys = [...op.responses.keys()];
  // The method key (`get:`), where findings about the operation point too.
  const key = resolver.node(op.ref.uri, op.ref.pointer, true).location;
  const seen = new Set(statuses);
  const explicit = keys.filter((k) => k !== 'default');
  const uncovered = [...seen].filter((s) => !explicit.some((k) => covers(k, s))).sort((a, b) => a - b);
  const responses = keys.map((status) => ({
    status,
    exercised: status === 'default' ? uncovered.length > 0 : [...seen].some((s) => covers(status, s)),
  }));
  return {
    key: op.key,
    method: op.method.toUpperCase(),
    path: op.path,
    tags: tagsOf(resolver, op),
    deprecated: op.deprecated,
    calls,
    responses,
    undocumentedStatuses: keys.includes('default') ? [] : uncovered,
    ...(key ? { location: { uri: key.uri, range: key.range } } : {}),
  };
}

function add(t: CoverageTotals, op: OperationCoverage): void {
  t.operations++;
  if (op.calls > 0) t.exercised++;
  t.responses += op.responses.length;
  t.responsesExercised += op.responses.filter((r) => r.exercised).length;
}

const empty = (): CoverageTotals => ({ operations: 0, exercised: 0, responses: 0, responsesExercised: 0 });

/** Undefined when the spec could not be read as OpenAPI. */
export function computeCoverage(spec: LoadedSpec, transactions: readonly Transaction[], router?: Router): CoverageReport | undefined {
  const counter = new CoverageCounter(spec, router);
  for (const tx of transactions) counter.add(tx);
  return counter.report();
}

/**
 * Coverage fed one transaction at a time (`tapline diff --coverage` of a large file): each is
 * routed and counted against its operation, then dropped — memory is per documented operation.
 */
export class CoverageCounter {
  private readonly router: Router | undefined;
  private readonly counts = new Map<string, { count: number; statuses: Record<string, number> }>();

  constructor(
    private readonly spec: LoadedSpec,
    router?: Router,
  ) {
    this.router = spec.model ? (router ?? new Router(spec.model)) : undefined;
  }

  add(tx: Transaction): void {
    if (this.router === undefined || tx.grpc !== undefined) return; // a gRPC call is no OpenAPI operation
    const m = this.router.match({ method: tx.request.method.toLowerCase() as HttpMethod, path: tx.request.path, service: tx.service });
    if (m.kind !== 'operation') return;
    let c = this.counts.get(m.operation.key);
    if (c === undefined) this.counts.set(m.operation.key, (c = { count: 0, statuses: {} }));
    c.count++;
    // A request without a response (timed out, reset) exercised the operation but no response.
    if (tx.response !== undefined) c.statuses[tx.response.status] = (c.statuses[tx.response.status] ?? 0) + 1;
  }

  report(): CoverageReport | undefined {
    return coverageFromCounts(this.spec, this.counts);
  }
}

/**
 * Coverage from traffic already counted per operation (the engine's inventory: calls and the
 * statuses seen, `0` for no response), keyed by operation key (`GET /pets/{petId}`).
 */
export function coverageFromCounts(spec: LoadedSpec, counts: ReadonlyMap<string, { count: number; statuses: Readonly<Record<string, number>> }>): CoverageReport | undefined {
  return coverageFrom(spec, (op) => {
    const c = counts.get(op.key);
    const statuses = Object.keys(c?.statuses ?? {}).map(Number).filter((s) => s > 0);
    return { calls: c?.count ?? 0, statuses };
  });
}

function coverageFrom(spec: LoadedSpec, traffic: (op: OperationModel) => { calls: number; statuses: readonly number[] }): CoverageReport | undefined {
  const model = spec.model;
  if (!model) return undefined;
  const resolver = new RefResolver(spec.documents);
  const operations = model.operations.map((op) => {
    const { calls, statuses } = traffic(op);
    return operationCoverage(resolver, op, calls, statuses);
  });
  const total = empty();
  const tags = new Map<string, CoverageTotals>();
  for (const op of operations) {
    add(total, op);
    for (const tag of op.tags.length === 0 ? [''] : op.tags) {
      let t = tags.get(tag);
      if (t === undefined) tags.set(tag, (t = empty()));
      add(t, op);
    }
  }
  const byTag = [...tags].sort((a, b) => a[0].localeCompare(b[0])).map(([tag, totals]) => ({ tag, totals }));
  return { total, byTag, operations };
}

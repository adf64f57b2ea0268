// The diff: (spec, transactions) → findings. Pure; the language server and the CLI both call it.

import { Router } from '../match/router';
import type { LoadedSpec } from '../openapi/model';
import type { Transaction } from '../protocol/transaction';
import { SchemaValidator } from '../schema/validator';
import { DiffContext } from './context';
import type { DiffFinding, FindingCode, FindingSeverity } from './finding';
import { FINDING_CODES, SEVERITY_RANK } from './finding';
import { groupTransactions, type UserTemplateOf } from './group';
import { DiffAggregates, keep, type CallsOf } from './aggregates';
import { bodyRules, emitBodyAggregates } from './rules-bodies';
import { endpointRules } from './rules-endpoints';
import { parameterRules } from './rules-parameters';
import { securityRules } from './rules-security';
import { emitZombie, zombieRules } from './rules-zombie';

export interface DiffOptions {
  /** Per-code severity, or 'off'. */
  severities?: Partial<Record<FindingCode, FindingSeverity | 'off'>>;
  /** Reuse across diffs of the same loaded spec (compiled schemas are cached inside). */
  router?: Router;
  validator?: SchemaValidator;
  /** Also return findings an `x-tapline-ignore` covers (marked `suppressed`), e.g. for SARIF. */
  includeSuppressed?: boolean;
  /** The user's path templates for undocumented endpoints (`.tapline/templates.json`). */
  userTemplateOf?: UserTemplateOf;
  /** How many observed calls a transaction stands for (the engine diffs samples); 1 when absent. */
  callsOf?: CallsOf;
}

/** Router and validator for one loaded spec; keep it while the spec is unchanged. */
export interface SpecSession {
  spec: LoadedSpec;
  router: Router;
  validator: SchemaValidator;
}

/**
 * `previous`: the session of this spec's version before an edit; the compiled schemas the edit
 * did not touch are kept (an edit then costs the parse and the changed schemas, not every one).
 */
export function createSession(spec: LoadedSpec, previous?: SpecSession): SpecSession | undefined {
  if (!spec.model) return undefined;
  return { spec, router: new Router(spec.model), validator: new SchemaValidator(spec.documents, undefined, previous?.validator) };
}

/** Transactions grouped and checked at a time; what a diff keeps between windows is bounded (aggregates.ts). */
export const DIFF_WINDOW = 256;

export function diffSpec(spec: LoadedSpec, transactions: readonly Transaction[], options: DiffOptions = {}): DiffFinding[] {
  const stream = new DiffStream(spec, options);
  for (const tx of transactions) stream.add(tx);
  return stream.finish();
}

/**
 * The diff fed one transaction at a time (`tapline diff` of a file of hundreds of MB): findings
 * about single transactions are merged as they come, the rest are aggregated with counts and the
 * first few transactions only, so memory does not grow with the traffic. diffSpec is this stream
 * over a list; the findings are the same whichever way the transactions come.
 */
export class DiffStream {
  private readonly ctx: DiffContext | undefined;
  private readonly router: Router | undefined;
  private readonly aggregates: DiffAggregates;
  private window: Transaction[] = [];
  private finished = false;

  constructor(
    private readonly spec: LoadedSpec,
    private readonly options: DiffOptions = {},
  ) {
    this.aggregates = new DiffAggregates(options.callsOf);
    const model = spec.model;
    if (!model) return;
    this.router = options.router ?? new Router(model);
    this.ctx = new DiffContext(spec, model, options.validator ?? new SchemaValidator(spec.documents), options.severities ?? {});
  }

  add(tx: Transaction): void {
    if (this.finished) throw new Error('DiffStream: add() after finish()');
    if (this.ctx === undefined) return;
    this.window.push(tx);
    if (this.window.length >= DIFF_WINDOW) this.flush();
  }

  /**
   * What the diff's bounds left out (MAX_UNDOCUMENTED_GROUPS, MAX_FINDINGS): calls to undocumented
   * endpoints first seen past the cap, and transactions whose new finding found no room.
   */
  get leftOut(): { undocumentedCalls: number; findingCalls: number } {
    return { undocumentedCalls: this.aggregates.overflowCalls, findingCalls: this.ctx?.droppedFindings ?? 0 };
  }

  /** Transactions held right now: the window, and what the aggregates keep (for tests and bench/har-stream). */
  get retainedTransactions(): number {
    const agg = this.aggregates;
    let n = this.window.length;
    for (const g of agg.undocumentedEndpoints.values()) n += g.txs.length;
    for (const g of agg.undocumentedMethods.values()) n += g.txs.length;
    for (const b of agg.bodies.values()) {
      for (const k of b.unknownStatus.values()) n += k.txs.length;
      for (const k of b.unknownTypes.values()) n += k.txs.length;
    }
    for (const z of agg.zombies.values()) n += z.txs.length;
    return n;
  }

  finish(): DiffFinding[] {
    this.finished = true;
    const ctx = this.ctx;
    if (ctx === undefined) return [];
    this.flush();
    const agg = this.aggregates;
    endpointRules(ctx, agg);
    for (const [op, bodies] of agg.bodies) emitBodyAggregates(ctx, op, bodies);
    for (const [op, zombie] of agg.zombies) emitZombie(ctx, op, zombie);
    const all = ctx.results();
    return sortFindings(this.options.includeSuppressed === true ? all : all.filter((f) => f.suppressed === undefined));
  }

  private flush(): void {
    const ctx = this.ctx!;
    const agg = this.aggregates;
    const grouped = groupTransactions(this.router!, ctx.model, this.window, this.options.userTemplateOf, agg.callsOf);
    this.window = [];
    agg.apiTraffic += grouped.apiTraffic;
    if (grouped.window) agg.window = agg.window ? { start: Math.min(agg.window.start, grouped.window.start), end: Math.max(agg.window.end, grouped.window.end) } : grouped.window;
    for (const [op, matched] of grouped.byOperation) {
      agg.used.add(op);
      bodyRules(ctx, op, matched, agg.bodiesOf(op), agg.callsOf);
      parameterRules(ctx, op, matched);
      securityRules(ctx, op, matched.map((m) => m.tx), op.path);
      zombieRules(ctx, op, matched, agg);
    }
    for (const [key, g] of grouped.undocumentedEndpoints) {
      const into = this.groupFor(agg.undocumentedEndpoints, key, g.txs.length, () => ({ method: g.method, template: g.template, offset: g.offset, service: g.service, count: 0, txs: [] }));
      if (into === undefined) continue;
      securityRules(ctx, undefined, g.txs, g.template);
      keep(into, g.txs, agg.callsOf);
    }
    for (const [key, g] of grouped.undocumentedMethods) {
      const into = this.groupFor(agg.undocumentedMethods, key, g.txs.length, () => ({ method: g.method, pathItem: g.pathItem, offset: g.offset, service: g.service, count: 0, txs: [] }));
      if (into === undefined) continue;
      securityRules(ctx, undefined, g.txs, g.pathItem.path);
      keep(into, g.txs, agg.callsOf);
    }
  }

  /** The aggregate under `key`, made while there is room; undefined (its calls counted) past the cap. */
  private groupFor<G>(groups: Map<string, G>, key: string, calls: number, make: () => G): G | undefined {
    let group = groups.get(key);
    if (group !== undefined) return group;
    if (!this.aggregates.roomForGroups()) {
      this.aggregates.overflowCalls += calls;
      return undefined;
    }
    groups.set(key, (group = make()));
    return group;
  }
}

const CODE_ORDER = new Map<string, number>(FINDING_CODES.map((c, i) => [c, i]));

export function sortFindings(findings: DiffFinding[]): DiffFinding[] {
  return findings.sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      (a.location?.uri ?? '').localeCompare(b.location?.uri ?? '') ||
      (a.location?.offsets.start ?? 0) - (b.location?.offsets.start ?? 0) ||
      (CODE_ORDER.get(a.code) ?? 0) - (CODE_ORDER.get(b.code) ?? 0) ||
      a.id.localeCompare(b.id),
  );
}

// What every rule gets: the spec, the validator, a way to turn uri+pointer into a source location,
// and a sink that merges repeated findings (same id) into one with a count and sample ids.

import type { LoadedSpec, NodeRef, OperationModel, SourceLocation, SpecModel } from '../openapi/model';
import type { RefResolver } from '../openapi/refs';
import { resolverFor } from '../openapi/refs';
import type { Transaction } from '../protocol/transaction';
import type { SchemaValidator } from '../schema/validator';
import type { DiffFinding, FindingCode, FindingSeverity, FixData } from './finding';
import { DEFAULT_SEVERITIES } from './finding';
import { suppressionFor } from './suppression';

export const MAX_SAMPLE_IDS = 5;
/**
 * Distinct findings one diff reports at most: traffic is attacker-controlled, and a scanner's
 * thousands of query names or paths would each be one. Past it, new ones are counted, not kept.
 */
export const MAX_FINDINGS = 20_000;

// Per operation of a loaded spec (which never changes): several rules read the operation's raw
// object for every diff, and the pointer lookup behind it was a measurable share of a warm diff.
const operationValues = new WeakMap<OperationModel, unknown>();
// Per loaded spec (its shared resolver): every diff locates its findings again, mostly the same
// few hundred nodes, and each took a walk of the document's position tree.
const locations = new WeakMap<RefResolver, Map<string, SourceLocation | undefined>>();

export interface DraftFinding {
  code: FindingCode;
  /** What makes two findings of one code the same problem (property path, status, …). */
  detail: string;
  message: string;
  method: string;
  path: string;
  service?: string;
  operation?: OperationModel;
  at?: NodeRef | { uri: string; pointer: string };
  /** The response or request body the finding is about, when `at` is a schema it uses (suppressions). */
  within?: { uri: string; pointer: string };
  tx: Transaction;
  fixes?: FixData[];
}

export class DiffContext {
  readonly resolver: RefResolver;
  private readonly findings = new Map<string, DiffFinding>();
  /** Transactions that would have started a finding past MAX_FINDINGS. */
  droppedFindings = 0;

  constructor(
    readonly spec: LoadedSpec,
    readonly model: SpecModel,
    readonly validator: SchemaValidator,
    private readonly severities: Partial<Record<FindingCode, FindingSeverity | 'off'>>,
  ) {
    this.resolver = resolverFor(spec.documents);
    let located = locations.get(this.resolver);
    if (located === undefined) {
      located = new Map();
      locations.set(this.resolver, located);
    }
    this.located = located;
    this.rootValue = spec.documents.get(model.rootUri)?.value;
  }

  readonly rootValue: unknown;
  private readonly located: Map<string, SourceLocation | undefined>;

  locate(at: { uri: string; pointer: string; location?: SourceLocation } | undefined): SourceLocation | undefined {
    if (!at) return undefined;
    // Findings point at the key (`get:`, `'200':`, `name:`) rather than a whole multi-line value.
    // The node may not exist yet (e.g. `responses` missing): fall back to the nearest ancestor.
    const located = this.located;
    const key = at.uri + '#' + at.pointer;
    if (located.has(key)) return located.get(key);
    let pointer = at.pointer;
    for (;;) {
      const loc = this.resolver.node(at.uri, pointer, true).location;
      if (loc || pointer === '') {
        located.set(key, loc);
        return loc;
      }
      pointer = pointer.slice(0, pointer.lastIndexOf('/'));
    }
  }

  emit(d: DraftFinding): void {
    const severity = this.severities[d.code] ?? DEFAULT_SEVERITIES[d.code];
    if (severity === 'off') return;
    const id = `${d.code}|${d.method} ${d.path}|${d.detail}`;
    const existing = this.findings.get(id);
    if (existing) {
      existing.count++;
      if (existing.sampleIds.length < MAX_SAMPLE_IDS && !existing.sampleIds.includes(d.tx.id)) existing.sampleIds.push(d.tx.id);
      return;
    }
    if (this.findings.size >= MAX_FINDINGS) {
      this.droppedFindings++;
      return;
    }
    const suppressed = suppressionFor(this.resolver, d.code, d.at ?? d.operation?.ref, d.operation, d.within);
    this.findings.set(id, {
      id,
      ...(suppressed === undefined ? {} : { suppressed }),
      code: d.code,
      severity,
      message: d.message,
      method: d.method,
      path: d.path,
      service: d.service,
      operation: d.operation?.key,
      location: this.locate(d.at),
      count: 1,
      sampleIds: [d.tx.id],
      fixes: d.fixes ?? [],
    });
  }

  /** For findings that need all their transactions at once (unused-operation, inferred fixes). */
  emitAggregate(f: Omit<DiffFinding, 'severity' | 'id'> & { detail: string }): void {
    const severity = this.severities[f.code] ?? DEFAULT_SEVERITIES[f.code];
    if (severity === 'off') return;
    const id = `${f.code}|${f.method} ${f.path}|${f.detail}`;
    const { detail: _detail, ...rest } = f;
    const operation = f.operation === undefined ? undefined : this.operationByKey(f.operation);
    const suppressed = suppressionFor(this.resolver, f.code, f.location ?? operation?.ref, operation);
    this.findings.set(id, { ...rest, id, severity, ...(suppressed === undefined ? {} : { suppressed }) });
  }

  /** The operation's object as written (its extensions, its own `security`). */
  operationValue(op: OperationModel): unknown {
    if (operationValues.has(op)) return operationValues.get(op);
    const value = this.resolver.valueAt(op.ref.uri, op.ref.pointer);
    operationValues.set(op, value);
    return value;
  }

  private byKey: Map<string, OperationModel> | undefined;

  private operationByKey(key: string): OperationModel | undefined {
    this.byKey ??= new Map(this.model.operations.map((op) => [op.key, op]));
    return this.byKey.get(key);
  }

  /** A uri relative to the root document's folder, so that finding ids do not depend on where the checkout is. */
  shortUri(uri: string): string {
    const root = this.model.rootUri;
    const dir = root.slice(0, root.lastIndexOf('/') + 1);
    return uri.startsWith(dir) ? uri.slice(dir.length) : uri;
  }

  results(): DiffFinding[] {
    return [...this.findings.values()];
  }
}

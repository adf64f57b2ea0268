// The diff: (spec, transactions) → findings. Pure; the language server and the CLI both call it.

import { Router } from '../match/router';
import type { LoadedSpec } from '../openapi/model';
import type { Transaction } from '../protocol/transaction';
import { SchemaValidator } from '../schema/validator';
import { DiffContext } from './context';
import type { DiffFinding, FindingCode, FindingSeverity } from './finding';
import { FINDING_CODES, SEVERITY_RANK } from './finding';
import { groupTransactions, type UserTemplateOf } from './group';
import { bodyRules } from './rules-bodies';
import { endpointRules } from './rules-endpoints';
import { parameterRules } from './rules-parameters';
import { securityRules } from './rules-security';
import { zombieRules } from './rules-zombie';

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

export function diffSpec(spec: LoadedSpec, transactions: readonly Transaction[], options: DiffOptions = {}): DiffFinding[] {
  const model = spec.model;
  if (!model) return [];
  const router = options.router ?? new Router(model);
  const validator = options.validator ?? new SchemaValidator(spec.documents);
  const ctx = new DiffContext(spec, model, validator, options.severities ?? {});
  const grouped = groupTransactions(router, model, transactions, options.userTemplateOf);
  endpointRules(ctx, grouped);
  for (const [op, matched] of grouped.byOperation) {
    bodyRules(ctx, op, matched);
    parameterRules(ctx, op, matched);
    securityRules(ctx, op, matched.map((m) => m.tx), op.path);
    zombieRules(ctx, op, matched);
  }
  for (const g of grouped.undocumentedEndpoints.values()) securityRules(ctx, undefined, g.txs, g.template);
  for (const g of grouped.undocumentedMethods.values()) securityRules(ctx, undefined, g.txs, g.pathItem.path);
  const all = ctx.results();
  return sortFindings(options.includeSuppressed === true ? all : all.filter((f) => f.suppressed === undefined));
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

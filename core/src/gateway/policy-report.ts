// The policy tested against observed traffic before it ships: for every recorded request, what
// the gateway would do (decide.ts), grouped per endpoint, with the documented operations that it
// would block flagged — those are requests the description's own matcher (core/src/match) calls
// documented, so a block there means the description or the policy is wrong.

import type { SpecModel } from '../openapi/model';
import { Router } from '../match/router';
import type { Transaction } from '../protocol/transaction';
import type { GatewayDecision, GatewayDecider } from './decide';
import { logReason } from './decide';

export interface RequestVerdict {
  index: number;
  id: string;
  method: string;
  target: string;
  clientIp: string;
  /** The status the recorded upstream answered, when there was a response. */
  observedStatus?: number;
  verdict: GatewayDecision;
  /** Block rules that could not be judged because the sensor redacted the header they read. */
  undecidable: string[];
}

export interface EndpointSummary {
  /** Operation key when documented, else `METHOD /documented/{path}` or `METHOD /path` as sent. */
  endpoint: string;
  documented: boolean;
  requests: number;
  allowed: number;
  /** Log reason (`path-not-documented`, `client-blocked:<rule>`, …) → requests. */
  blocked: Record<string, number>;
  /** Why this documented operation would be blocked for everyone, or part of its traffic. */
  flags: string[];
}

export interface PolicyReport {
  mode: 'enforce' | 'report';
  requests: RequestVerdict[];
  endpoints: EndpointSummary[];
  allowed: number;
  blocked: number;
  /** Documented operations the policy would block (other than by a client block). */
  flagged: string[];
}

function firstHeaders(tx: Transaction): Map<string, string> {
  const out = new Map<string, string>();
  for (const h of tx.request.headers) if (!out.has(h.name.toLowerCase())) out.set(h.name.toLowerCase(), h.value);
  return out;
}

function redactedHeaders(tx: Transaction): Set<string> {
  const out = new Set<string>();
  for (const r of tx.redactions ?? []) if (r.location === 'request.header' && r.name) out.add(r.name.toLowerCase());
  return out;
}

/** Judges recorded requests one at a time (a HAR file read as a stream), keeping only each verdict, never the transaction. */
export class PolicyReporter {
  private readonly router: Router;
  private readonly endpoints = new Map<string, EndpointSummary>();
  private readonly flagged = new Set<string>();
  private readonly requests: RequestVerdict[] = [];

  constructor(
    model: SpecModel,
    private readonly decider: GatewayDecider,
    private readonly defaultClientIp: string,
  ) {
    this.router = new Router(model);
  }

  add(tx: Transaction): void {
    const { decider } = this;
    const clientIp = tx.client.address || this.defaultClientIp;
    const verdict = decider.decide({ method: tx.request.method, target: tx.request.target, clientIp, headers: firstHeaders(tx) });
    const redacted = redactedHeaders(tx);
    const undecidable = decider.policy.blocks
      .filter(({ block }) => (block.selector.kind === 'header' ? redacted.has(block.selector.header.toLowerCase()) : block.selector.kind === 'jwtSub' && redacted.has('authorization')))
      .map(({ block }) => block.name);
    // What the description itself says this request is, leniently (base paths, trailing slashes).
    const described = this.router.match({ method: tx.request.method, path: tx.request.path });
    const documentedAs = verdict.operation ?? (described.kind === 'operation' ? described.operation.key : undefined);
    const endpoint = documentedAs ?? `${tx.request.method} ${verdict.route ?? tx.request.path}`;
    let summary = this.endpoints.get(endpoint);
    if (!summary) {
      summary = { endpoint, documented: documentedAs !== undefined, requests: 0, allowed: 0, blocked: {}, flags: [] };
      this.endpoints.set(endpoint, summary);
    }
    summary.requests++;
    if (verdict.decision === 'allow') summary.allowed++;
    else {
      const why = logReason(verdict);
      summary.blocked[why] = (summary.blocked[why] ?? 0) + 1;
      if (summary.documented && verdict.reason !== 'client-blocked') {
        this.flagged.add(endpoint);
        const flag = flagText(verdict, tx.request.target);
        if (!summary.flags.includes(flag)) summary.flags.push(flag);
      }
    }
    this.requests.push({
      index: this.requests.length,
      id: tx.id,
      method: tx.request.method,
      target: tx.request.target,
      clientIp,
      ...(tx.response ? { observedStatus: tx.response.status } : {}),
      verdict,
      undecidable,
    });
  }

  finish(): PolicyReport {
    const blocked = this.requests.filter((r) => r.verdict.decision !== 'allow').length;
    return {
      mode: this.decider.policy.mode,
      requests: [...this.requests],
      endpoints: [...this.endpoints.values()].sort((a, b) => (a.documented !== b.documented ? (a.documented ? -1 : 1) : a.endpoint < b.endpoint ? -1 : 1)),
      allowed: this.requests.length - blocked,
      blocked,
      flagged: [...this.flagged].sort(),
    };
  }
}

export function policyReport(model: SpecModel, decider: GatewayDecider, transactions: readonly Transaction[], defaultClientIp: string): PolicyReport {
  const reporter = new PolicyReporter(model, decider, defaultClientIp);
  for (const tx of transactions) reporter.add(tx);
  return reporter.finish();
}

function flagText(v: GatewayDecision, target: string): string {
  switch (v.reason) {
    case 'operation-denied':
      return 'denied by the policy for every client';
    case 'path-not-documented':
      return `sent as '${target.split('?')[0] ?? ''}', which the gateway does not route (base path, trailing slash or encoding differs from the description)`;
    case 'method-not-documented':
      return 'the method is not documented on the path the gateway matched';
    case 'ambiguous-path':
      return `sent with an ambiguous path ('${target.split('?')[0] ?? ''}'), which the gateway refuses`;
    default:
      return logReason(v);
  }
}

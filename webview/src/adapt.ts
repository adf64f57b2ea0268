// From the shared messages (core/src/messages/webview.ts) to the panel's view model, and back:
// inventory summaries become table rows, per-endpoint findings give each row its spec state, an
// observation becomes the detail.
import type { EndpointFindings, GatewayVerdict } from '../../core/src/messages/lsp';
import type { GrpcDetail } from '../../core/src/messages/grpc-detail';
import type { EndpointObservation, EndpointSummary } from '../../core/src/inventory/inventory-types';
import type { Transaction } from '../../core/src/protocol/transaction';
import type { EndpointDetail, EndpointRow, FindingView, LatencyPoint, SpecState } from './model';

/** Rows for spec operations never seen in traffic have no inventory id; they get one with this prefix. */
export const UNUSED_PREFIX = 'unused\u0000';

export function isUnusedId(id: string): boolean {
  return id.startsWith(UNUSED_PREFIX);
}

/** Calls whose status is in the `klass` hundred (4 → 400–499). Runs for every row of a snapshot. */
function countClass(statuses: Record<string, number>, klass: string): number {
  let n = 0;
  for (const code in statuses) {
    if (code.length !== 3 || code[0] !== klass) continue;
    const count = statuses[code]!;
    if (Number.isFinite(count)) n += count;
  }
  return n;
}

/** Calls with a non-zero grpc-status (core's grpcFailedCalls; the webview imports types only from core). */
function grpcFailed(statuses: Record<string, number>): number {
  let n = 0;
  for (const key in statuses) if (key !== '0' && key !== 'none') n += statuses[key]!;
  return n;
}

export function rowFromSummary(s: EndpointSummary, state: SpecState | undefined): EndpointRow {
  return {
    id: s.id,
    service: s.service,
    method: s.method,
    template: s.template,
    calls: s.count,
    p50: s.latency?.p50,
    p95: s.latency?.p95,
    p99: s.latency?.p99,
    errors4xx: countClass(s.statuses, '4'),
    errors5xx: countClass(s.statuses, '5'),
    lastSeen: s.lastSeen,
    // gRPC is never compared with a spec; otherwise, without a verdict from the language server,
    // a template taken from a spec is documented.
    specState: s.grpc ? 'grpc' : state ?? (s.declared ? 'documented' : 'unknown'),
    ...(s.grpc ? { grpc: { service: s.grpc.service, method: s.grpc.method, failed: grpcFailed(s.grpc.statuses) } } : {}),
  };
}

function endpointKey(e: EndpointFindings): string {
  return e.endpointId ?? `${UNUSED_PREFIX}${e.service ?? ''} ${e.method} ${e.path}`;
}

export interface FindingsView {
  /** Spec state per endpoint id (observed endpoints only). */
  states: Map<string, SpecState>;
  /** Spec operations never observed, as table rows with no calls. */
  unusedRows: EndpointRow[];
  findings: FindingView[];
  /** What the workspace's gateway policy does with each endpoint (rows of both kinds). */
  gateways: Map<string, GatewayVerdict>;
}

const GATEWAY_REASON: Record<string, string> = {
  'path-not-documented': 'the path is not documented',
  'method-not-documented': 'the method is not documented on this path',
  'operation-denied': 'the policy denies this operation',
  'ambiguous-path': 'the path as sent is ambiguous',
};

/** The detail view's words for a verdict, and a longer explanation for its tooltip. */
export function gatewayLabel(v: GatewayVerdict): { text: string; title: string; blocked: boolean } {
  const clients = v.clientBlocks > 0 ? ` · ${v.clientBlocks} client block${v.clientBlocks === 1 ? '' : 's'}` : '';
  const why = v.reason ? GATEWAY_REASON[v.reason] ?? v.reason : '';
  const source = v.policyFile ? 'tapline-gateway.yaml and the spec' : 'the spec (no tapline-gateway.yaml)';
  if (v.decision === 'allow') return { text: `Gateway: allowed${clients}`, title: `The generated gateway lets this endpoint through (per ${source})${clients ? '; some clients are blocked' : ''}.`, blocked: false };
  const verb = v.decision === 'block' ? 'blocked' : 'would be blocked (report mode)';
  return { text: `Gateway: ${verb}`, title: `The generated gateway ${v.decision === 'block' ? 'blocks' : 'would block'} this endpoint: ${why} (per ${source}).`, blocked: true };
}

export function findingsView(endpoints: readonly EndpointFindings[]): FindingsView {
  const states = new Map<string, SpecState>();
  const unusedRows: EndpointRow[] = [];
  const findings: FindingView[] = [];
  const gateways = new Map<string, GatewayVerdict>();
  for (const e of endpoints) {
    const id = endpointKey(e);
    if (e.gateway) gateways.set(id, e.gateway);
    if (e.endpointId !== undefined) states.set(id, e.state);
    else
      unusedRows.push({
        id, service: e.service ?? '', method: e.method, template: e.path, calls: 0, p50: undefined, p95: undefined, p99: undefined,
        errors4xx: 0, errors5xx: 0, lastSeen: 0, specState: e.state,
      });
    for (const f of e.findings) {
      findings.push({ id: f.id, endpointId: id, code: f.code, severity: f.severity, message: f.message, fixes: f.fixes ?? [] });
    }
  }
  return { states, unusedRows, findings, gateways };
}

/** Latency points from transactions: when each started and how long it took. */
export function latencyPoints(transactions: readonly Transaction[]): LatencyPoint[] {
  return transactions.filter((t) => t.response !== undefined).map((t) => ({ t: t.startedAt, ms: t.durationMs }));
}

export function detailFromObservation(o: EndpointObservation, row: EndpointRow, seen: readonly Transaction[] = [], grpc?: GrpcDetail): EndpointDetail {
  // Samples and the transactions the stream brought for this endpoint, without duplicates.
  const byId = new Map<string, Transaction>();
  for (const t of [...o.samples, ...seen]) byId.set(t.id, t);
  return {
    endpoint: row,
    firstSeen: o.firstSeen,
    statuses: o.statuses,
    latency: latencyPoints([...byId.values()]),
    samples: o.samples,
    contentTypes: [...new Set([...o.responseContentTypes, ...o.requestContentTypes])],
    authSchemes: o.authSchemes,
    ...(grpc && o.grpc ? { grpc } : {}),
  };
}

const templateRegexes = new Map<string, RegExp>();

function templateRegex(template: string): RegExp {
  let re = templateRegexes.get(template);
  if (!re) {
    const source = template
      .split(/(\{[^{}/]*\})/)
      .map((part) => (part.startsWith('{') && part.endsWith('}') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${source}/?$`);
    // Bounded like the inventory it mirrors; dropping the cache only costs recompiling.
    if (templateRegexes.size > 50_000) templateRegexes.clear();
    templateRegexes.set(template, re);
  }
  return re;
}

export function transactionMatches(row: Pick<EndpointRow, 'service' | 'method' | 'template'>, tx: Transaction): boolean {
  return row.service === tx.service && row.method === tx.request.method && templateRegex(row.template).test(tx.request.path);
}

/** The endpoint a stream transaction was filed under: same service and method, template matches the path. */
export function endpointFor(rows: Iterable<EndpointRow>, tx: Transaction): string | undefined {
  let best: EndpointRow | undefined;
  for (const row of rows) {
    if (!transactionMatches(row, tx)) continue;
    // Prefer the most literal template (`/users/me` over `/users/{id}`).
    if (!best || literalLength(row.template) > literalLength(best.template)) best = row;
  }
  return best?.id;
}

function literalLength(template: string): number {
  return template.replace(/\{[^{}/]*\}/g, '').length;
}

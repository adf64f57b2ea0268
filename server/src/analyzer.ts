// Runs core's diff for every spec against the engine's observations, debounced, and turns the
// results into diagnostics (per file), findings per endpoint (for the tree and the Explorer) and
// the data code actions, code lenses and hovers read.
import type { Diagnostic, DiagnosticRelatedInformation } from 'vscode-languageserver/node';
import { createSession, diffSpec, type SpecSession } from '../../core/src/diff/diff';
import type { CallsOf } from '../../core/src/diff/aggregates';
import type { DiffFinding, FindingCode, FindingSeverity } from '../../core/src/diff/finding';
import type { EndpointObservation } from '../../core/src/inventory/inventory-types';
import type { EndpointFindings } from '../../core/src/messages';
import type { LoadedSpec } from '../../core/src/openapi/model';
import type { Transaction } from '../../core/src/protocol/transaction';
import { sourceDiagnosticToLsp } from './diagnostics-publisher';
import { toFinding } from '../../core/src/diff/to-message';
import { toDiagnostic } from './findings-convert';
import { operationStats, routeEndpoints, type OperationStats } from './operation-stats';
import type { SpecIndex } from './spec-index';

export interface SpecAnalysis {
  spec: LoadedSpec;
  session: SpecSession | undefined;
  findings: DiffFinding[];
  byId: Map<string, DiffFinding>;
  operations: Map<string, OperationStats>;
  endpoints: EndpointFindings[];
}

export interface AnalyzerHost {
  publish(rootUri: string, files: Map<string, Diagnostic[]> | undefined): void;
  /** The findings per endpoint changed (after every run). */
  findingsChanged(): void;
  severities(): Partial<Record<FindingCode, FindingSeverity | 'off'>>;
  /** False when findings are turned off for this spec (globally, or for its document). */
  diagnosticsEnabled(rootUri: string): boolean;
}

interface AnalysisInputs {
  observed: EndpointObservation[];
  transactions: Transaction[];
  callsOf: CallsOf;
}

const DEBOUNCE_MS = 150;

export class Analyzer {
  private readonly analyses = new Map<string, SpecAnalysis>();
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private byEndpoint: EndpointFindings[] = [];

  constructor(
    private readonly specs: SpecIndex,
    private readonly observations: () => EndpointObservation[],
    private readonly host: AnalyzerHost,
  ) {
    specs.onDidChange((rootUri, spec) => {
      if (spec) this.schedule([rootUri]);
      else {
        this.analyses.delete(rootUri);
        host.publish(rootUri, undefined);
        this.schedule([]);
      }
    });
  }

  get(rootUri: string): SpecAnalysis | undefined {
    return this.analyses.get(rootUri);
  }

  all(): SpecAnalysis[] {
    return [...this.analyses.values()];
  }

  /** Analysis of every spec that holds `uri`. */
  forDocument(uri: string): SpecAnalysis[] {
    return this.all().filter((a) => a.spec.documents.has(uri));
  }

  /** Findings per observed endpoint (merged across specs) and per unused operation. */
  endpointFindings(): EndpointFindings[] {
    return this.byEndpoint;
  }

  /** The finding with this id in any spec, with its analysis. */
  findingById(findingId: string): { analysis: SpecAnalysis; finding: DiffFinding } | undefined {
    for (const analysis of this.analyses.values()) {
      const finding = analysis.byId.get(findingId);
      if (finding) return { analysis, finding };
    }
    return undefined;
  }

  /**
   * Analyses one spec now, without publishing anything: a fix must be planned on the text the
   * editor holds, but diagnostics published in the middle of a code-action request make VS Code
   * re-ask for code actions and drop the answer it was waiting for. The spec stays scheduled: its
   * debounced run publishes (and updates the findings per endpoint) as usual.
   */
  analyzeNow(rootUri: string): SpecAnalysis | undefined {
    const analysis = this.analyse(rootUri, this.inputs());
    if (analysis) this.analyses.set(rootUri, analysis);
    return analysis;
  }

  /** What every analysis compares, the same for the scheduled run and a code action's own. */
  private inputs(): AnalysisInputs {
    // gRPC endpoints are their own kind: never matched or diffed against an OpenAPI document.
    const observed = this.observations().filter((e) => e.grpc === undefined);
    return { observed, transactions: observed.flatMap((e) => e.samples), callsOf: callsOfSamples(observed) };
  }

  /** Re-runs the given specs (all of them when omitted) after a short quiet period. */
  schedule(rootUris: readonly string[] = this.specs.all.map((s) => s.rootUri)): void {
    for (const uri of rootUris) this.dirty.add(uri);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), DEBOUNCE_MS);
  }

  private run(): void {
    this.timer = undefined;
    const inputs = this.inputs();
    const byTransaction = new Map(inputs.transactions.map((t) => [t.id, t]));
    for (const rootUri of [...this.dirty]) {
      this.dirty.delete(rootUri);
      const analysis = this.analyse(rootUri, inputs);
      if (!analysis) continue;
      this.analyses.set(rootUri, analysis);
      this.host.publish(rootUri, this.diagnosticsOf(analysis, byTransaction));
    }
    this.byEndpoint = mergeEndpointStates([...this.analyses.values()].flatMap((a) => a.endpoints));
    this.host.findingsChanged();
  }

  private analyse(rootUri: string, { observed, transactions, callsOf }: AnalysisInputs): SpecAnalysis | undefined {
    const spec = this.specs.get(rootUri);
    if (!spec) return undefined;
    const previous = this.analyses.get(rootUri);
    const session = previous?.spec === spec ? previous.session : createSession(spec, previous?.session);
    const enabled = this.host.diagnosticsEnabled(rootUri);
    const findings = session && enabled ? diffSpec(spec, transactions, { router: session.router, validator: session.validator, severities: this.host.severities(), callsOf }) : [];
    const routed = session ? routeEndpoints(session.router, observed) : [];
    return {
      spec,
      session,
      findings,
      byId: new Map(findings.map((f) => [f.id, f])),
      operations: operationStats(routed),
      endpoints: endpointFindings(routed, findings),
    };
  }

  private diagnosticsOf(analysis: SpecAnalysis, byTransaction: Map<string, Transaction>): Map<string, Diagnostic[]> {
    const files = new Map<string, Diagnostic[]>([...analysis.spec.documents.keys()].map((uri) => [uri, []]));
    const add = (uri: string, d: Diagnostic): void => void files.set(uri, [...(files.get(uri) ?? []), d]);
    for (const d of analysis.spec.diagnostics) add(d.uri, sourceDiagnosticToLsp(d));
    if (!this.host.diagnosticsEnabled(analysis.spec.rootUri)) return files;
    for (const finding of analysis.findings) {
      const diagnostic = toDiagnostic(finding, analysis.spec.rootUri);
      if (!diagnostic || !finding.location) continue;
      const related = relatedSamples(finding, byTransaction);
      if (related.length) diagnostic.relatedInformation = related;
      add(finding.location.uri, diagnostic);
    }
    return files;
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}

/**
 * How many calls each sample stands for, so that findings count calls, not samples: the calls its
 * endpoint answered with the sample's status (the store counts every call per status), shared
 * among that status's samples — a finding per status ("returned 503 (37×)") shows the real count.
 * Calls of a status no sample has (an endpoint with more statuses than it keeps samples for) are
 * shared among all the endpoint's samples, so that an endpoint's samples still add up to its calls.
 */
function callsOfSamples(observed: readonly EndpointObservation[]): CallsOf {
  const share = new Map<string, number>();
  for (const e of observed) {
    const byStatus = new Map<number, Transaction[]>();
    for (const t of e.samples) {
      const status = t.response?.status ?? 0;
      const same = byStatus.get(status);
      if (same) same.push(t);
      else byStatus.set(status, [t]);
    }
    let unsampled = 0;
    for (const [status, n] of Object.entries(e.statuses)) if (!byStatus.has(Number(status))) unsampled += n;
    const spread = e.samples.length > 0 ? unsampled / e.samples.length : 0;
    for (const [status, samples] of byStatus) {
      const calls = e.statuses[String(status)] ?? samples.length;
      for (const t of samples) share.set(t.id, calls / samples.length + spread);
    }
  }
  return (t) => share.get(t.id) ?? 1;
}

/** A sample of the transactions that showed a finding, as related information at the finding's place. */
function relatedSamples(finding: DiffFinding, byTransaction: Map<string, Transaction>): DiagnosticRelatedInformation[] {
  if (!finding.location) return [];
  const location = { uri: finding.location.uri, range: finding.location.range };
  return finding.sampleIds.slice(0, 3).flatMap((id) => {
    const t = byTransaction.get(id);
    if (!t) return [];
    const status = t.response ? String(t.response.status) : 'no response';
    const type = t.response?.body?.contentType ? `, ${t.response.body.contentType}` : '';
    return [{ location, message: `Sample: ${t.request.method} ${t.request.target} → ${status}${type} (${t.service})` }];
  });
}

function endpointFindings(routed: ReturnType<typeof routeEndpoints>, findings: readonly DiffFinding[]): EndpointFindings[] {
  const out: EndpointFindings[] = [];
  for (const { endpoint, operation } of routed) {
    const sampleIds = new Set(endpoint.samples.map((s) => s.id));
    const own = operation
      ? findings.filter((f) => f.operation === operation.key && f.code !== 'unused-operation')
      : findings.filter((f) => f.method === endpoint.method && f.sampleIds.some((id) => sampleIds.has(id)));
    const serious = own.some((f) => f.severity === 'error' || f.severity === 'warning');
    out.push({
      endpointId: endpoint.id,
      service: endpoint.service,
      method: endpoint.method,
      path: operation?.path ?? endpoint.template,
      state: operation ? (serious ? 'mismatching' : 'documented') : 'undocumented',
      ...(operation?.ref.location ? { location: { uri: operation.ref.location.uri, range: operation.ref.location.range } } : {}),
      findings: own.map(toFinding),
    });
  }
  for (const f of findings) {
    if (f.code !== 'unused-operation') continue;
    out.push({
      method: f.method,
      path: f.path,
      state: 'unused',
      ...(f.location ? { location: { uri: f.location.uri, range: f.location.range } } : {}),
      findings: [toFinding(f)],
    });
  }
  return out;
}

/** With several specs, an endpoint documented by any of them is documented. */
function mergeEndpointStates(all: EndpointFindings[]): EndpointFindings[] {
  const rank = { documented: 3, mismatching: 2, undocumented: 1, unused: 0 } as const;
  const byEndpoint = new Map<string, EndpointFindings>();
  const rest: EndpointFindings[] = [];
  for (const e of all) {
    if (!e.endpointId) {
      rest.push(e);
      continue;
    }
    const seen = byEndpoint.get(e.endpointId);
    if (!seen || rank[e.state] > rank[seen.state]) byEndpoint.set(e.endpointId, e);
  }
  return [...byEndpoint.values(), ...rest];
}

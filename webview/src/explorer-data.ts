// What the panel knows, built from the extension's messages: endpoint rows (from inventory
// summaries and spec states), findings, the live stream, and the selected endpoint's detail.
// No DOM here, so it is tested directly; the Lit elements only render it.
import type { EndpointObservation, EndpointSummary, StoreStats } from '../../core/src/inventory/inventory-types';
import type { GatewayVerdict, SpecCoverage } from '../../core/src/messages/lsp';
import type { GrpcDetail } from '../../core/src/messages/grpc-detail';
import type { Transaction } from '../../core/src/protocol/transaction';
import type { ServiceDesyncs } from '../../core/src/messages/desync-summary';
import { detailFromObservation, endpointFor, findingsView, rowFromSummary, transactionMatches } from './adapt';
import type { Inbound } from './messages';
import type { EndpointDetail, EndpointRow, FindingView, SpecState } from './model';
import { TransactionStream } from './stream';

/** Transactions of the selected endpoint kept from the stream, for its latency chart. */
export const MAX_SEEN_PER_SELECTION = 500;

export type SelectionChange = { endpointId: string | null; reveal: boolean } | undefined;

export class ExplorerData {
  private readonly summaries = new Map<string, EndpointSummary>();
  // Rows are rebuilt only when their summary or spec state changed: unchanged rows keep their
  // identity, so the table's per-row caches stay warm across deltas.
  private readonly rowCache = new Map<string, { summary: EndpointSummary; state: SpecState | undefined; row: EndpointRow }>();
  private states = new Map<string, SpecState>();
  private gateways = new Map<string, GatewayVerdict>();
  private unusedRows: EndpointRow[] = [];
  private rowList: EndpointRow[] | undefined;
  private observation: EndpointObservation | undefined;
  private grpc: GrpcDetail | undefined;
  private seen: Transaction[] = [];
  private seenVersion = 0;
  private detailMemo: { observation: EndpointObservation; row: EndpointRow; seenVersion: number; detail: EndpointDetail } | undefined;
  findings: FindingView[] = [];
  /** Request-smuggling attempts per service, as the engine last reported them. */
  desyncs: ServiceDesyncs[] = [];
  /** Coverage of each workspace spec, as the engine last computed it. */
  coverage: SpecCoverage[] = [];
  stats: StoreStats | undefined;
  readonly stream = new TransactionStream();

  /** Applies one message; returns a selection change the UI should follow, if the message made one. */
  apply(message: Inbound): SelectionChange {
    switch (message.type) {
      case 'snapshot':
        this.summaries.clear();
        for (const service of message.snapshot.services) for (const e of service.endpoints) this.summaries.set(e.id, e);
        this.stats = message.snapshot.stats;
        this.rowList = undefined;
        return undefined;
      case 'desyncs':
        this.desyncs = message.services;
        return undefined;
      case 'coverage':
        this.coverage = message.specs;
        return undefined;
      case 'transactions':
        this.stream.push(message.transactions.map((transaction) => ({ transaction })));
        this.collectSeen(message.transactions);
        return undefined;
      case 'findings': {
        const view = findingsView(message.endpoints);
        this.states = view.states;
        this.gateways = view.gateways;
        this.unusedRows = view.unusedRows;
        this.findings = view.findings;
        this.rowList = undefined;
        return undefined;
      }
      case 'selection':
        if (message.detail && message.detail.id !== this.observation?.id) {
          this.seen = [];
          this.seenVersion++;
        }
        if (message.detail) {
          this.observation = message.detail;
          this.grpc = message.grpc;
          // The observation is fresher than the last delta for this endpoint.
          this.summaries.set(message.detail.id, message.detail);
          this.rowList = undefined;
        }
        return { endpointId: message.endpointId, reveal: message.reveal === true };
    }
  }

  private collectSeen(transactions: readonly Transaction[]): void {
    const o = this.observation;
    if (!o) return;
    const fresh = transactions.filter((t) => transactionMatches(o, t));
    if (fresh.length === 0) return;
    this.seen = this.seen.concat(fresh).slice(-MAX_SEEN_PER_SELECTION);
    this.seenVersion++;
  }

  /** Every row: observed endpoints, then spec operations never observed. A new array after each change. */
  rows(): EndpointRow[] {
    if (this.rowList) return this.rowList;
    const rows: EndpointRow[] = [];
    for (const [id, summary] of this.summaries) {
      const state = this.states.get(id);
      const cached = this.rowCache.get(id);
      if (cached && cached.summary === summary && cached.state === state) {
        rows.push(cached.row);
      } else {
        const row = rowFromSummary(summary, state);
        this.rowCache.set(id, { summary, state, row });
        rows.push(row);
      }
    }
    if (this.rowCache.size > this.summaries.size * 2 + 1000) {
      for (const id of this.rowCache.keys()) if (!this.summaries.has(id)) this.rowCache.delete(id);
    }
    this.rowList = rows.concat(this.unusedRows);
    return this.rowList;
  }

  /** What the workspace's gateway policy does with the endpoint, when the engine could judge it. */
  gateway(id: string): GatewayVerdict | undefined {
    return this.gateways.get(id);
  }

  row(id: string): EndpointRow | undefined {
    const summary = this.summaries.get(id);
    if (summary) return this.rowCache.get(id)?.row ?? rowFromSummary(summary, this.states.get(id));
    return this.unusedRows.find((r) => r.id === id);
  }

  /** The detail of `id` when its observation has arrived (same object until something changes). */
  detail(id: string): EndpointDetail | undefined {
    const o = this.observation;
    if (!o || o.id !== id) return undefined;
    this.rows();
    const row = this.row(id) ?? rowFromSummary(o, this.states.get(id));
    const m = this.detailMemo;
    if (m && m.observation === o && m.row === row && m.seenVersion === this.seenVersion) return m.detail;
    const detail = detailFromObservation(o, row, this.seen, this.grpc);
    this.detailMemo = { observation: o, row, seenVersion: this.seenVersion, detail };
    return detail;
  }

  endpointFor(tx: Transaction): string | undefined {
    return endpointFor(this.rows(), tx);
  }

  get totalCalls(): number {
    let n = 0;
    for (const s of this.summaries.values()) n += s.count;
    return n;
  }
}

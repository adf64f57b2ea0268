// The Explorer's view model: plain data the panel renders. Every string in here may come from
// traffic (attacker-controlled) and is only ever rendered as text.
import type { FindingFix, FindingSeverity } from '../../core/src/messages/finding';
import type { GrpcDetail } from '../../core/src/messages/grpc-detail';
import type { Transaction } from '../../core/src/protocol/transaction';

/** `grpc`: a gRPC method, never compared with OpenAPI documents. */
export type SpecState = 'documented' | 'undocumented' | 'mismatching' | 'unused' | 'unknown' | 'grpc';

/** One row of the endpoints table. */
export interface EndpointRow {
  /** Stable key: service, method and template joined by the host; opaque here. */
  id: string;
  service: string;
  method: string;
  template: string;
  calls: number;
  p50: number | undefined;
  p95: number | undefined;
  p99: number | undefined;
  errors4xx: number;
  errors5xx: number;
  /** Milliseconds since the epoch. */
  lastSeen: number;
  specState: SpecState;
  /** A gRPC method: its names, and calls that failed with a non-zero grpc-status (HTTP said 200). */
  grpc?: { service: string; method: string; failed: number };
}

/** One entry of the live stream: the transaction and, when known, the endpoint it was filed under. */
export interface StreamItem {
  endpointId?: string;
  transaction: Transaction;
}

/** A finding about one endpoint, as the detail view lists it (core's Finding plus its endpoint). */
export interface FindingView {
  id: string;
  endpointId: string;
  code: string;
  severity: FindingSeverity;
  message: string;
  /** The quick fixes the language server offers; each becomes a button. */
  fixes: FindingFix[];
}

export interface LatencyPoint {
  /** Milliseconds since the epoch (start of the bucket or of the sample). */
  t: number;
  ms: number;
}

/** Everything the detail view shows for one endpoint. */
export interface EndpointDetail {
  endpoint: EndpointRow;
  firstSeen: number;
  /** Status code → count. */
  statuses: Record<string, number>;
  latency: LatencyPoint[];
  samples: Transaction[];
  contentTypes?: string[];
  authSchemes?: string[];
  grpc?: GrpcDetail;
}

export type SortKey = 'service' | 'method' | 'template' | 'calls' | 'p50' | 'p95' | 'p99' | 'errors4xx' | 'errors5xx' | 'spec' | 'lastSeen';
export type SortDirection = 'asc' | 'desc';

export interface SortSpec {
  key: SortKey;
  direction: SortDirection;
}

export type Tab = 'endpoints' | 'stream' | 'detail';

export type StatusClass = 'all' | '2xx' | '3xx' | '4xx' | '5xx' | 'none';

export interface StreamFilter {
  text: string;
  method: string;
  status: StatusClass;
}

/** What `vscode.setState` keeps across reloads (and what a serializer revives). */
export interface PersistedState {
  version: 1;
  tab: Tab;
  selectedEndpointId?: string;
  sort: SortSpec;
  filter: string;
  stream: StreamFilter;
}

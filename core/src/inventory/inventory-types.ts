// The inventory as other rooms see it: what the tree and the webview show (summaries, snapshots)
// and what the language server receives (observations with samples, in deltas). Plain JSON data.

import type { RedactionKind, Transaction } from '../protocol/transaction';
import type { LatencySummary, SketchData } from './sketch';

export type AuthScheme = 'bearer' | 'basic' | 'digest' | 'authorization' | 'api-key-header' | 'api-key-query' | 'cookie';

export interface EndpointSummary {
  /** Opaque and stable while the endpoint lives: service, method and template. */
  id: string;
  service: string;
  method: string;
  /** Path template, e.g. `/users/{userId}`; from an OpenAPI document when `declared`. */
  template: string;
  declared: boolean;
  count: number;
  /** Status code → calls; key `0` counts requests that got no response. */
  statuses: Record<string, number>;
  latency: LatencySummary | undefined;
  firstSeen: number;
  lastSeen: number;
  requestContentTypes: string[];
  responseContentTypes: string[];
  authSchemes: AuthScheme[];
  redactionKinds: RedactionKind[];
  /**
   * Present for a gRPC endpoint (its own kind): keyed by its path `/pkg.Service/Method` as sent,
   * never templated, never matched or diffed against OpenAPI; `template` holds that path.
   */
  grpc?: GrpcEndpointInfo;
}

/** What a gRPC endpoint counts beyond an HTTP one: calls by grpc-status. */
export interface GrpcEndpointInfo {
  /** Fully qualified service, `pkg.Service`. */
  service: string;
  method: string;
  /** grpc-status code → calls; key `none` counts calls that ended without one (no trailers, reset). */
  statuses: Record<string, number>;
}

/** A summary plus what the language server needs to compare traffic with a spec. */
export interface EndpointObservation extends EndpointSummary {
  sketch: SketchData;
  /**
   * Bounded copies (bodies and headers capped) from the most recent plus one per distinct status.
   * In a delta: only samples added since the endpoint's previous delta (all of them on a reset);
   * from TrafficStore.endpoint(): all samples held.
   */
  samples: Transaction[];
}

export type RemovalReason = 'evicted' | 'merged' | 'cleared';

export interface EndpointRemoval {
  id: string;
  reason: RemovalReason;
  /** For 'merged': the endpoint that absorbed it (a parameter was learned at that position). */
  into?: string;
}

export interface StoreStats {
  transactions: number;
  services: number;
  endpoints: number;
  evictedEndpoints: number;
  evictedServices: number;
  mergedEndpoints: number;
  /** Path segments the templating tries could not learn because they were full. */
  templaterOverflow: number;
  /** Nodes in all templating tries together (each bounded by the templater's maxNodes). */
  trieNodes?: number;
}

/** Apply `removed` first, then `upserted` (an id can be evicted and seen again within one delta). */
export interface InventoryDelta {
  /** Increments per drain; a consumer that sees a gap should ask for a snapshot. */
  sequence: number;
  /**
   * True when the store could not track every change (more removals than it keeps, or a clear):
   * drop what you have and use `upserted` as the full inventory.
   */
  reset: boolean;
  upserted: EndpointObservation[];
  removed: EndpointRemoval[];
  /** Changed endpoints left for the next drain (drainDelta was given a cap); 0 when all were sent. */
  remaining?: number;
  stats: StoreStats;
}

export interface ServiceSnapshot {
  service: string;
  endpoints: EndpointSummary[];
}

export interface InventorySnapshot {
  sequence: number;
  services: ServiceSnapshot[];
  stats: StoreStats;
}

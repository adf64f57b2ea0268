// Custom LSP messages between the extension (language client) and the Tapline language server.
// Defined once here; both sides import these names and types, never their own copies.
// Both are notifications: neither side waits, and each carries complete state for what it names
// (a delta of the inventory, the full findings), so a lost or reordered message heals itself.

import type { InventoryDelta } from '../inventory/inventory-types';
import type { EndpointSpecState, Finding } from './finding';

/**
 * extension → server (notification): what the inventory learned since the last one: endpoints
 * with their counters, latency sketch and bounded sample transactions (bodies capped, already
 * redacted by the sensor). `delta.reset` means "replace everything you have"; otherwise apply
 * `delta.removed`, then `delta.upserted`. If `delta.sequence` skips a number, the server should
 * ask for a reset with ObservationsResyncRequest.
 */
export const OBSERVATIONS_NOTIFICATION = 'tapline/observations';

export interface ObservationsParams {
  delta: InventoryDelta;
}

/**
 * server → extension (request, no params): "send me everything", after a gap in sequences or a
 * server restart. The extension answers by sending a reset ObservationsParams notification.
 */
export const OBSERVATIONS_RESYNC_REQUEST = 'tapline/observationsResync';

/** Findings of one spec document (those with a location in it). */
export interface DocumentFindings {
  uri: string;
  findings: Finding[];
}

/** Findings about one observed endpoint (or one spec operation never observed: state 'unused'). */
export interface EndpointFindings {
  /** The inventory's endpoint id when the endpoint was observed. */
  endpointId?: string;
  service?: string;
  method: string;
  path: string;
  state: EndpointSpecState;
  findings: Finding[];
}

/**
 * server → extension (notification): the complete current findings, by document (for the problems
 * the diagnostics already show) and by endpoint (for tree badges and the webview's diff view).
 * Each notification replaces the previous one; `sequence` only grows.
 */
export const FINDINGS_NOTIFICATION = 'tapline/findings';

export interface FindingsParams {
  sequence: number;
  documents: DocumentFindings[];
  endpoints: EndpointFindings[];
}

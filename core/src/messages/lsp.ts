// Custom LSP messages between the extension (language client) and the Tapline language server.
// Defined once here; both sides import these names and types, never their own copies.
// The two data messages are notifications (neither side waits): observations are deltas with a
// sequence number (a gap triggers a resync), findings are complete each time.

import type { InventoryDelta } from '../inventory/inventory-types';
import type { EndpointSpecState, Finding, FindingLocation } from './finding';

/**
 * extension → server (notification): what the inventory learned since the last one: endpoints
 * with their counters, latency sketch and the sample transactions taken since the previous
 * notification (bounded copies, already redacted by the sensor). `delta.reset` means "replace
 * everything you have"; otherwise apply `delta.removed`, then `delta.upserted` (an upserted
 * endpoint's counters are totals; its samples are new ones to add to those already received).
 * If `delta.sequence` skips a number, ask for a reset with OBSERVATIONS_RESYNC_REQUEST.
 */
export const OBSERVATIONS_NOTIFICATION = 'tapline/observations';

export interface ObservationsParams {
  delta: InventoryDelta;
}

/**
 * server → extension (request, no params, empty result): "send me everything", after a gap in
 * sequences or a server restart. The extension calls TrafficStore.requestReset(); its next
 * observations notification is then a reset.
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
  /** The operation that describes the endpoint, when one does ("Reveal in Spec"). */
  location?: FindingLocation;
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

/**
 * server → extension (notification): the path templates of every operation in the workspace's
 * specs, with and without their server base paths, so that the inventory names endpoints as the
 * specs do (`/v1/pets/{petId}`). Each notification replaces the previous list.
 */
export const SPEC_TEMPLATES_NOTIFICATION = 'tapline/specTemplates';

export interface SpecTemplatesParams {
  templates: string[];
}

// Messages between the extension and the API Explorer webview, defined once for both sides
// (extension/ and webview/ depend on core/, never on each other). Only data crosses: the webview
// renders every string as text. Messages from the webview are untrusted (a compromised page could
// send anything): the extension must pass them through parseWebviewMessage before acting.

import { isRecord } from '../json-record';
import type { Transaction } from '../protocol/transaction';
import type { EndpointObservation, InventorySnapshot } from '../inventory/inventory-types';
import type { EndpointFindings, SpecCoverage } from './lsp';
import type { GrpcDetail } from './grpc-detail';
import type { ServiceDesyncs } from './desync-summary';

// ── extension → webview ─────────────────────────────────────────────────────────────────────

/** The whole inventory (on ready, after a reset, on every inventory change: the engine's snapshot, ≤ 4/s). */
export interface SnapshotMessage {
  type: 'snapshot';
  snapshot: InventorySnapshot;
}

/** A batch of live transactions for the stream view (bounded copies, newest last). */
export interface TransactionsMessage {
  type: 'transactions';
  transactions: Transaction[];
}

/** The latest findings per endpoint (replaces the previous set). */
export interface FindingsMessage {
  type: 'findings';
  sequence: number;
  endpoints: EndpointFindings[];
}

/** Which endpoint is selected (from the tree or the table) and its detail with samples. */
export interface SelectionMessage {
  type: 'selection';
  endpointId: string | null;
  /**
   * Show it: the user chose this endpoint (in the tree or the table). Absent on a refresh of the
   * selected endpoint's detail as traffic arrives, which must not move the page to the Detail tab.
   */
  reveal?: true;
  detail?: EndpointObservation;
  /** For a gRPC method: statuses by name and the samples' messages (decoded or hex, with why). */
  grpc?: GrpcDetail;
}

/** Request-smuggling attempts per service (replaces the previous list); every string is traffic: render as text. */
export interface DesyncsMessage {
  type: 'desyncs';
  services: ServiceDesyncs[];
}

/** Coverage of each workspace spec by the traffic (replaces the previous list). */
export interface CoverageMessage {
  type: 'coverage';
  specs: SpecCoverage[];
}

export type ExtensionToWebviewMessage =
  | CoverageMessage
  | DesyncsMessage
  | SnapshotMessage
  | TransactionsMessage
  | FindingsMessage
  | SelectionMessage;

// ── webview → extension (untrusted) ─────────────────────────────────────────────────────────

/** The page loaded and listens: send a snapshot. */
export interface ReadyMessage {
  type: 'ready';
}

export interface SelectEndpointMessage {
  type: 'selectEndpoint';
  endpointId: string;
}

/** Apply fix number `fixIndex` of finding `findingId` (the extension runs the server's code action). */
export interface ApplyFixMessage {
  type: 'applyFix';
  findingId: string;
  fixIndex: number;
}

/** Reveal the endpoint's operation in its spec file. */
export interface OpenInSpecMessage {
  type: 'openInSpec';
  endpointId: string;
}

export type WebviewToExtensionMessage =
  | ReadyMessage
  | SelectEndpointMessage
  | ApplyFixMessage
  | OpenInSpecMessage;

// ── validation ──────────────────────────────────────────────────────────────────────────────

/** Limits on what the webview may send: ids are ours (service + method + template ≤ ~2.3 KB). */
export const WEBVIEW_LIMITS = { maxIdChars: 4096 } as const;

function isBoundedString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max;
}

function isId(value: unknown): value is string {
  return isBoundedString(value, WEBVIEW_LIMITS.maxIdChars) && value.length > 0;
}

/**
 * Validates a message from the webview and returns a fresh, well-typed copy (never the input
 * object, which the page controls), or undefined when it is not one of ours.
 */
export function parseWebviewMessage(value: unknown): WebviewToExtensionMessage | undefined {
  if (!isRecord(value)) return undefined;
  switch (value['type']) {
    case 'ready':
      return { type: 'ready' };
    case 'selectEndpoint':
      return isId(value['endpointId']) ? { type: 'selectEndpoint', endpointId: value['endpointId'] } : undefined;
    case 'openInSpec':
      return isId(value['endpointId']) ? { type: 'openInSpec', endpointId: value['endpointId'] } : undefined;
    case 'applyFix': {
      const fixIndex = value['fixIndex'];
      if (!isId(value['findingId']) || !Number.isInteger(fixIndex) || (fixIndex as number) < 0 || (fixIndex as number) > 1000) {
        return undefined;
      }
      return { type: 'applyFix', findingId: value['findingId'], fixIndex: fixIndex as number };
    }
    default:
      return undefined;
  }
}

/** Type guard form of parseWebviewMessage, for code that only needs a yes/no. */
export function isWebviewToExtensionMessage(value: unknown): value is WebviewToExtensionMessage {
  return parseWebviewMessage(value) !== undefined;
}

/** The inverse direction is trusted (we build it), but the webview can still check the tag. */
export function isExtensionToWebviewMessage(value: unknown): value is ExtensionToWebviewMessage {
  if (!isRecord(value)) return false;
  return ['snapshot', 'transactions', 'findings', 'selection', 'desyncs'].includes(value['type'] as string);
}

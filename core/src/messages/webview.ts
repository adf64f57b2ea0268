// Messages between the extension and the API Explorer webview, defined once for both sides
// (extension/ and webview/ depend on core/, never on each other). Only data crosses: the webview
// renders every string as text. Messages from the webview are untrusted (a compromised page could
// send anything): the extension must pass them through parseWebviewMessage before acting.

import { isRecord } from '../json-record';
import type { Transaction } from '../protocol/transaction';
import type {
  EndpointObservation,
  EndpointRemoval,
  EndpointSummary,
  InventorySnapshot,
  StoreStats,
} from '../inventory/inventory-types';
import type { EndpointFindings, SpecCoverage } from './lsp';
import type { ServiceDesyncs } from './desync-summary';

// ── extension → webview ─────────────────────────────────────────────────────────────────────

/** The whole inventory (on ready, after a reset, or when the panel is restored). */
export interface SnapshotMessage {
  type: 'snapshot';
  snapshot: InventorySnapshot;
}

/** Changes since the last snapshot/delta: summaries only, samples come with a selection. */
export interface DeltaMessage {
  type: 'delta';
  sequence: number;
  upserted: EndpointSummary[];
  removed: EndpointRemoval[];
  stats: StoreStats;
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
  detail?: EndpointObservation;
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
  | DeltaMessage
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

export interface ExplorerFilter {
  /** Free text matched against method, template and service. */
  text: string;
  methods: string[];
  /** Status classes shown: 2 for 2xx … 5 for 5xx, 0 for no response. Empty: all. */
  statusClasses: number[];
  services: string[];
}

/** The table's filter changed (the extension remembers it with the panel's state). */
export interface FilterChangedMessage {
  type: 'filterChanged';
  filter: ExplorerFilter;
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
  | FilterChangedMessage
  | OpenInSpecMessage;

// ── validation ──────────────────────────────────────────────────────────────────────────────

/** Limits on what the webview may send: ids are ours (service + method + template ≤ ~2.3 KB). */
export const WEBVIEW_LIMITS = { maxIdChars: 4096, maxFilterTextChars: 512, maxListItems: 64, maxListItemChars: 256 } as const;


function isBoundedString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max;
}

function isId(value: unknown): value is string {
  return isBoundedString(value, WEBVIEW_LIMITS.maxIdChars) && value.length > 0;
}

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length > WEBVIEW_LIMITS.maxListItems) return undefined;
  const out: string[] = [];
  for (const item of value) {
    if (!isBoundedString(item, WEBVIEW_LIMITS.maxListItemChars)) return undefined;
    out.push(item);
  }
  return out;
}

function parseFilter(value: unknown): ExplorerFilter | undefined {
  if (!isRecord(value) || !isBoundedString(value['text'], WEBVIEW_LIMITS.maxFilterTextChars)) return undefined;
  const methods = stringList(value['methods'] ?? []);
  const services = stringList(value['services'] ?? []);
  const classes = value['statusClasses'] ?? [];
  if (methods === undefined || services === undefined || !Array.isArray(classes)) return undefined;
  if (!classes.every((c): c is number => Number.isInteger(c) && c >= 0 && c <= 5)) return undefined;
  return { text: value['text'], methods, statusClasses: [...classes], services };
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
    case 'filterChanged': {
      const filter = parseFilter(value['filter']);
      return filter === undefined ? undefined : { type: 'filterChanged', filter };
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
  return ['snapshot', 'delta', 'transactions', 'findings', 'selection'].includes(value['type'] as string);
}

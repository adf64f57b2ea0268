// The sensor protocol `tapline/1`: every message a sensor and a client exchange over the
// WebSocket at `/v1/stream`. Documented in docs/protocol.md; validated by validate-messages.ts.
// Each message says which way it travels.
import type { DesyncMessage } from './desync';
import type { Transaction } from './transaction';
import type { VisibilityMessage } from './visibility';

export const PROTOCOL_NAME = 'tapline/1';
export const STREAM_PATH = '/v1/stream';
export const HEALTH_PATH = '/healthz';

/** What a sensor can do; clients must ignore capabilities they don't know. */
export type SensorCapability =
  | 'ebpf'
  | 'tls-uprobes'
  | 'replay'
  | 'redaction'
  | 'subscribe-filters'
  | 'backlog'
  | 'stats'
  | 'visibility';

export interface SensorIdentity {
  /** Stable for the life of the sensor process, unique enough to merge several sensors. */
  id: string;
  /** A human name: the node or host name. */
  name: string;
  /** The sensor's version (semver). */
  version: string;
  hostname: string;
  /** Where its transactions come from. */
  mode: 'ebpf' | 'replay';
  /** Kernel release, when running on Linux. */
  kernel?: string;
}

/** sensor → client, always the first message after the upgrade. */
export interface HelloMessage {
  type: 'hello';
  protocol: typeof PROTOCOL_NAME;
  sensor: SensorIdentity;
  capabilities: SensorCapability[];
  /** The sensor's clock (ms since the Unix epoch) when it sent this, to estimate skew. */
  serverTime: number;
  /** The largest body (bytes) the sensor keeps per message; larger ones are truncated. */
  maxBodyBytes: number;
}

/** Which transactions a client wants. Every field is optional; all given fields must match (AND); list fields match any of their entries (OR). */
export interface SubscribeFilters {
  services?: string[];
  methods?: string[];
  /** Request paths that start with one of these. */
  pathPrefixes?: string[];
  processes?: string[];
  pids?: number[];
  /** Inclusive status range; transactions without a response never match when set. */
  statusMin?: number;
  statusMax?: number;
  /** When false, bodies are removed before sending (smaller frames). Default true. */
  includeBodies?: boolean;
}

/** client → sensor, at any time; replaces the previous filters. */
export interface SubscribeMessage {
  type: 'subscribe';
  filters: SubscribeFilters;
}

/** sensor → client: a batch of transactions, oldest first. */
export interface TransactionsMessage {
  type: 'transactions';
  items: Transaction[];
}

/** Counters since the sensor started (monotonic), except `queueDropped`, which is per client. */
export interface SensorCounters {
  /** Transactions produced by the pipeline (after dedup). */
  transactions: number;
  /** Capture events (or replayed entries) received. */
  capturedEvents: number;
  capturedBytes: number;
  /** Events the kernel could not deliver (ring buffer full). */
  droppedEvents: number;
  /** Transactions dropped for this client because it read too slowly. */
  queueDropped: number;
  /** HTTP framing errors (garbage, resynchronisations, connections given up). */
  parseErrors: number;
  /** Values redacted (sum of every `Redaction.count`). */
  redactions: number;
  /** Messages whose body was cut by the cap or by the capture. */
  truncated: number;
  /** Loopback exchanges seen from both ends and reported once. */
  deduplicated: number;
  /** Connections being tracked now. */
  activeConnections: number;
  /** Exchanges not reported because their endpoint or the sensor was over its per-second budget (added in 0.1; absent from older sensors). */
  sampledOut?: number;
  /** Connections given up on because their framing was ambiguous (desync.ts; added in 0.1; absent from older sensors). */
  desyncs?: number;
}

/** Where `--publish` stands: 'connecting' until NATS first answers, then 'connected' or 'disconnected' (it reconnects by itself), 'failed' when the server cannot take the stream (no JetStream). */
export type PublishStateKind = 'connecting' | 'connected' | 'disconnected' | 'failed';

export interface PublishStatus {
  state: PublishStateKind;
  /** The NATS URL without credentials. */
  url: string;
  /** Why it is not connected, in a sentence (empty when connected). */
  detail: string;
  /** Acknowledged by JetStream, waiting for an acknowledgement, dropped (queue full). */
  published: number;
  pending: number;
  dropped: number;
}

/** sensor → client, periodically. */
export interface StatsMessage {
  type: 'stats';
  at: number;
  uptimeMs: number;
  counters: SensorCounters;
  /** Present when the sensor publishes to NATS (added in 0.1; absent from older sensors and without --publish). */
  publish?: PublishStatus;
}

export type ErrorCode = 'bad-message' | 'unsupported' | 'internal' | 'capture-failed';

/** Either way: something the peer sent could not be used, or the sensor's source failed. Never fatal by itself. */
export interface ErrorMessage {
  type: 'error';
  code: ErrorCode;
  message: string;
}

export type SensorMessage = HelloMessage | TransactionsMessage | StatsMessage | ErrorMessage | DesyncMessage | VisibilityMessage;
export type ClientMessage = SubscribeMessage | ErrorMessage;

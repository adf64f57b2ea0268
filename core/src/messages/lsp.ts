// Custom LSP messages between the extension (language client) and the Tapline engine (the
// language server process, which owns sensor connections, the inventory, the samples and the
// findings). Each message is one typed definition here, used as-is by both sides through their
// thin wrappers (extension/src/client/rpc.ts, server/src/rpc.ts); `direction` says which way it
// travels. Every answer and notification carries the engine's `epoch` (a random id per engine
// process): a client that sees a new epoch drops what it showed and asks again.

import type { ProcessVisibility } from '../protocol/visibility';
import type { EndpointObservation, InventorySnapshot } from '../inventory/inventory-types';
import type { SensorCounters } from '../protocol/messages';
import type { Transaction } from '../protocol/transaction';
import type { EndpointSpecState, Finding, FindingLocation } from './finding';
import type { GrpcDetail } from './grpc-detail';
import type { ServiceDesyncs } from './desync-summary';
import type { CoverageTotals } from '../diff/coverage-totals';

export type Direction = 'client→engine' | 'engine→client';

/** A request: the caller waits for `R`. The phantom `types` member only carries P and R for the compiler. */
export interface RequestDef<P, R> {
  readonly kind: 'request';
  readonly method: string;
  readonly direction: Direction;
  readonly types?: (params: P) => R;
}

/** A notification: fire and forget. */
export interface NotificationDef<P> {
  readonly kind: 'notification';
  readonly method: string;
  readonly direction: Direction;
  readonly types?: (params: P) => void;
}

export type ParamsOf<D> = D extends RequestDef<infer P, unknown> ? P : D extends NotificationDef<infer P> ? P : never;
export type ResultOf<D> = D extends RequestDef<never, infer R> ? R : never;

function request<P, R>(method: string, direction: Direction): RequestDef<P, R> {
  return { kind: 'request', method, direction };
}

function notification<P>(method: string, direction: Direction): NotificationDef<P> {
  return { kind: 'notification', method, direction };
}

// ── shapes ──────────────────────────────────────────────────────────────────────────────────

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
  /** What the workspace's gateway policy does with it (absent without a spec the engine can judge by). */
  gateway?: GatewayVerdict;
}

/** The generated gateway's answer to an endpoint, leaving out client blocks (they depend on who asks). */
export interface GatewayVerdict {
  decision: 'allow' | 'block' | 'would-block';
  /** Why it is blocked: path-not-documented, method-not-documented, operation-denied, ambiguous-path. */
  reason?: string;
  /** Client blocks (IP, header, JWT sub) of the policy that apply to this operation. */
  clientBlocks: number;
  /** Whether a tapline-gateway.yaml was read (otherwise: documented operations only). */
  policyFile: boolean;
}

/** One sensor as the extension configures it. The token comes from SecretStorage or a token file. */
export interface SensorConnection {
  url: string;
  name?: string;
  token: string;
  /** wss:// only: SHA-256 of the sensor's (self-signed) certificate, trusted instead of a CA. */
  certificateFingerprint?: string;
}

export type SensorStateKind = 'connecting' | 'live' | 'retrying' | 'failed' | 'stopped';

/** A sensor as the engine sees it (never its token). */
export interface SensorStatus {
  url: string;
  name?: string;
  state: SensorStateKind;
  /** Human-readable state, e.g. "live (node-1, ebpf)" or "retrying in 4 s: no heartbeat for 30 s". */
  detail: string;
  /** The sensor's own name from its hello, once live. */
  sensorName?: string;
  counters?: SensorCounters;
  /** The sensor's latest visibility report (live eBPF sensors): per traced process, what it can see; absent from engines and sensors before it. */
  visibility?: ProcessVisibility[];
}

/** Everything the tree, the status bar and the Explorer's table show. */
export interface EngineSnapshot {
  epoch: string;
  inventory: InventorySnapshot;
  /** Findings per observed endpoint and per unused operation. */
  endpoints: EndpointFindings[];
  sensors: SensorStatus[];
  /** Transactions per second over the last few seconds. */
  ratePerSecond: number;
  /** Request-smuggling attempts (desync events from the sensors) per service; absent from engines before them. */
  desyncs?: ServiceDesyncs[];
  /** Per workspace spec: the share of its operations (and responses) the traffic exercised. */
  coverage?: SpecCoverage[];
}

/** Coverage of one workspace spec by the engine's traffic (core/src/diff/coverage.ts). */
export interface SpecCoverage {
  rootUri: string;
  /** The spec's `info.title`, or its file name. */
  title: string;
  total: CoverageTotals;
  byTag: { tag: string; totals: CoverageTotals }[];
  operations: { key: string; tags: string[]; deprecated: boolean; calls: number; responses: number; responsesExercised: number }[];
}

export interface EndpointDetail {
  epoch: string;
  /** Absent when the endpoint is gone (evicted, merged, cleared, or another engine's id). */
  detail?: EndpointObservation;
  findings?: EndpointFindings;
  /** For a gRPC method: calls by grpc-status name and each sample's messages (decoded or hex). */
  grpc?: GrpcDetail;
}

export interface RecentTransactions {
  epoch: string;
  /** Pass back as `after` to get only newer ones. */
  cursor: number;
  /** Oldest first, at most the engine's recent window (500). */
  transactions: Transaction[];
}

export type Outcome<T extends object = object> = ({ ok: true } & T) | { ok: false; reason: string };

export interface GeneratedSpec {
  text: string;
  operations: number;
  schemas: number;
  samples: number;
}

/** One generated gateway configuration: for one workspace spec, with the policy file it read. */
export interface GatewayConfigFile {
  specUri: string;
  /** The policy file read (tapline-gateway.yaml at the workspace folder's root); absent when there is none. */
  policyUri?: string;
  /** Where the extension writes the configuration: beside the spec, `<spec name>.nginx.conf`. */
  targetUri: string;
  text: string;
  operations: number;
  warnings: string[];
}


/** "Connect to Dev Cluster": what the user picked; the engine runs their own kubectl. */
/** The user's kubectl: `tapline.cluster.kubectlPath` and `tapline.cluster.kubeconfig` (user settings only; empty: kubectl's own defaults). */
export interface KubectlChoice {
  path?: string;
  kubeconfig?: string;
}

export interface ClusterConnectParams {
  /** Default: the kubeconfig's current context. */
  context?: string;
  kubectl?: KubectlChoice;
  /** Where the sensor pods run (default "tapline"). */
  namespace?: string;
  /** Given when the engine asked for it (RBAC forbids reading the token Secret). */
  token?: string;
}

/** Either the session's nodes, or why not; `needToken` when a token typed by the user would do. */
export type ClusterConnectResult =
  | { ok: true; context: string; namespace: string; nodes: SensorStatus[] }
  | { ok: false; reason: string; kind: string; needToken?: boolean };

/** What changed since the previous notification; the client asks for what it shows. */
export interface EngineChangedParams {
  epoch: string;
  inventory: boolean;
  findings: boolean;
  sensors: boolean;
  transactions: boolean;
}

// ── messages ────────────────────────────────────────────────────────────────────────────────

/** client → engine: the complete list of sensors to be connected to; the engine connects new ones and disconnects the rest. */
export const SET_SENSORS = request<{ sensors: SensorConnection[] }, SensorStatus[]>('tapline/setSensors', 'client→engine');

/** client → engine: add or replace one sensor and answer once it is live, refused, or `waitMs` passed. */
export const CONNECT_SENSOR = request<{ sensor: SensorConnection; waitMs: number }, SensorStatus>('tapline/connectSensor', 'client→engine');

/** client → engine: the inventory summaries, endpoint states and sensors. */
export const SNAPSHOT = request<Record<string, never>, EngineSnapshot>('tapline/snapshot', 'client→engine');

/** client → engine: one endpoint with its samples and findings (the Explorer's detail, "Copy as curl"). */
export const ENDPOINT_DETAIL = request<{ endpointId: string }, EndpointDetail>('tapline/endpoint', 'client→engine');

/** client → engine: live transactions newer than `after` (the Explorer's stream; asked only while it is open). */
export const RECENT_TRANSACTIONS = request<{ after?: number }, RecentTransactions>('tapline/recentTransactions', 'client→engine');

/** client → engine: a HAR 1.2 text into the inventory. */
export const IMPORT_HAR = request<{ text: string; name: string }, Outcome<{ imported: number; skipped: string[] }>>('tapline/importHar', 'client→engine');

/** client → engine: recent transactions plus every endpoint's samples as HAR 1.2 (the client writes the file). */
export const EXPORT_HAR = request<{ version: string }, { transactions: number; har: unknown }>('tapline/exportHar', 'client→engine');

/** client → engine: an OpenAPI 3.1 document (YAML text) for one observed service. */
export const GENERATE_SPEC = request<{ service: string }, Outcome<GeneratedSpec>>('tapline/generateSpec', 'client→engine');

/** client → engine: forget every observed transaction. */
export const CLEAR_TRAFFIC = request<Record<string, never>, null>('tapline/clearTraffic', 'client→engine');

/**
 * client → engine: apply fix `fixIndex` of finding `findingId` (ids are stable across analyses).
 * The engine plans it on the document's current text and applies it with workspace/applyEdit as a
 * versioned TextDocumentEdit; the answer says whether it landed, and why not.
 */
export const APPLY_FIX = request<{ findingId: string; fixIndex: number }, Outcome<{ uri: string }>>('tapline/applyFix', 'client→engine');

/**
 * client → engine: the nginx configuration of every workspace spec with the workspace policy
 * (docs/gateway.md), for the upstream and listen address the user configured; the client writes them.
 */
export const GATEWAY_CONFIG = request<{ upstream: string; listen: string }, Outcome<{ files: GatewayConfigFile[] }>>('tapline/gatewayConfig', 'client→engine');

/**
 * client → engine: the gateway policy tested against the traffic the engine holds (the CLI's
 * `--har` report on the live inventory), one text report per workspace spec.
 */
export const GATEWAY_REPORT = request<Record<string, never>, Outcome<{ text: string; requests: number; flagged: number }>>('tapline/gatewayReport', 'client→engine');

/** client → engine: the kubeconfig's contexts (through kubectl), the current one first. */
export const CLUSTER_CONTEXTS = request<{ kubectl?: KubectlChoice }, Outcome<{ contexts: string[]; current?: string }>>('tapline/clusterContexts', 'client→engine');

/**
 * client → engine: find the sensor pods of a context and namespace, port-forward to each, read
 * the token, connect to all and follow pods joining and leaving; replaces any earlier cluster
 * session. The nodes then appear in the snapshot's `sensors`, one per node.
 */
export const CONNECT_CLUSTER = request<ClusterConnectParams, ClusterConnectResult>('tapline/connectCluster', 'client→engine');

/** client → engine: close the cluster session (port-forwards killed, connections closed). */
export const DISCONNECT_CLUSTER = request<Record<string, never>, null>('tapline/disconnectCluster', 'client→engine');

/**
 * client → engine: subscribe to the shared stream (NATS JetStream at `url`) with a subject filter
 * (tapline.<cluster>.<namespace>.<service>; `*` and a final `>` allowed), from `deliver` on
 * (default: what arrives from now). Answers the subscription's status, or why not.
 */
export const SUBSCRIBE_STREAM = request<{ url: string; filter: string; deliver?: 'all' | 'new' }, Outcome<{ status: SensorStatus }>>('tapline/subscribeStream', 'client→engine');

/** client → engine: end every shared-stream subscription. */
export const UNSUBSCRIBE_STREAMS = request<Record<string, never>, null>('tapline/unsubscribeStreams', 'client→engine');

/** engine → client: something the views show changed (batched, at most four per second). */
export const ENGINE_CHANGED = notification<EngineChangedParams>('tapline/changed', 'engine→client');

/** client → engine: the first fix of every finding of one spec as an OpenAPI Overlay 1.0 document (YAML). */
export const EXPORT_OVERLAY = request<{ rootUri: string }, Outcome<{ yaml: string; actions: number; skipped: string[] }>>('tapline/exportOverlay', 'client→engine');

/**
 * client → engine: a traffic file on the engine's disk (HAR, NDJSON transactions, nginx or Envoy
 * JSON access log) read by the engine as a stream, with work-done progress; never sent whole.
 */
export const IMPORT_FILE = request<{ path: string }, Outcome<{ imported: number; skipped: string[]; format: 'har' | 'lines' }>>('tapline/importFile', 'client→engine');

// The engine's services, plain functions over its state (traffic, sensors, findings) so that the
// LSP handlers stay thin and tests call the services in-process. The headless CLI uses the same
// Traffic and SensorHub.
import { randomUUID } from 'node:crypto';
import { generateSpec, specStats, specToYaml, type GenerateEndpoint } from '../../../core/src/generate/generate-spec';
import { transactionsToHar } from '../../../core/src/har/har-export';
import { parseHar } from '../../../core/src/har/har-import';
import type {
  EndpointDetail,
  EndpointFindings,
  EngineSnapshot,
  GeneratedSpec,
  Outcome,
  RecentTransactions,
  SpecCoverage,
} from '../../../core/src/messages';
import { grpcDetail, type GrpcSchemaLookup } from '../../../core/src/grpc/grpc-detail';
import { formatProblems } from '../../../core/src/protocol/check';
import type { Transaction } from '../../../core/src/protocol/transaction';
import type { DesyncLog } from './desync-log';
import type { ClusterHub } from '../cluster/cluster-hub';
import type { StreamHub } from '../cluster/stream-hub';
import type { SensorHub } from './sensor-hub';
import type { Traffic } from './traffic';

export interface EngineState {
  /** A new id per engine process: clients that see it change reset their views. */
  readonly epoch: string;
  readonly traffic: Traffic;
  readonly sensors: SensorHub;
  /** Request-smuggling attempts per service (absent in hosts that do not record them). */
  readonly desyncs?: DesyncLog;
  /** "Connect to Dev Cluster": its nodes are sensors too, one status each. */
  readonly cluster?: ClusterHub;
  /** Shared-stream (NATS) subscriptions, one status each. */
  readonly streams?: StreamHub;
  /** The latest findings per endpoint (from the analyzer). */
  endpointFindings(): EndpointFindings[];
  /** The workspace's .proto files (server/src/grpc/proto-index.ts); without it gRPC messages show as hex. */
  readonly grpcSchemas?: GrpcSchemaLookup;
  /** Coverage of each workspace spec by the traffic (absent in hosts without specs). */
  coverage?(): SpecCoverage[];
}

const NO_PROTO_INDEX: GrpcSchemaLookup = () => ({ unavailable: 'this engine reads no .proto files' });

export function newEpoch(): string {
  return randomUUID();
}

export function snapshot(engine: EngineState): EngineSnapshot {
  return {
    epoch: engine.epoch,
    inventory: engine.traffic.store.snapshot(),
    endpoints: engine.endpointFindings(),
    sensors: [...engine.sensors.statuses(), ...(engine.cluster?.statuses() ?? []), ...(engine.streams?.statuses() ?? [])],
    ratePerSecond: engine.traffic.rate.perSecond(),
    ...(engine.desyncs ? { desyncs: engine.desyncs.summaries() } : {}),
    ...(engine.coverage ? { coverage: engine.coverage() } : {}),
  };
}

export function endpointDetail(engine: EngineState, endpointId: string): EndpointDetail {
  const detail = engine.traffic.store.endpoint(endpointId);
  const findings = engine.endpointFindings().find((e) => e.endpointId === endpointId);
  const grpc = detail ? grpcDetail(detail, engine.grpcSchemas ?? NO_PROTO_INDEX) : undefined;
  return { epoch: engine.epoch, ...(detail ? { detail } : {}), ...(findings ? { findings } : {}), ...(grpc ? { grpc } : {}) };
}

export function recentTransactions(engine: EngineState, after: number | undefined): RecentTransactions {
  return { epoch: engine.epoch, ...engine.traffic.recent(after) };
}

export function importHar(engine: EngineState, text: string, name: string): Outcome<{ imported: number; skipped: string[] }> {
  const parsed = parseHar(text, { origin: 'import', idPrefix: `har-${Date.now().toString(36)}` });
  if (!parsed.ok) return { ok: false, reason: `${name} is not a HAR 1.2 file: ${formatProblems(parsed.problems)}` };
  engine.traffic.add(parsed.value.transactions);
  return { ok: true, imported: parsed.value.transactions.length, skipped: parsed.value.skipped.map((p) => `${p.path}: ${p.message}`) };
}

/** The recent live transactions plus every endpoint's samples, deduplicated, oldest first. */
export function exportHar(engine: EngineState, version: string): { transactions: number; har: unknown } {
  const transactions = heldTransactions(engine);
  return { transactions: transactions.length, har: transactionsToHar(transactions, { creator: { name: 'Tapline', version } }) };
}

/** Every transaction the engine holds: the recent window plus each endpoint's samples, once each, oldest first. */
export function heldTransactions(engine: EngineState): Transaction[] {
  const byId = new Map(engine.traffic.recent().transactions.map((t) => [t.id, t]));
  for (const observation of engine.traffic.observations()) for (const sample of observation.samples) if (!byId.has(sample.id)) byId.set(sample.id, sample);
  return [...byId.values()].sort((a, b) => a.startedAt - b.startedAt);
}

/** The scheme the samples used (TLS or not) with the service's host[:port]; undefined when the name is no host. */
export function serverUrlOf(endpoints: readonly GenerateEndpoint[], service: string): string | undefined {
  if (!/^[A-Za-z0-9.[\]:-]+$/.test(service)) return undefined;
  const tls = endpoints.some((e) => e.samples.some((s) => s.tls));
  return `${tls ? 'https' : 'http'}://${service}`;
}

export function generateServiceSpec(engine: EngineState, service: string): Outcome<GeneratedSpec> {
  const endpoints: GenerateEndpoint[] = engine.traffic
    .observations()
    .filter((o) => o.service === service && o.samples.length > 0 && o.grpc === undefined) // OpenAPI cannot describe gRPC
    .map((o) => ({ method: o.method, template: o.template, samples: o.samples }));
  if (endpoints.length === 0) return { ok: false, reason: `no sampled traffic of ${service} is kept (cleared or evicted)` };
  const input = { title: service, serverUrl: serverUrlOf(endpoints, service), endpoints };
  const spec = generateSpec(input);
  const stats = specStats(spec);
  return { ok: true, text: specToYaml(spec, input), operations: stats.operations, schemas: stats.schemas, samples: endpoints.reduce((n, e) => n + e.samples.length, 0) };
}

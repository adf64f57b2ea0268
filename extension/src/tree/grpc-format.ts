// Text for gRPC services and methods in the Endpoints view. Pure (no vscode), unit-tested. A gRPC
// method's outcome is its grpc-status by name (OK, NOT_FOUND, …): its HTTP status is 200 for a
// failed call too. Every name here came from traffic: plain text only.
import { formatDuration } from '../../../core/src/format/duration';
import { grpcFailedCalls } from '../../../core/src/inventory/grpc-endpoint';
import type { EndpointSummary, GrpcEndpointInfo } from '../../../core/src/inventory/inventory-types';
import { grpcStatusName } from '../../../core/src/protocol/grpc-status';
import { formatCount } from './endpoint-format';

export type GrpcEndpoint = EndpointSummary & { grpc: GrpcEndpointInfo };

/** `OK ×2 · NOT_FOUND ×1 · unfinished ×1`, in code order. */
export function grpcStatusText(info: GrpcEndpointInfo): string {
  return Object.entries(info.statuses)
    .map(([key, n]) => `${key === 'none' ? 'unfinished' : grpcStatusName(Number(key))} ×${formatCount(n)}`)
    .join(' · ');
}

/** `3 · p95 2 ms · OK ×2 · NOT_FOUND ×1` */
export function describeGrpcMethod(e: GrpcEndpoint): string {
  const parts = [formatCount(e.count)];
  if (e.latency) parts.push(`p95 ${formatDuration(e.latency.p95)}`);
  const statuses = grpcStatusText(e.grpc);
  if (statuses !== '') parts.push(statuses);
  return parts.join(' · ');
}

export function grpcMethodTooltip(e: GrpcEndpoint): string {
  const lines = [`gRPC ${e.grpc.service}/${e.grpc.method}`, `Path: ${e.template}`, `Service: ${e.service}`, `Calls: ${formatCount(e.count)}`];
  const failed = grpcFailedCalls(e.grpc);
  if (failed > 0) lines.push(`Failed (non-zero grpc-status): ${formatCount(failed)}`);
  if (e.latency) lines.push(`Latency: p50 ${formatDuration(e.latency.p50)} · p95 ${formatDuration(e.latency.p95)} · p99 ${formatDuration(e.latency.p99)}`);
  lines.push(`grpc-status: ${grpcStatusText(e.grpc) || 'none yet'}`);
  if (e.redactionKinds.length) lines.push(`Redacted by the sensor: ${e.redactionKinds.join(', ')}`);
  lines.push('gRPC: not compared with OpenAPI documents');
  return lines.join('\n');
}

/** The method's state for its icon: any failed call, every call OK, or not finished yet. */
export function grpcMethodState(info: GrpcEndpointInfo): 'failing' | 'ok' | 'pending' {
  if (grpcFailedCalls(info) > 0) return 'failing';
  return info.statuses['0'] !== undefined ? 'ok' : 'pending';
}

/** gRPC endpoints by their fully qualified service, services sorted by name. */
export function groupByGrpcService(endpoints: readonly EndpointSummary[]): { service: string; methods: GrpcEndpoint[] }[] {
  const groups = new Map<string, GrpcEndpoint[]>();
  for (const e of endpoints) {
    if (e.grpc === undefined) continue;
    const list = groups.get(e.grpc.service) ?? [];
    list.push(e as GrpcEndpoint);
    groups.set(e.grpc.service, list);
  }
  return [...groups.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([service, methods]) => ({ service, methods }));
}

// gRPC endpoints in the inventory: one per `/pkg.Service/Method` as the sensor read it, counted by
// grpc-status. They are their own kind because nothing about them is a REST path: templating would
// turn `/pkg.Service/Method` into parameters, and an OpenAPI document cannot describe them.
import type { GrpcCall, Transaction } from '../protocol/transaction';
import type { EndpointSummary, GrpcEndpointInfo } from './inventory-types';

/** Stands for the HTTP method in a gRPC endpoint's id, so it never equals an HTTP endpoint's. */
export const GRPC_ID_METHOD = 'gRPC';
const MAX_NAME_CHARS = 255;

/** The call's identity, capped (the validator allows longer names than an inventory key needs). */
export function grpcIdentity(call: GrpcCall): { service: string; method: string; path: string } {
  const service = call.service.slice(0, MAX_NAME_CHARS);
  const method = call.method.slice(0, MAX_NAME_CHARS);
  return { service, method, path: `/${service}/${method}` };
}

/** The key a call is counted under in GrpcEndpointInfo.statuses. */
export function grpcStatusKey(call: GrpcCall): string {
  return call.status === undefined ? 'none' : String(call.status);
}

/**
 * The key a sample is kept under (one per distinct outcome): for gRPC the grpc-status, placed past
 * HTTP's three-digit codes, since the HTTP status is 200 for a failed call as for a good one.
 */
export function sampleStatus(t: Pick<Transaction, 'grpc' | 'response'>): number {
  if (t.grpc !== undefined) return t.grpc.status === undefined ? 0 : 1_000 + Math.min(t.grpc.status, 1_000_000);
  return t.response?.status ?? 0;
}

/** Calls that ended with a non-zero grpc-status: failed, although HTTP said 200. */
export function grpcFailedCalls(info: GrpcEndpointInfo): number {
  let n = 0;
  for (const [key, count] of Object.entries(info.statuses)) if (key !== '0' && key !== 'none') n += count;
  return n;
}

export function isGrpcEndpoint(e: Pick<EndpointSummary, 'grpc'>): e is { grpc: GrpcEndpointInfo } {
  return e.grpc !== undefined;
}

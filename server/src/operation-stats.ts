// Traffic per described operation, for code lenses and hovers: each observed endpoint is routed
// (through one of its samples) to the operation that describes it, and their counters merged.
import type { EndpointObservation } from '../../core/src/inventory/inventory-types';
import { LatencySketch } from '../../core/src/inventory/sketch';
import type { Router } from '../../core/src/match/router';
import type { OperationModel } from '../../core/src/openapi/model';

export interface OperationStats {
  count: number;
  sketch: LatencySketch;
  lastSeen: number;
  statuses: Record<string, number>;
  endpointIds: string[];
}

export interface RoutedEndpoint {
  endpoint: EndpointObservation;
  operation?: OperationModel;
  /** True when a path of the spec matched but not the method. */
  pathKnown: boolean;
}

export function routeEndpoints(router: Router, endpoints: readonly EndpointObservation[]): RoutedEndpoint[] {
  return endpoints.map((endpoint) => {
    const sample = endpoint.samples.at(-1);
    if (!sample) return { endpoint, pathKnown: false };
    const match = router.match({ method: endpoint.method, path: sample.request.path, service: endpoint.service });
    if (match.kind === 'operation') return { endpoint, operation: match.operation, pathKnown: true };
    return { endpoint, pathKnown: match.kind === 'method-not-documented' };
  });
}

export function operationStats(routed: readonly RoutedEndpoint[]): Map<string, OperationStats> {
  const stats = new Map<string, OperationStats>();
  for (const { endpoint, operation } of routed) {
    if (!operation) continue;
    let entry = stats.get(operation.key);
    if (!entry) {
      entry = { count: 0, sketch: new LatencySketch(), lastSeen: 0, statuses: {}, endpointIds: [] };
      stats.set(operation.key, entry);
    }
    entry.count += endpoint.count;
    entry.sketch.merge(endpoint.sketch);
    entry.lastSeen = Math.max(entry.lastSeen, endpoint.lastSeen);
    for (const [status, n] of Object.entries(endpoint.statuses)) entry.statuses[status] = (entry.statuses[status] ?? 0) + n;
    entry.endpointIds.push(endpoint.id);
  }
  return stats;
}

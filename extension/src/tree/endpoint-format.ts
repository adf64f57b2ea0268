// Text for the tree: counts, latency and status classes. Pure (no vscode), unit-tested.
import { formatDuration } from '../../../core/src/format/duration';
import { grpcFailedCalls } from '../../../core/src/inventory/grpc-endpoint';
import type { EndpointSummary } from '../../../core/src/inventory/inventory-types';

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}


/** Calls per status class: `{ '2xx': 10, '4xx': 2 }`; status 0 (no response) is 'none'. */
export function statusClasses(statuses: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [status, count] of Object.entries(statuses)) {
    const code = Number(status);
    const key = code === 0 ? 'none' : `${Math.floor(code / 100)}xx`;
    out[key] = (out[key] ?? 0) + count;
  }
  return out;
}

/** `1,204 · p95 38 ms · 2 4xx · 1 5xx` */
export function describeEndpoint(e: EndpointSummary): string {
  const parts = [formatCount(e.count)];
  if (e.latency) parts.push(`p95 ${formatDuration(e.latency.p95)}`);
  const classes = statusClasses(e.statuses);
  for (const key of ['4xx', '5xx', 'none']) {
    const n = classes[key];
    if (n) parts.push(key === 'none' ? `${formatCount(n)} unanswered` : `${formatCount(n)} ${key}`);
  }
  return parts.join(' · ');
}

export type EndpointSort = 'calls' | 'path' | 'latency' | 'errors' | 'recent';

/** Failed calls: 4xx, 5xx and unanswered; for gRPC also calls with a non-zero grpc-status (HTTP 200). */
export function errorCount(e: EndpointSummary): number {
  const classes = statusClasses(e.statuses);
  return (classes['4xx'] ?? 0) + (classes['5xx'] ?? 0) + (classes.none ?? 0) + (e.grpc ? grpcFailedCalls(e.grpc) : 0);
}

export function compareEndpoints(sort: EndpointSort): (a: EndpointSummary, b: EndpointSummary) => number {
  const byPath = (a: EndpointSummary, b: EndpointSummary): number =>
    a.template.localeCompare(b.template) || a.method.localeCompare(b.method);
  switch (sort) {
    case 'path':
      return byPath;
    case 'calls':
      return (a, b) => b.count - a.count || byPath(a, b);
    case 'latency':
      return (a, b) => (b.latency?.p95 ?? -1) - (a.latency?.p95 ?? -1) || byPath(a, b);
    case 'errors':
      return (a, b) => errorCount(b) - errorCount(a) || byPath(a, b);
    case 'recent':
      return (a, b) => b.lastSeen - a.lastSeen || byPath(a, b);
  }
}

/** Case-insensitive match of every word of `filter` against method, template and service. */
export function matchesFilter(e: EndpointSummary, filter: string): boolean {
  const haystack = `${e.method} ${e.template} ${e.service}`.toLowerCase();
  return filter
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word));
}

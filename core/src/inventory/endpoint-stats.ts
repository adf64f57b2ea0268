// Everything the inventory keeps about one endpoint (service + method + template), with a
// merge for when templating learns that two endpoints are one.

import type { RedactionKind, Transaction } from '../protocol/transaction';
import { collectAuthSchemes, requestContentType, responseContentType } from './auth-schemes';
import { GRPC_ID_METHOD, grpcStatusKey, sampleStatus } from './grpc-endpoint';
import type { AuthScheme, EndpointObservation, EndpointSummary } from './inventory-types';
import { SampleSet, type SampleLimits } from './samples';
import { LatencySketch } from './sketch';

export interface EndpointLimits extends SampleLimits {
  /** Distinct content types kept per direction. */
  maxContentTypes: number;
  sketchAccuracy: number;
}

function addBounded<T>(set: Set<T>, value: T | undefined, max: number): void {
  if (value !== undefined && set.size < max) set.add(value);
}

/** A server may send any 32-bit grpc-status; past the 17 defined ones, a handful more are counted. */
const MAX_GRPC_STATUS_KEYS = 32;

export class EndpointStats {
  count = 0;
  /** Status code → count; statuses are 3-digit codes (or 0), so at most ~500 keys. */
  readonly statuses = new Map<number, number>();
  readonly sketch: LatencySketch;
  firstSeen = Infinity;
  lastSeen = -Infinity;
  readonly requestTypes = new Set<string>();
  readonly responseTypes = new Set<string>();
  readonly authSchemes = new Set<AuthScheme>();
  readonly redactionKinds = new Set<RedactionKind>();
  readonly samples: SampleSet;
  /** grpc-status key → calls, for a gRPC endpoint (see grpc-endpoint.ts); bounded by the codes seen. */
  readonly grpcStatuses = new Map<string, number>();

  constructor(
    readonly service: string,
    readonly method: string,
    public template: string,
    public declared: boolean,
    private readonly limits: EndpointLimits,
    /** Set for a gRPC endpoint: its `template` is then the call's path, never re-templated. */
    readonly grpc?: { readonly service: string; readonly method: string },
  ) {
    this.sketch = new LatencySketch(limits.sketchAccuracy);
    this.samples = new SampleSet(limits);
  }

  get id(): string {
    return endpointId(this.service, this.grpc ? GRPC_ID_METHOD : this.method, this.template);
  }

  /** `copy` makes the bounded sample copy of `t`; it is only called when a sample is due. */
  add(t: Transaction, copy: (t: Transaction) => Transaction): void {
    this.count++;
    const status = t.response?.status ?? 0;
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    if (t.response !== undefined) this.sketch.add(t.durationMs);
    if (t.startedAt < this.firstSeen) this.firstSeen = t.startedAt;
    if (t.startedAt > this.lastSeen) this.lastSeen = t.startedAt;
    addBounded(this.requestTypes, requestContentType(t), this.limits.maxContentTypes);
    addBounded(this.responseTypes, responseContentType(t), this.limits.maxContentTypes);
    if (t.request.headers.length > 0 || t.request.queryParams.length > 0 || t.redactions.length > 0) {
      collectAuthSchemes(t, this.authSchemes);
    }
    for (const r of t.redactions) this.redactionKinds.add(r.kind);
    if (this.grpc && t.grpc) {
      const key = grpcStatusKey(t.grpc);
      if (this.grpcStatuses.has(key) || this.grpcStatuses.size < MAX_GRPC_STATUS_KEYS) this.grpcStatuses.set(key, (this.grpcStatuses.get(key) ?? 0) + 1);
    }
    if (this.samples.wants(sampleStatus(t), t.startedAt)) this.samples.add(copy(t));
  }

  merge(other: EndpointStats): void {
    this.count += other.count;
    for (const [status, n] of other.statuses) this.statuses.set(status, (this.statuses.get(status) ?? 0) + n);
    this.sketch.merge(other.sketch);
    this.firstSeen = Math.min(this.firstSeen, other.firstSeen);
    this.lastSeen = Math.max(this.lastSeen, other.lastSeen);
    for (const v of other.requestTypes) addBounded(this.requestTypes, v, this.limits.maxContentTypes);
    for (const v of other.responseTypes) addBounded(this.responseTypes, v, this.limits.maxContentTypes);
    for (const v of other.authSchemes) this.authSchemes.add(v);
    for (const v of other.redactionKinds) this.redactionKinds.add(v);
    for (const [key, n] of other.grpcStatuses) this.grpcStatuses.set(key, (this.grpcStatuses.get(key) ?? 0) + n);
    this.samples.merge(other.samples);
    this.declared ||= other.declared;
  }

  summary(): EndpointSummary {
    const statuses: Record<string, number> = {};
    for (const [status, n] of [...this.statuses].sort((a, b) => a[0] - b[0])) statuses[String(status)] = n;
    const summary: EndpointSummary = {
      id: this.id,
      service: this.service,
      method: this.method,
      template: this.template,
      declared: this.declared,
      count: this.count,
      statuses,
      latency: this.sketch.summary(),
      firstSeen: this.firstSeen,
      lastSeen: this.lastSeen,
      requestContentTypes: [...this.requestTypes],
      responseContentTypes: [...this.responseTypes],
      authSchemes: [...this.authSchemes],
      redactionKinds: [...this.redactionKinds],
    };
    if (this.grpc) {
      const grpcStatuses: Record<string, number> = {};
      const order = (k: string): number => (k === 'none' ? Infinity : Number(k));
      for (const [key, n] of [...this.grpcStatuses].sort((a, b) => order(a[0]) - order(b[0]))) grpcStatuses[key] = n;
      summary.grpc = { service: this.grpc.service, method: this.grpc.method, statuses: grpcStatuses };
    }
    return summary;
  }

  /** With every sample held (`all`), or only those not handed out by a previous call. */
  observation(all: boolean): EndpointObservation {
    const samples = all ? this.samples.list() : this.samples.takeUnsent();
    if (all) this.samples.takeUnsent();
    // Extending the summary in place: a spread of ~15 properties costs more on a hot drain.
    const observation = this.summary() as EndpointObservation;
    observation.sketch = this.sketch.toJSON();
    observation.samples = samples;
    return observation;
  }
}

export function endpointId(service: string, method: string, template: string): string {
  return `${service} ${method} ${template}`;
}

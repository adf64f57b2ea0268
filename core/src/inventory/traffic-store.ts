// The endpoint inventory: transactions in, endpoints (service + method + path template) out,
// with bounded memory whatever the traffic volume, batched deltas for the language server and
// snapshots for the tree and the webview. Pure: no timers, no I/O; the host decides when to drain.
//
// Bounds: services and endpoints per service are LRU-evicted (least recently seen first, counted);
// each endpoint keeps fixed-size counters, a sketch with at most 2,048 buckets, at most
// maxRecentSamples + maxStatusSamples bounded sample copies and ≤ maxContentTypes media types;
// each service's templating trie is capped at templater.maxNodes; removals waiting for a drain are
// capped (past that the next delta is a reset). inventoryMemoryBound() turns the options into a
// byte figure; with the defaults it is 20 services × 250 endpoints ≈ 1.0 GB in the absolute worst
// case (every sample at every cap, two-byte strings, ~200 KB per endpoint), while realistic traffic
// measures about 5.7 KB per endpoint (bench/store.ts: 26 MB for 4,740 endpoints after 1,000,000
// transactions with 600-byte JSON bodies), i.e. ≈ 30 MB for a full default store.

import type { Transaction } from '../protocol/transaction';
import { EndpointStats, type EndpointLimits } from './endpoint-stats';
import { GRPC_ID_METHOD, grpcIdentity } from './grpc-endpoint';
import type {
  EndpointObservation,
  EndpointRemoval,
  InventoryDelta,
  InventorySnapshot,
  RemovalReason,
  StoreStats,
} from './inventory-types';
import type { TrieOptions } from './path-trie';
import { boundedCopy, sampleBytesBound } from './samples';
import { PathTemplater } from './template';
import type { UserTemplate } from './user-templates';

export interface TrafficStoreOptions extends EndpointLimits {
  maxServices: number;
  maxEndpointsPerService: number;
  /** Removals kept between two drains; past that the next delta is a full reset. */
  maxPendingRemovals: number;
  templater: Partial<TrieOptions>;
}

export const DEFAULT_STORE_OPTIONS: Readonly<TrafficStoreOptions> = {
  maxServices: 20,
  maxEndpointsPerService: 250,
  maxRecentSamples: 3,
  maxStatusSamples: 3,
  maxBodyBytes: 2048,
  maxHeaderBytes: 1024,
  minSampleIntervalMs: 1000,
  maxContentTypes: 8,
  sketchAccuracy: 0.01,
  maxPendingRemovals: 10_000,
  templater: { maxNodes: 5_000 },
};

/** Worst-case bytes for a full store with these options (see the header comment). */
export function inventoryMemoryBound(options: Partial<TrafficStoreOptions> = {}): number {
  const o = { ...DEFAULT_STORE_OPTIONS, ...options, templater: { ...DEFAULT_STORE_OPTIONS.templater, ...options.templater } };
  const samples = (o.maxRecentSamples + o.maxStatusSamples) * sampleBytesBound(o) * 2; // UTF-16 worst case
  const perEndpoint = 2_048 + 2_048 * 8 + samples + 2 * o.maxContentTypes * 200;
  const trie = (o.templater.maxNodes ?? 20_000) * 200;
  return o.maxServices * (o.maxEndpointsPerService * perEndpoint + trie);
}

export type StoreEvent = { type: 'changed' } | { type: 'cleared' };
export type StoreListener = (event: StoreEvent) => void;

interface ServiceState {
  readonly name: string;
  readonly templater: PathTemplater;
  /** Keyed by `METHOD template`, in least-recently-seen-first order. */
  endpoints: Map<string, EndpointStats>;
  templaterVersion: number;
}

/** setKnownTemplates() key for templates that apply to every service without its own list. */
export const ANY_SERVICE = '*';

/** The options that shape the samples an endpoint keeps (a change re-shapes the kept ones). */
const SAMPLE_KEYS = ['maxRecentSamples', 'maxStatusSamples', 'maxBodyBytes', 'maxHeaderBytes'] as const;

const MAX_SERVICE_CHARS = 255;
const MAX_PATH_CHARS = 2048;
const UPPER_TOKEN = /^[A-Z]+$/;

export class TrafficStore {
  private readonly options: TrafficStoreOptions;
  private readonly services = new Map<string, ServiceState>();
  private readonly known = new Map<string, readonly string[]>();
  private userTemplates: readonly UserTemplate[] = [];
  private readonly dirty = new Set<EndpointStats>();
  private removals: EndpointRemoval[] = [];
  private resetPending = false;
  private sequence = 0;
  private readonly listeners = new Set<StoreListener>();
  private mostRecentService: ServiceState | undefined;
  private readonly copySample = (t: Transaction): Transaction => boundedCopy(t, this.options);
  private readonly counters = { transactions: 0, evictedEndpoints: 0, evictedServices: 0, mergedEndpoints: 0 };

  constructor(options: Partial<TrafficStoreOptions> = {}) {
    this.options = {
      ...DEFAULT_STORE_OPTIONS,
      ...options,
      templater: { ...DEFAULT_STORE_OPTIONS.templater, ...options.templater },
    };
  }

  /** Called on the first change after a drain (and on clear): schedule a drain, don't do work here. */
  onChange(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adds one (validated) transaction; returns the id of the endpoint it was counted under. */
  add(t: Transaction): string {
    this.counters.transactions++;
    const state = this.serviceFor(serviceName(t));
    let endpoint: EndpointStats;
    if (t.grpc !== undefined) {
      // A gRPC call: keyed by its path as sent, so it never reaches (or teaches) the templater.
      const identity = grpcIdentity(t.grpc);
      const key = `${GRPC_ID_METHOD} ${identity.path}`;
      endpoint = this.touch(state, key) ?? this.insert(state, key, new EndpointStats(state.name, t.request.method.slice(0, 32), identity.path, false, this.options, identity));
    } else {
      const path = t.request.path.length > MAX_PATH_CHARS ? t.request.path.slice(0, MAX_PATH_CHARS) : t.request.path;
      const { template, declared } = state.templater.learnResolve(path);
      if (state.templater.version !== state.templaterVersion) this.retemplate(state);
      const raw = t.request.method;
      const method = raw.length <= 32 && UPPER_TOKEN.test(raw) ? raw : raw.slice(0, 32).toUpperCase();
      const key = `${method} ${template}`;
      endpoint = this.touch(state, key) ?? this.insert(state, key, new EndpointStats(state.name, method, template, declared, this.options));
    }
    endpoint.add(t, this.copySample);
    this.markDirty(endpoint);
    return endpoint.id;
  }

  /** The endpoint under `key`, now the most recently seen; undefined when there is none. */
  private touch(state: ServiceState, key: string): EndpointStats | undefined {
    const endpoint = state.endpoints.get(key);
    if (endpoint === undefined) return undefined;
    state.endpoints.delete(key); // re-insert: Map order is our LRU order
    state.endpoints.set(key, endpoint);
    return endpoint;
  }

  private insert(state: ServiceState, key: string, endpoint: EndpointStats): EndpointStats {
    state.endpoints.set(key, endpoint);
    if (state.endpoints.size > this.options.maxEndpointsPerService) this.evictOldestEndpoint(state);
    return endpoint;
  }

  /**
   * Declares the path templates of a service's OpenAPI operations (base path included). They win
   * over inferred templates; existing endpoints are re-keyed (and merged) accordingly. Service
   * ANY_SERVICE ('*') sets templates for every service that has no list of its own (a workspace
   * whose specs do not say which host serves them). An empty list removes the declaration.
   */
  setKnownTemplates(service: string, templates: readonly string[]): void {
    if (templates.length === 0) this.known.delete(service);
    else this.known.set(service, [...templates]);
    const affected = service === ANY_SERVICE ? [...this.services.values()].filter((s) => !this.known.has(s.name)) : [this.services.get(service)];
    for (const state of affected) {
      if (state === undefined) continue;
      state.templater.setKnownTemplates(this.knownFor(state.name));
      this.retemplate(state);
    }
  }

  /**
   * The user's own templates (`.tapline/templates.json`), above the declared ones; an entry without
   * a service applies to every service. Existing endpoints are re-keyed (a merge or a rename
   * regroups them at once; a split applies to the traffic that follows, as counters cannot be split).
   */
  setUserTemplates(templates: readonly UserTemplate[]): void {
    this.userTemplates = [...templates];
    for (const state of this.services.values()) {
      state.templater.setUserTemplates(this.userTemplatesFor(state.name));
      this.retemplate(state);
    }
  }

  private userTemplatesFor(service: string): string[] {
    return this.userTemplates.filter((t) => t.service === undefined || t.service === service).map((t) => t.template);
  }

  private knownFor(service: string): readonly string[] {
    return this.known.get(service) ?? this.known.get(ANY_SERVICE) ?? [];
  }

  /**
   * What changed since the last drain, or undefined when nothing did. `maxEndpoints` caps the
   * endpoints in one delta (the rest stay pending, see `remaining`), so a host can spread a large
   * batch over several turns of its event loop instead of blocking one. A reset is never split.
   */
  drainDelta(maxEndpoints = Infinity): InventoryDelta | undefined {
    if (!this.resetPending && this.dirty.size === 0 && this.removals.length === 0) return undefined;
    const reset = this.resetPending;
    const upserted: EndpointObservation[] = [];
    if (reset) {
      for (const s of this.services.values()) for (const e of s.endpoints.values()) upserted.push(e.observation(true));
      this.dirty.clear();
    } else {
      for (const e of this.dirty) {
        if (upserted.length >= maxEndpoints) break;
        upserted.push(e.observation(false));
        this.dirty.delete(e); // deleting the current entry while iterating a Set is safe
      }
    }
    const delta: InventoryDelta = {
      sequence: ++this.sequence,
      reset,
      upserted,
      removed: reset ? [] : this.removals,
      remaining: this.dirty.size,
      stats: this.stats(),
    };
    this.removals = [];
    this.resetPending = false;
    return delta;
  }

  /** The whole inventory as summaries; deltas drained after it apply on top of it. */
  snapshot(): InventorySnapshot {
    return {
      sequence: this.sequence,
      services: [...this.services.values()].map((s) => ({
        service: s.name,
        endpoints: [...s.endpoints.values()].map((e) => e.summary()),
      })),
      stats: this.stats(),
    };
  }

  /** One endpoint with all its samples and its sketch (for a detail view); does not affect deltas. */
  endpoint(id: string): EndpointObservation | undefined {
    for (const s of this.services.values()) {
      for (const e of s.endpoints.values()) {
        if (e.id === id) return { ...e.summary(), sketch: e.sketch.toJSON(), samples: e.samples.list() };
      }
    }
    return undefined;
  }

  /** Every endpoint with all its samples, e.g. for a language server that just started. */
  observations(): EndpointObservation[] {
    const out: EndpointObservation[] = [];
    for (const s of this.services.values()) for (const e of s.endpoints.values()) out.push(e.observation(true));
    return out;
  }

  /** Makes the next delta a reset (everything, all samples): answer to a resync request. */
  requestReset(): void {
    if (!this.resetPending) this.notifyFirstChange();
    this.removals = [];
    this.resetPending = true;
  }

  stats(): StoreStats {
    let endpoints = 0;
    let overflow = 0;
    let nodes = 0;
    for (const s of this.services.values()) {
      endpoints += s.endpoints.size;
      overflow += s.templater.overflowed;
      nodes += s.templater.learnedNodes;
    }
    return { ...this.counters, services: this.services.size, endpoints, templaterOverflow: overflow, trieNodes: nodes };
  }

  /**
   * New bounds, keeping what the store holds: endpoints, counters and sketches stay; services and
   * endpoints past a lowered cap are evicted (oldest first, counted); samples are trimmed to the
   * new per-endpoint counts and re-bounded to the new body and header sizes. Sketch accuracy,
   * content-type and templating limits apply to endpoints and services created afterwards.
   */
  reconfigure(options: Partial<TrafficStoreOptions>): void {
    const next = { ...DEFAULT_STORE_OPTIONS, ...options, templater: { ...DEFAULT_STORE_OPTIONS.templater, ...options.templater } };
    const samplesChanged = SAMPLE_KEYS.some((key) => next[key] !== this.options[key]);
    // One options object is shared by every endpoint and sample set: they read the new limits from now on.
    Object.assign(this.options, next);
    while (this.services.size > this.options.maxServices) this.evictOldestService();
    for (const state of this.services.values()) {
      while (state.endpoints.size > this.options.maxEndpointsPerService) this.evictOldestEndpoint(state);
      if (!samplesChanged) continue;
      for (const endpoint of state.endpoints.values()) {
        endpoint.samples.reshape(this.copySample);
        this.markDirty(endpoint);
      }
    }
  }

  /** Forgets all traffic (declared templates are kept). The next delta is a reset. */
  clear(): void {
    this.services.clear();
    this.mostRecentService = undefined;
    this.dirty.clear();
    this.removals = [];
    this.resetPending = true;
    this.emit({ type: 'cleared' });
  }

  private serviceFor(name: string): ServiceState {
    let state = this.services.get(name);
    if (state !== undefined) {
      if (this.mostRecentService !== state) {
        this.services.delete(name); // re-insert: Map order is our LRU order
        this.services.set(name, state);
        this.mostRecentService = state;
      }
      return state;
    }
    const templater = new PathTemplater(this.options.templater, this.knownFor(name));
    if (this.userTemplates.length > 0) templater.setUserTemplates(this.userTemplatesFor(name));
    state = { name, templater, endpoints: new Map(), templaterVersion: templater.version };
    this.services.set(name, state);
    this.mostRecentService = state;
    if (this.services.size > this.options.maxServices) this.evictOldestService();
    return state;
  }

  private evictOldestService(): void {
    const [oldest] = this.services.values();
    this.services.delete(oldest!.name);
    if (this.mostRecentService === oldest) this.mostRecentService = undefined;
    this.counters.evictedServices++;
    for (const e of oldest!.endpoints.values()) this.remove(e, 'evicted');
    this.counters.evictedEndpoints += oldest!.endpoints.size;
  }

  private evictOldestEndpoint(state: ServiceState): void {
    const [key, endpoint] = state.endpoints.entries().next().value as [string, EndpointStats];
    state.endpoints.delete(key);
    this.counters.evictedEndpoints++;
    this.remove(endpoint, 'evicted');
  }

  /**
   * The trie learned a parameter (or declared templates changed): re-key every endpoint of the
   * service, merging those that now share a template. Unchanged keys are placed first so that a
   * renamed endpoint merges into an existing one rather than the other way round.
   */
  private retemplate(state: ServiceState): void {
    state.templaterVersion = state.templater.version;
    const next = new Map<string, EndpointStats>();
    const moved: { endpoint: EndpointStats; template: string; declared: boolean }[] = [];
    for (const [key, endpoint] of state.endpoints) {
      if (endpoint.grpc) {
        next.set(key, endpoint); // a gRPC path is not a template
        continue;
      }
      const { template, declared } = state.templater.resolve(endpoint.template);
      if (`${endpoint.method} ${template}` === key) {
        endpoint.declared = declared;
        next.set(key, endpoint);
      } else {
        moved.push({ endpoint, template, declared });
      }
    }
    for (const { endpoint, template, declared } of moved) {
      const key = `${endpoint.method} ${template}`;
      const oldId = endpoint.id;
      const existing = next.get(key);
      this.dirty.delete(endpoint);
      if (existing !== undefined) {
        existing.merge(endpoint);
        this.counters.mergedEndpoints++;
        this.pushRemoval({ id: oldId, reason: 'merged', into: existing.id });
        this.markDirty(existing);
      } else {
        endpoint.template = template;
        endpoint.declared = declared;
        next.set(key, endpoint);
        this.pushRemoval({ id: oldId, reason: 'merged', into: endpoint.id });
        this.markDirty(endpoint);
      }
    }
    state.endpoints = next;
  }

  private remove(endpoint: EndpointStats, reason: RemovalReason): void {
    this.dirty.delete(endpoint);
    this.pushRemoval({ id: endpoint.id, reason });
  }

  private pushRemoval(removal: EndpointRemoval): void {
    if (this.resetPending) return;
    if (this.removals.length >= this.options.maxPendingRemovals) {
      this.removals = [];
      this.resetPending = true;
      return;
    }
    this.notifyFirstChange();
    this.removals.push(removal);
  }

  private markDirty(endpoint: EndpointStats): void {
    if (this.dirty.has(endpoint)) return;
    this.notifyFirstChange();
    this.dirty.add(endpoint);
  }

  private notifyFirstChange(): void {
    if (this.dirty.size === 0 && this.removals.length === 0 && !this.resetPending) this.emit({ type: 'changed' });
  }

  private emit(event: StoreEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A faulty listener must not break ingestion; the host logs its own errors.
      }
    }
  }
}

function serviceName(t: Transaction): string {
  const name = t.service.length > 0 ? t.service : `${t.server.address}:${t.server.port}`;
  return name.length > MAX_SERVICE_CHARS ? name.slice(0, MAX_SERVICE_CHARS) : name;
}

// Sampling under load: the IDE needs examples of every endpoint, not every request of a hot
// one. Per one-second window (kernel time) each endpoint gets a budget, and the sensor a global
// one; exchanges over budget are dropped before they are built (saving the daemon's CPU for the
// traced services) and counted. Rare endpoints are never crowded out by a hot one.
export interface SamplerOptions {
  /** Transactions per second for the whole sensor; 0 = no limit. */
  maxPerSecond: number;
  /** Transactions per second per service + method + path; 0 = no limit. */
  maxPerEndpointPerSecond: number;
}

const WINDOW_NS = 1_000_000_000n;

/** One endpoint's kept exchanges in the current window. */
export interface EndpointSlot {
  n: number;
}
/** Distinct endpoints tracked per window; beyond it the global budget alone applies. */
const MAX_KEYS = 10_000;

export class Sampler {
  private windowStart = -1n;
  private windowEnd = 0n;
  private total = 0;
  /** Per service, per `METHOD path`: two lookups of strings the exchange already holds, no key built. */
  private readonly perKey = new Map<string, Map<string, EndpointSlot>>();
  private keys = 0;
  sampledOut = 0;
  /** Counts the windows: a slot kept from an earlier one is stale. */
  window = 0;

  constructor(private readonly opts: SamplerOptions) {}

  /** Whether the exchange ending at `ns` on this endpoint is kept. */
  keep(ns: bigint, service: string, method: string, path: string): boolean {
    return this.keepEndpoint(ns, service, `${method} ${path}`);
  }

  /** `keep`, the method and path given as `METHOD path` (a method is a token: no space in it). */
  keepEndpoint(ns: bigint, service: string, endpoint: string): boolean {
    return this.admits(ns) && this.keepAdmitted(service, endpoint);
  }

  /**
   * The part of `keepEndpoint` that needs no endpoint: false (and counted) when the window's
   * global budget is spent, which under load is most exchanges; then nobody has to build the
   * endpoint or the service. Otherwise `keepAdmitted` decides, with them.
   */
  admits(ns: bigint): boolean {
    const { maxPerSecond, maxPerEndpointPerSecond } = this.opts;
    if (maxPerSecond <= 0 && maxPerEndpointPerSecond <= 0) return true;
    // Events from different CPUs arrive slightly out of order: an earlier timestamp belongs to
    // the current window, it must not open a new one (that would refill the budgets).
    // Compared with the window's end, computed once per window: no BigInt made per exchange.
    if (this.windowStart < 0n || ns >= this.windowEnd) {
      this.windowStart = ns;
      this.windowEnd = ns + WINDOW_NS;
      this.total = 0;
      this.perKey.clear();
      this.keys = 0;
      this.window++;
    }
    if (maxPerSecond > 0 && this.total >= maxPerSecond) {
      this.sampledOut++;
      return false;
    }
    return true;
  }

  /** After `admits` said true for this exchange: the per-endpoint budget. */
  keepAdmitted(service: string, endpoint: string): boolean {
    return this.keepSlot(this.slot(service, endpoint));
  }

  /**
   * The count of one endpoint in this window, made on first use; undefined beyond MAX_KEYS (the
   * global budget alone applies then) or without a per-endpoint budget. A caller that meets the
   * same endpoint again in the same `window` may keep the slot instead of asking again.
   */
  slot(service: string, endpoint: string): EndpointSlot | undefined {
    if (this.opts.maxPerEndpointPerSecond <= 0) return undefined;
    let endpoints = this.perKey.get(service);
    let slot = endpoints?.get(endpoint);
    if (slot || this.keys >= MAX_KEYS) return slot;
    if (!endpoints) this.perKey.set(service, (endpoints = new Map()));
    endpoints.set(endpoint, (slot = { n: 0 }));
    this.keys++;
    return slot;
  }

  /** After `admits` said true: kept unless the endpoint's slot is full. */
  keepSlot(slot: EndpointSlot | undefined): boolean {
    const { maxPerSecond, maxPerEndpointPerSecond } = this.opts;
    if (maxPerSecond <= 0 && maxPerEndpointPerSecond <= 0) return true;
    if (slot) {
      if (slot.n >= maxPerEndpointPerSecond) {
        this.sampledOut++;
        return false;
      }
      slot.n++;
    }
    this.total++;
    return true;
  }
}

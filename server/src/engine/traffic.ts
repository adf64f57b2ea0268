// The engine's traffic: every sensor's (and every imported HAR's) transactions go into one
// TrafficStore; the views hear about changes in batches, at most four times a second however fast
// traffic arrives. A short window of recent transactions feeds the Explorer's stream and HAR export.
import { TrafficStore, ANY_SERVICE, DEFAULT_STORE_OPTIONS, type TrafficStoreOptions } from '../../../core/src/inventory/traffic-store';
import type { EndpointObservation } from '../../../core/src/inventory/inventory-types';
import type { Transaction } from '../../../core/src/protocol/transaction';
import { RateMeter } from './rate-meter';

/** How often changes are announced (the analyzer reruns, the views are told). */
export const FLUSH_INTERVAL_MS = 250;
/** Live transactions kept for the Explorer's stream and for "Export HAR…". */
export const RECENT_LIMIT = 500;

export interface TrafficChange {
  /** The inventory changed (endpoints, counters, samples). */
  inventory: boolean;
  /** New transactions arrived since the previous flush. */
  transactions: boolean;
}

function effective(options: Partial<TrafficStoreOptions>): TrafficStoreOptions {
  return { ...DEFAULT_STORE_OPTIONS, ...options, templater: { ...DEFAULT_STORE_OPTIONS.templater, ...options.templater } };
}

export class Traffic {
  private storeNow: TrafficStore;
  private knownTemplates: readonly string[] = [];
  readonly rate = new RateMeter();
  private readonly recentItems: Transaction[] = [];
  /** Number of the newest transaction in `recentItems` (counts every transaction ever added). */
  private added = 0;
  private timer: NodeJS.Timeout | undefined;
  private pending: TrafficChange = { inventory: false, transactions: false };
  private readonly listeners = new Set<(change: TrafficChange) => void>();

  constructor(private options: Partial<TrafficStoreOptions> = {}) {
    this.storeNow = this.createStore();
  }

  get store(): TrafficStore {
    return this.storeNow;
  }

  onDidFlush(listener: (change: TrafficChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  add(items: readonly Transaction[]): void {
    for (const item of items) this.storeNow.add(item);
    this.recentItems.push(...items);
    if (this.recentItems.length > RECENT_LIMIT) this.recentItems.splice(0, this.recentItems.length - RECENT_LIMIT);
    this.added += items.length;
    this.rate.add(items.length);
    if (items.length) this.schedule({ inventory: true, transactions: true });
  }

  /** Recent transactions newer than cursor `after` (all that are kept when omitted), oldest first. */
  recent(after = 0): { cursor: number; transactions: Transaction[] } {
    const firstNumber = this.added - this.recentItems.length + 1;
    const skip = Math.max(0, after - firstNumber + 1);
    return { cursor: this.added, transactions: this.recentItems.slice(skip) };
  }

  observations(): EndpointObservation[] {
    return this.storeNow.observations();
  }

  /** Name endpoints as the workspace's specs do, for every service without a list of its own. */
  setKnownTemplates(templates: readonly string[]): void {
    this.knownTemplates = templates;
    this.storeNow.setKnownTemplates(ANY_SERVICE, templates);
    this.schedule({ inventory: true, transactions: false });
  }

  /**
   * New `tapline.inventory.*` bounds. The store's bounds are fixed at construction, so a new store
   * takes over, refilled from the samples the old one kept: endpoints stay, their counters restart
   * from those samples (documented in docs/engine.md).
   */
  reconfigure(options: Partial<TrafficStoreOptions>): void {
    // Compared as the store applies them (defaults filled in): the first settings an engine reads
    // name the default values explicitly, and rebuilding then would cut what arrived before them
    // (an import on the click that started the engine) down to its samples.
    if (JSON.stringify(effective(options)) === JSON.stringify(effective(this.options))) return;
    this.options = options;
    const kept = this.storeNow.observations().flatMap((o) => o.samples).sort((a, b) => a.startedAt - b.startedAt);
    this.storeNow = this.createStore();
    for (const t of kept) this.storeNow.add(t);
    this.schedule({ inventory: true, transactions: false });
  }

  clear(): void {
    this.recentItems.length = 0;
    this.storeNow.clear();
    this.schedule({ inventory: true, transactions: true });
  }

  private createStore(): TrafficStore {
    const store = new TrafficStore(this.options);
    if (this.knownTemplates.length) store.setKnownTemplates(ANY_SERVICE, this.knownTemplates);
    return store;
  }

  private schedule(change: TrafficChange): void {
    this.pending = { inventory: this.pending.inventory || change.inventory, transactions: this.pending.transactions || change.transactions };
    this.timer ??= setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
  }

  private flush(): void {
    this.timer = undefined;
    const change = this.pending;
    this.pending = { inventory: false, transactions: false };
    for (const listener of this.listeners) listener(change);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.listeners.clear();
  }
}

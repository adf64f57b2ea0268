// The engine's traffic: every sensor's (and every imported HAR's) transactions go into one
// TrafficStore; the views hear about changes in batches, at most four times a second however fast
// traffic arrives. A short window of recent transactions feeds the Explorer's stream and HAR export.
import { TrafficStore, ANY_SERVICE, DEFAULT_STORE_OPTIONS, type TrafficStoreOptions } from '../../../core/src/inventory/traffic-store';
import type { EndpointObservation } from '../../../core/src/inventory/inventory-types';
import type { Transaction } from '../../../core/src/protocol/transaction';
import type { UserTemplate } from '../../../core/src/inventory/user-templates';
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
  /** One store for the engine's lifetime: settings reconfigure it in place. */
  readonly store: TrafficStore;
  private userTemplates: readonly UserTemplate[] = [];
  readonly rate = new RateMeter();
  private readonly recentItems: Transaction[] = [];
  /** Number of the newest transaction in `recentItems` (counts every transaction ever added). */
  private added = 0;
  private timer: NodeJS.Timeout | undefined;
  private pending: TrafficChange = { inventory: false, transactions: false };
  private readonly listeners = new Set<(change: TrafficChange) => void>();

  constructor(private options: Partial<TrafficStoreOptions> = {}) {
    this.store = new TrafficStore(options);
  }

  onDidFlush(listener: (change: TrafficChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  add(items: readonly Transaction[]): void {
    for (const item of items) this.store.add(item);
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
    return this.store.observations();
  }

  /** Name endpoints as the workspace's specs do, for every service without a list of its own. */
  setKnownTemplates(templates: readonly string[]): void {
    this.store.setKnownTemplates(ANY_SERVICE, templates);
    this.schedule({ inventory: true, transactions: false });
  }

  /** The user's templates (`.tapline/templates.json`): the inventory regroups at the next flush. */
  setUserTemplates(templates: readonly UserTemplate[]): void {
    if (JSON.stringify(templates) === JSON.stringify(this.userTemplates)) return;
    this.userTemplates = templates;
    this.store.setUserTemplates(templates);
    this.schedule({ inventory: true, transactions: false });
  }

  /**
   * New `tapline.inventory.*` bounds, applied to the store in place: endpoints, their counters and
   * samples stay (trimmed to lowered caps); see TrafficStore.reconfigure.
   */
  reconfigure(options: Partial<TrafficStoreOptions>): void {
    // Compared as the store applies them (defaults filled in): the first settings an engine reads
    // name the default values explicitly, and rebuilding then would cut what arrived before them
    // (an import on the click that started the engine) down to its samples.
    if (JSON.stringify(effective(options)) === JSON.stringify(effective(this.options))) return;
    this.options = options;
    this.store.reconfigure(options);
    this.schedule({ inventory: true, transactions: false });
  }

  clear(): void {
    this.recentItems.length = 0;
    this.store.clear();
    this.schedule({ inventory: true, transactions: true });
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

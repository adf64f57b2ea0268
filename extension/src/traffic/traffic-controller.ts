import * as vscode from 'vscode';
import type { InventoryDelta } from '../../../core/src/inventory/inventory-types';
import { TrafficStore, type TrafficStoreOptions } from '../../../core/src/inventory/traffic-store';
import type { Transaction } from '../../../core/src/protocol/transaction';
import { RateMeter } from '../rate-meter';

/** How often the inventory's changes are pushed to the tree, the Explorer and the server. */
const FLUSH_INTERVAL_MS = 250;
/** Endpoints per flush: bounds each message to the server and the Explorer; the rest follow next flush. */
const MAX_ENDPOINTS_PER_FLUSH = 500;
/** Live transactions kept for the Explorer's stream and for "Export HAR…". */
const RECENT_LIMIT = 500;

export interface TrafficFlush {
  delta: InventoryDelta;
  /** Transactions received since the previous flush (at most RECENT_LIMIT), oldest first. */
  transactions: Transaction[];
}

/**
 * The extension's traffic: every sensor's transactions go into one TrafficStore; changes leave
 * it in batches at most four times a second, however fast traffic arrives, so a flood never
 * freezes VS Code.
 */
export class TrafficController implements vscode.Disposable {
  readonly store: TrafficStore;
  readonly rate = new RateMeter();
  private readonly recentItems: Transaction[] = [];
  private sinceFlush: Transaction[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly flushed = new vscode.EventEmitter<TrafficFlush>();
  readonly onDidFlush = this.flushed.event;

  constructor(options: Partial<TrafficStoreOptions>) {
    this.store = new TrafficStore(options);
    this.store.onChange(() => this.schedule());
  }

  add(items: readonly Transaction[]): void {
    for (const item of items) {
      this.store.add(item);
      this.recentItems.push(item);
      this.sinceFlush.push(item);
    }
    if (this.recentItems.length > RECENT_LIMIT) this.recentItems.splice(0, this.recentItems.length - RECENT_LIMIT);
    if (this.sinceFlush.length > RECENT_LIMIT) this.sinceFlush.splice(0, this.sinceFlush.length - RECENT_LIMIT);
    this.rate.add(items.length);
    this.schedule();
  }

  /** The most recent transactions, oldest first. */
  recent(): readonly Transaction[] {
    return this.recentItems;
  }

  clear(): void {
    this.recentItems.length = 0;
    this.sinceFlush = [];
    this.store.clear();
    this.schedule();
  }

  /** The next flush carries the whole inventory (a language server that just started needs it). */
  resync(): void {
    this.store.requestReset();
    this.schedule();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
  }

  private flush(): void {
    this.timer = undefined;
    const delta = this.store.drainDelta(MAX_ENDPOINTS_PER_FLUSH);
    const transactions = this.sinceFlush;
    this.sinceFlush = [];
    if (delta) this.flushed.fire({ delta, transactions });
    if (delta?.remaining) this.schedule();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.flushed.dispose();
  }
}

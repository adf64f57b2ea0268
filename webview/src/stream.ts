// The live transaction stream: a bounded list, newest first, that can be paused. While paused,
// arrivals are held (bounded too) and counted so the user sees how much is waiting.
import type { Transaction } from '../../core/src/protocol/transaction';
import type { StatusClass, StreamFilter, StreamItem } from './model';

export const STREAM_CAPACITY = 500;

export class TransactionStream {
  private items: StreamItem[] = [];
  private held: StreamItem[] = [];
  private heldCount = 0;
  paused = false;

  constructor(readonly capacity = STREAM_CAPACITY) {}

  /** `batch` is in arrival order (oldest first), as the extension sends it. */
  push(batch: readonly StreamItem[]): void {
    if (batch.length === 0) return;
    const newestFirst = batch.slice(-this.capacity).reverse();
    if (this.paused) {
      this.heldCount += batch.length;
      this.held = newestFirst.concat(this.held).slice(0, this.capacity);
    } else {
      this.items = newestFirst.concat(this.items).slice(0, this.capacity);
    }
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.items = this.held.concat(this.items).slice(0, this.capacity);
    this.held = [];
    this.heldCount = 0;
  }

  clear(): void {
    this.items = [];
    this.held = [];
    this.heldCount = 0;
  }

  /** Transactions that arrived while paused (including ones already dropped by the bound). */
  get waiting(): number {
    return this.heldCount;
  }

  get list(): readonly StreamItem[] {
    return this.items;
  }
}

export function statusClassOf(status: number | undefined): Exclude<StatusClass, 'all'> {
  if (status === undefined) return 'none';
  if (status >= 500) return '5xx';
  if (status >= 400) return '4xx';
  if (status >= 300) return '3xx';
  return '2xx';
}

/**
 * How a transaction ended, for the stream: its HTTP status, or for a gRPC call its grpc-status (a
 * non-zero one failed although HTTP said 200, so it is classed with server errors).
 */
export function outcomeOf(tx: Transaction): { text: string; cls: Exclude<StatusClass, 'all'> } {
  const status = tx.response?.status;
  if (tx.grpc === undefined || status === undefined) return { text: status === undefined ? '—' : String(status), cls: statusClassOf(status) };
  const code = tx.grpc.status;
  if (code === undefined) return { text: `${status} · grpc —`, cls: 'none' };
  return { text: `${status} · grpc ${code}`, cls: code === 0 ? statusClassOf(status) : '5xx' };
}

export function matchesStream(item: StreamItem, filter: StreamFilter): boolean {
  const tx = item.transaction;
  if (filter.method !== '' && tx.request.method.toUpperCase() !== filter.method.toUpperCase()) return false;
  if (filter.status !== 'all' && outcomeOf(tx).cls !== filter.status) return false;
  const needle = filter.text.trim().toLowerCase();
  if (needle === '') return true;
  const haystack = `${tx.service} ${tx.request.method} ${tx.request.target} ${tx.response?.status ?? ''}`.toLowerCase();
  return needle.split(/\s+/).every((word) => haystack.includes(word));
}

export function filterStream(items: readonly StreamItem[], filter: StreamFilter): StreamItem[] {
  return items.filter((item) => matchesStream(item, filter));
}

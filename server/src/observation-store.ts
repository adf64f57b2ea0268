// What the extension has observed, rebuilt from `tapline/observations` deltas: endpoints with
// their counters and sketches, and a bounded set of sample transactions per endpoint.
import type { EndpointObservation, InventoryDelta } from '../../core/src/inventory/inventory-types';
import type { Transaction } from '../../core/src/protocol/transaction';

/** Samples kept per endpoint across deltas (each delta brings the new ones). */
const MAX_SAMPLES_PER_ENDPOINT = 24;

export type ApplyResult = 'applied' | 'gap';

export class ObservationStore {
  private readonly endpoints = new Map<string, EndpointObservation>();
  private lastSequence = 0;
  private version = 0;
  /** The earliest and latest time traffic was seen, for "unused" messages. */
  window: { from: number; to: number } | undefined;

  /** Changes on every applied delta; analyses compare it to know whether to rerun. */
  get revision(): number {
    return this.version;
  }

  get size(): number {
    return this.endpoints.size;
  }

  apply(delta: InventoryDelta): ApplyResult {
    if (!delta.reset && delta.sequence !== this.lastSequence + 1) return 'gap';
    this.lastSequence = delta.sequence;
    if (delta.reset) this.endpoints.clear();
    for (const removal of delta.removed) this.endpoints.delete(removal.id);
    for (const upserted of delta.upserted) {
      const previous = this.endpoints.get(upserted.id);
      const byId = new Map<string, Transaction>();
      for (const sample of [...(previous?.samples ?? []), ...upserted.samples]) byId.set(sample.id, sample);
      const samples = [...byId.values()].slice(-MAX_SAMPLES_PER_ENDPOINT);
      this.endpoints.set(upserted.id, { ...upserted, samples });
    }
    const all = this.all();
    this.window = all.length
      ? { from: Math.min(...all.map((e) => e.firstSeen)), to: Math.max(...all.map((e) => e.lastSeen)) }
      : undefined;
    this.version++;
    return 'applied';
  }

  all(): EndpointObservation[] {
    return [...this.endpoints.values()];
  }

  /** Every kept sample, the input of the diff. */
  transactions(): Transaction[] {
    return this.all().flatMap((e) => e.samples);
  }
}

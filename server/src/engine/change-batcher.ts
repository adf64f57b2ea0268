// Collects what changed (inventory, findings, sensors, transactions) and announces it at most
// once per interval, so a flood of traffic or sensor stats costs the client a few notifications a
// second, not one per event.
import type { EngineChangedParams } from '../../../core/src/messages';

export type ChangeKind = 'inventory' | 'findings' | 'sensors' | 'transactions';

export class ChangeBatcher {
  private pending = new Set<ChangeKind>();
  private timer: NodeJS.Timeout | undefined;
  private lastSent = 0;

  constructor(
    private readonly epoch: string,
    private readonly send: (params: EngineChangedParams) => void,
    private readonly intervalMs = 250,
  ) {}

  mark(kind: ChangeKind): void {
    this.pending.add(kind);
    if (this.timer) return;
    const wait = Math.max(0, this.lastSent + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = undefined;
    const kinds = this.pending;
    this.pending = new Set();
    this.lastSent = Date.now();
    this.send({
      epoch: this.epoch,
      inventory: kinds.has('inventory'),
      findings: kinds.has('findings'),
      sensors: kinds.has('sensors'),
      transactions: kinds.has('transactions'),
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}

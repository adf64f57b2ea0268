// One run at a time for engine changes: a change heard while a run is in flight is merged into the
// one run that follows it (what that run asks for covers both), so a burst of changes costs two
// runs, never one per change. Used by the snapshot feed and the Explorer host.
import type { EngineEvent } from './language-client';

/** Two changes as one (what a view asks for covers both). */
export function mergeEvents(a: EngineEvent, b: EngineEvent): EngineEvent {
  return {
    reset: a.reset || b.reset,
    inventory: a.inventory || b.inventory,
    findings: a.findings || b.findings,
    sensors: a.sensors || b.sensors,
    transactions: a.transactions || b.transactions,
  };
}

export class EventQueue {
  private inFlight: Promise<void> | undefined;
  private next: EngineEvent | undefined;

  constructor(
    private readonly run: (event: EngineEvent) => Promise<void>,
    private readonly failed: (error: unknown) => void,
  ) {}

  queue(event: EngineEvent): void {
    if (this.inFlight) {
      this.next = this.next ? mergeEvents(this.next, event) : event;
      return;
    }
    this.inFlight = this.run(event)
      .catch(this.failed)
      .finally(() => {
        this.inFlight = undefined;
        const again = this.next;
        this.next = undefined;
        if (again) this.queue(again);
      });
  }
}

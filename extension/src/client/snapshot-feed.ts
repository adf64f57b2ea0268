import * as vscode from 'vscode';
import { SNAPSHOT, type EngineSnapshot } from '../../../core/src/messages';
import { EventQueue } from './event-queue';
import type { EngineClient, EngineEvent } from './language-client';

/** What the views hear: the change and the one snapshot asked for it (undefined while no engine runs). */
export interface SnapshotUpdate {
  event: EngineEvent;
  snapshot: EngineSnapshot | undefined;
}

/**
 * One snapshot request per engine change, shared by every view (the Endpoints tree, the Sensors
 * view, the status bar, the Explorer), instead of one request per view: the extension host shares
 * its event loop with every other extension, so it parses each snapshot once. One request is in
 * flight at a time; changes heard meanwhile are merged into the next one. It keeps the latest
 * snapshot only for the views to render from (no traffic of its own), and drops it with its engine.
 */
export class SnapshotFeed implements vscode.Disposable {
  private latestSnapshot: EngineSnapshot | undefined;
  private readonly changes = new EventQueue(
    (event) => this.fetch(event),
    (error) => this.warn(`the engine did not answer a snapshot: ${String(error)}`),
  );
  private readonly updated = new vscode.EventEmitter<SnapshotUpdate>();
  readonly onDidUpdate = this.updated.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly engine: EngineClient,
    private readonly warn: (message: string) => void,
  ) {
    this.subscription = engine.onDidChange((event) => this.queue(event));
  }

  get latest(): EngineSnapshot | undefined {
    return this.latestSnapshot;
  }

  /** The latest snapshot, or one asked for now (starting the engine) when there is none yet. */
  async current(): Promise<EngineSnapshot> {
    if (this.latestSnapshot) return this.latestSnapshot;
    const snapshot = await this.engine.request(SNAPSHOT, {});
    this.engine.observeEpoch(snapshot.epoch);
    // An answer from an engine that was replaced meanwhile is not kept.
    if (this.engine.isRunning) this.latestSnapshot = snapshot;
    return snapshot;
  }

  /** Asks again for what `event` names (the status bar's periodic refresh: the rate decays without traffic). */
  queue(event: EngineEvent): void {
    this.changes.queue(event);
  }

  private async fetch(event: EngineEvent): Promise<void> {
    if (event.reset) this.latestSnapshot = undefined;
    const snapshot = await this.engine.requestIfRunning(SNAPSHOT, {});
    if (snapshot) {
      this.engine.observeEpoch(snapshot.epoch);
      this.latestSnapshot = snapshot;
    }
    this.updated.fire({ event, snapshot });
  }

  dispose(): void {
    this.subscription.dispose();
    this.updated.dispose();
  }
}

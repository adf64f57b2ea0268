// Marks the Get Started walkthrough's steps done on what really happened, through context keys
// its completionEvents name (`onContext:…`): traffic observed (any source: the sample, a sensor,
// a HAR), a sensor connected and live, a Tapline diagnostic shown in a document, a dev cluster
// connected. A key, once set, stays set for the session (VS Code remembers a completed step).
import * as vscode from 'vscode';
import type { EngineSnapshot } from '../../../core/src/messages';
import type { SnapshotFeed } from '../client/snapshot-feed';
import { PROGRESS_KEYS, type ProgressStep } from './progress-keys';

/** The diagnostics' `source` the engine sets (server/src/diagnostics-publisher.ts). */
const DIAGNOSTIC_SOURCE = 'tapline';

export class WalkthroughProgress implements vscode.Disposable {
  private readonly done = new Set<ProgressStep>();
  private readonly subscriptions: vscode.Disposable[] = [];

  /** Reads the snapshots the views already share (SnapshotFeed): no request of its own. */
  constructor(feed: SnapshotFeed) {
    this.subscriptions.push(
      feed.onDidUpdate(({ snapshot }) => {
        if (snapshot && !(this.done.has('traffic') && this.done.has('sensor'))) this.apply(snapshot);
      }),
      vscode.languages.onDidChangeDiagnostics((e) => {
        if (e.uris.some((uri) => vscode.languages.getDiagnostics(uri).some((d) => d.source === DIAGNOSTIC_SOURCE))) this.mark('diagnostic');
      }),
    );
  }

  mark(step: ProgressStep): void {
    if (this.done.has(step)) return;
    this.done.add(step);
    void vscode.commands.executeCommand('setContext', PROGRESS_KEYS[step], true);
  }

  private apply(snapshot: EngineSnapshot): void {
    if (snapshot.inventory.services.some((s) => s.endpoints.length > 0)) this.mark('traffic');
    if (snapshot.sensors.some((s) => s.state === 'live')) this.mark('sensor');
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
  }
}

// Marks the Get Started walkthrough's steps done on what really happened, through context keys
// its completionEvents name (`onContext:…`): traffic observed (any source: the sample, a sensor,
// a HAR), a sensor connected and live, a Tapline diagnostic shown in a document, a dev cluster
// connected. A key, once set, stays set for the session (VS Code remembers a completed step).
import * as vscode from 'vscode';
import { SNAPSHOT, type EngineSnapshot } from '../../../core/src/messages';
import type { EngineClient } from '../client/language-client';
import { PROGRESS_KEYS, type ProgressStep } from './progress-keys';

/** The diagnostics' `source` the engine sets (server/src/diagnostics-publisher.ts). */
const DIAGNOSTIC_SOURCE = 'tapline';

export class WalkthroughProgress implements vscode.Disposable {
  private readonly done = new Set<ProgressStep>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private asking = false;
  /** A change arrived while a snapshot was being read: read again after it (that change may be newer). */
  private again = false;

  constructor(private readonly engine: EngineClient) {
    this.subscriptions.push(
      engine.onDidChange((e) => {
        if (e.reset || e.inventory || e.transactions || e.sensors) void this.check().catch(() => undefined);
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

  /** Reads the engine's snapshot while traffic or a live sensor is still to be seen; never starts the engine. */
  private async check(): Promise<void> {
    if (this.done.has('traffic') && this.done.has('sensor')) return;
    if (this.asking) {
      this.again = true;
      return;
    }
    this.asking = true;
    try {
      do {
        this.again = false;
        const snapshot = await this.engine.requestIfRunning(SNAPSHOT, {});
        if (snapshot) this.apply(snapshot);
      } while (this.again);
    } finally {
      this.asking = false;
    }
  }

  private apply(snapshot: EngineSnapshot): void {
    if (snapshot.inventory.services.some((s) => s.endpoints.length > 0)) this.mark('traffic');
    if (snapshot.sensors.some((s) => s.state === 'live')) this.mark('sensor');
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
  }
}

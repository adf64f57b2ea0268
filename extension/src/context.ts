import * as vscode from 'vscode';

/**
 * The extension's lifetime state: one log channel and one cleanup list. Anything that must be
 * released on deactivation is pushed to `subscriptions`; async cleanups go to `onDispose`.
 */
export class TaplineContext {
  readonly log: vscode.LogOutputChannel;
  private readonly asyncCleanups: Array<() => Promise<void>> = [];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('Tapline', { log: true });
    extension.subscriptions.push(this.log);
  }

  get subscriptions(): vscode.Disposable[] {
    return this.extension.subscriptions;
  }

  get extensionUri(): vscode.Uri {
    return this.extension.extensionUri;
  }

  onDispose(cleanup: () => Promise<void>): void {
    this.asyncCleanups.push(cleanup);
  }

  async dispose(): Promise<void> {
    const results = await Promise.allSettled(this.asyncCleanups.map((cleanup) => cleanup()));
    for (const result of results) {
      if (result.status === 'rejected') this.log.error('cleanup failed', result.reason);
    }
  }
}

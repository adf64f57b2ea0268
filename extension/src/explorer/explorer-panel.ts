import * as vscode from 'vscode';
import type { StoreStats } from '../../../core/src/inventory/inventory-types';
import {
  ENDPOINT_DETAIL,
  RECENT_TRANSACTIONS,
  parseWebviewMessage,
  type EngineSnapshot,
  type ExtensionToWebviewMessage,
  type WebviewToExtensionMessage,
} from '../../../core/src/messages';
import type { EngineClient, EngineEvent } from '../client/language-client';
import { EventQueue } from '../client/event-queue';
import type { SnapshotFeed } from '../client/snapshot-feed';
import type { TaplineContext } from '../context';
import { applyFix, revealEndpoint } from '../endpoint-actions';
import { explorerHtml } from './explorer-html';

export const EXPLORER_VIEW_TYPE = 'tapline.explorer';

const EMPTY_STATS: StoreStats = { transactions: 0, services: 0, endpoints: 0, evictedEndpoints: 0, evictedServices: 0, mergedEndpoints: 0, templaterOverflow: 0 };

/**
 * Owns the single API Explorer panel: creates it, revives it after a reload, and speaks the typed
 * messages of core/src/messages/webview.ts with it. What it shows it asks the engine for, only
 * while the panel is open; it forwards and keeps nothing. Only data crosses; the page renders it as text.
 */
export class ExplorerPanels implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  /** A selection asked for before the page was ready; sent once it is. */
  private pendingSelection: string | undefined;
  private readonly panelSubscriptions: vscode.Disposable[] = [];
  /** The engine's cursor of the last transaction the page got (per epoch). */
  private cursor = 0;
  private findingsSequence = 0;
  private selected: string | undefined;
  private readonly changes = new EventQueue(
    (event) => this.refresh(event),
    (error) => this.tapline.log.warn(`API Explorer: the engine did not answer: ${String(error)}`),
  );

  constructor(
    private readonly tapline: TaplineContext,
    private readonly engine: EngineClient,
    private readonly feed: SnapshotFeed,
  ) {
    tapline.subscriptions.push(
      feed.onDidUpdate((update) => {
        if (!this.panel || !this.ready) return;
        this.queue(update.event);
      }),
    );
  }

  /**
   * One refresh at a time; changes that arrive meanwhile are merged into the next one. The
   * snapshot is the feed's (asked once per change for every view), never one of its own.
   */
  private queue(event: EngineEvent): void {
    this.changes.queue(event);
  }

  private async refresh(event: EngineEvent): Promise<void> {
    if (event.reset) this.cursor = 0;
    if (!this.engine.isRunning) {
      // No engine (restarting): show nothing rather than the previous one's state; its successor's change notification refills the page.
      if (event.reset) this.post({ type: 'snapshot', snapshot: { sequence: 0, services: [], stats: EMPTY_STATS } });
      if (event.reset) this.post({ type: 'findings', sequence: ++this.findingsSequence, endpoints: [] });
      return;
    }
    if (event.reset || event.inventory || event.findings) {
      const snapshot: EngineSnapshot = await this.feed.current();
      this.post({ type: 'snapshot', snapshot: snapshot.inventory });
      this.post({ type: 'findings', sequence: ++this.findingsSequence, endpoints: snapshot.endpoints });
      this.post({ type: 'desyncs', services: snapshot.desyncs ?? [] });
      this.post({ type: 'coverage', specs: snapshot.coverage ?? [] });
      if (this.selected && (event.reset || event.inventory)) await this.sendSelection(this.selected, false);
    }
    if (event.reset || event.transactions) {
      const recent = await this.engine.request(RECENT_TRANSACTIONS, { after: this.cursor });
      this.cursor = recent.cursor;
      if (recent.transactions.length) this.post({ type: 'transactions', transactions: recent.transactions });
    }
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    this.adopt(vscode.window.createWebviewPanel(EXPLORER_VIEW_TYPE, 'API Explorer', vscode.ViewColumn.Active, this.options()));
  }

  /** Shows the panel with an endpoint's detail. */
  select(endpointId: string): void {
    this.show();
    if (this.ready) void this.sendSelection(endpointId).catch((error: unknown) => this.tapline.log.warn(`API Explorer: ${String(error)}`));
    else this.pendingSelection = endpointId;
  }

  /** Called by VS Code's serializer when a window reloads with the panel open. */
  revive(panel: vscode.WebviewPanel): void {
    panel.webview.options = this.options();
    this.adopt(panel);
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      // The panel may load nothing but its own bundle.
      localResourceRoots: [vscode.Uri.joinPath(this.tapline.extensionUri, 'dist')],
    };
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(this.tapline.extensionUri, 'dist', 'webview.js'));
    panel.webview.html = explorerHtml(panel.webview.cspSource, script.toString());
    this.panelSubscriptions.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseWebviewMessage(raw);
        if (!message) return this.tapline.log.warn('API Explorer: dropped a malformed message from the panel');
        void this.receive(message).catch((error: unknown) => this.tapline.log.error('API Explorer: handling a message failed', error));
      }),
      panel.onDidDispose(() => {
        if (this.panel !== panel) return;
        this.panel = undefined;
        this.ready = false;
        this.selected = undefined;
        vscode.Disposable.from(...this.panelSubscriptions.splice(0)).dispose();
      }),
    );
    this.tapline.log.info('API Explorer opened');
  }

  private async receive(message: WebviewToExtensionMessage): Promise<void> {
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        const pending = this.pendingSelection;
        this.pendingSelection = undefined;
        this.queue({ reset: true, inventory: true, findings: true, sensors: false, transactions: true });
        if (pending) await this.sendSelection(pending);
        return;
      }
      case 'selectEndpoint':
        await this.sendSelection(message.endpointId);
        return;
      case 'applyFix':
        try {
          await applyFix(this.engine, message.findingId, message.fixIndex);
        } finally {
          // Whatever happened, the page's fix button must not stay disabled: fresh findings re-enable it.
          this.queue({ reset: false, inventory: false, findings: true, sensors: false, transactions: false });
        }
        return;
      case 'openInSpec':
        await revealEndpoint(this.engine, message.endpointId);
        return;
    }
  }

  /** `reveal`: the user chose it (show the Detail tab); false for a refresh as traffic arrives. */
  private async sendSelection(endpointId: string, reveal = true): Promise<void> {
    const { epoch, detail, grpc } = await this.engine.request(ENDPOINT_DETAIL, { endpointId });
    this.engine.observeEpoch(epoch);
    this.selected = detail ? endpointId : undefined;
    this.post({ type: 'selection', endpointId: detail ? endpointId : null, ...(reveal ? { reveal: true } : {}), ...(detail ? { detail } : {}), ...(detail && grpc ? { grpc } : {}) });
  }

  private post(message: ExtensionToWebviewMessage): void {
    if (this.panel && this.ready) void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

export function registerExplorer(tapline: TaplineContext, engine: EngineClient, feed: SnapshotFeed): ExplorerPanels {
  const panels = new ExplorerPanels(tapline, engine, feed);
  tapline.subscriptions.push(
    panels,
    vscode.window.registerWebviewPanelSerializer(EXPLORER_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => panels.revive(panel),
    }),
  );
  return panels;
}

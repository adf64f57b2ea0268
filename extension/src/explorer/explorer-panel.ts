import * as vscode from 'vscode';
import type { EndpointSummary } from '../../../core/src/inventory/inventory-types';
import { parseWebviewMessage, type ExtensionToWebviewMessage, type WebviewToExtensionMessage } from '../../../core/src/messages';
import type { TaplineContext } from '../context';
import { applyFindingFix, findFinding, revealLocation } from '../endpoint-actions';
import type { FindingsState } from '../traffic/findings-state';
import type { TrafficController } from '../traffic/traffic-controller';
import { explorerHtml } from './explorer-html';

export const EXPLORER_VIEW_TYPE = 'tapline.explorer';

/**
 * Owns the single API Explorer panel: creates it, revives it after a reload, and speaks the typed
 * messages of core/src/messages/webview.ts with it. Only data crosses; the page renders it as text.
 */
export class ExplorerPanels implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  /** A selection asked for before the page was ready; sent once it is. */
  private pendingSelection: string | undefined;
  private readonly panelSubscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly tapline: TaplineContext,
    private readonly traffic: TrafficController,
    private readonly findings: FindingsState,
  ) {
    tapline.subscriptions.push(
      traffic.onDidFlush(({ delta, transactions }) => {
        if (delta.reset) this.post({ type: 'snapshot', snapshot: traffic.store.snapshot() });
        else this.post({ type: 'delta', sequence: delta.sequence, upserted: delta.upserted.map(summaryOf), removed: delta.removed, stats: delta.stats });
        if (transactions.length) this.post({ type: 'transactions', transactions });
      }),
      findings.onDidChange((params) => this.post({ type: 'findings', sequence: params.sequence, endpoints: params.endpoints })),
    );
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
    if (this.ready) this.sendSelection(endpointId);
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
        vscode.Disposable.from(...this.panelSubscriptions.splice(0)).dispose();
      }),
    );
    this.tapline.log.info('API Explorer opened');
  }

  private async receive(message: WebviewToExtensionMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.post({ type: 'snapshot', snapshot: this.traffic.store.snapshot() });
        this.post({ type: 'findings', sequence: this.findings.current.sequence, endpoints: this.findings.current.endpoints });
        this.post({ type: 'transactions', transactions: [...this.traffic.recent()] });
        if (this.pendingSelection) this.sendSelection(this.pendingSelection);
        this.pendingSelection = undefined;
        return;
      case 'selectEndpoint':
        this.sendSelection(message.endpointId);
        return;
      case 'applyFix': {
        const finding = findFinding(this.findings, message.findingId);
        if (finding) await applyFindingFix(finding, message.fixIndex);
        else void vscode.window.showWarningMessage('Tapline: that finding is gone; the spec or the traffic changed.');
        return;
      }
      case 'openInSpec': {
        const location = this.findings.forEndpoint(message.endpointId)?.location;
        if (location) await revealLocation(location);
        else void vscode.window.showInformationMessage('Tapline: no OpenAPI operation in the workspace describes this endpoint.');
        return;
      }
      case 'filterChanged':
        return; // the page keeps its own filter in its state; nothing to do here
    }
  }

  private sendSelection(endpointId: string): void {
    const detail = this.traffic.store.endpoint(endpointId);
    this.post({ type: 'selection', endpointId: detail ? endpointId : null, ...(detail ? { detail } : {}) });
  }

  private post(message: ExtensionToWebviewMessage): void {
    if (this.panel && this.ready) void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

function summaryOf(e: EndpointSummary): EndpointSummary {
  // Observations carry samples and sketches; the table needs the summary fields only.
  const { id, service, method, template, declared, count, statuses, latency, firstSeen, lastSeen } = e;
  const { requestContentTypes, responseContentTypes, authSchemes, redactionKinds } = e;
  return { id, service, method, template, declared, count, statuses, latency, firstSeen, lastSeen, requestContentTypes, responseContentTypes, authSchemes, redactionKinds };
}

export function registerExplorer(tapline: TaplineContext, traffic: TrafficController, findings: FindingsState): ExplorerPanels {
  const panels = new ExplorerPanels(tapline, traffic, findings);
  tapline.subscriptions.push(
    panels,
    vscode.window.registerWebviewPanelSerializer(EXPLORER_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => panels.revive(panel),
    }),
  );
  return panels;
}

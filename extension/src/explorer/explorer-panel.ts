import * as vscode from 'vscode';
import type { TaplineContext } from '../context';
import { explorerHtml } from './explorer-html';

export const EXPLORER_VIEW_TYPE = 'tapline.explorer';

/** Owns the single API Explorer panel: creates it, reveals it, and revives it after a reload. */
export class ExplorerPanels {
  private panel: vscode.WebviewPanel | undefined;

  constructor(private readonly tapline: TaplineContext) {}

  show(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(EXPLORER_VIEW_TYPE, 'API Explorer', vscode.ViewColumn.Active, this.options());
    this.adopt(panel);
  }

  /** Called by VS Code's serializer when a window reloads with the panel open. */
  revive(panel: vscode.WebviewPanel): void {
    panel.webview.options = this.options();
    this.adopt(panel);
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      // The panel may load nothing but its own bundle.
      localResourceRoots: [vscode.Uri.joinPath(this.tapline.extensionUri, 'dist')],
    };
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(this.tapline.extensionUri, 'dist', 'webview.js'));
    panel.webview.html = explorerHtml(panel.webview.cspSource, script.toString());
    panel.onDidDispose(() => {
      if (this.panel === panel) this.panel = undefined;
    }, undefined, this.tapline.subscriptions);
    this.tapline.log.info('API Explorer opened');
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

export function registerExplorer(tapline: TaplineContext): ExplorerPanels {
  const panels = new ExplorerPanels(tapline);
  tapline.subscriptions.push(
    panels,
    vscode.window.registerWebviewPanelSerializer(EXPLORER_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => panels.revive(panel),
    }),
  );
  return panels;
}

import * as vscode from 'vscode';
import type { TaplineContext } from './context';
import type { ExplorerPanels } from './explorer/explorer-panel';
import type { LanguageClientHost } from './client/language-client';

interface Features {
  explorer: ExplorerPanels;
  languageClient: LanguageClientHost;
}

/** Commands whose features land in later work; they exist (with titles) so menus and keybindings are stable. */
const NOT_YET: Record<string, string> = {
  'tapline.connectSensor': 'Connecting to a sensor',
  'tapline.disconnectSensor': 'Disconnecting a sensor',
  'tapline.importHar': 'Importing a HAR file',
  'tapline.exportHar': 'Exporting a HAR file',
  'tapline.clearTraffic': 'Clearing traffic',
  'tapline.generateSpec': 'Generating an OpenAPI document',
  'tapline.endpoint.openInExplorer': 'Opening an endpoint in the Explorer',
  'tapline.endpoint.revealInSpec': 'Revealing an endpoint in the spec',
  'tapline.endpoint.addToSpec': 'Adding an endpoint to the spec',
  'tapline.endpoint.copyAsCurl': 'Copying an endpoint as curl',
};

export function registerCommands(tapline: TaplineContext, features: Features): void {
  const register = (id: string, run: (...args: unknown[]) => unknown): void => {
    tapline.subscriptions.push(vscode.commands.registerCommand(id, run));
  };
  register('tapline.openExplorer', () => features.explorer.show());
  register('tapline.showLogs', () => tapline.log.show());
  register('tapline.restartServer', () => features.languageClient.restart());
  for (const [id, feature] of Object.entries(NOT_YET)) {
    register(id, () => {
      tapline.log.info(`${id}: not available yet`);
      void vscode.window.showInformationMessage(`Tapline: ${feature} is not available yet.`);
    });
  }
}

import type * as vscode from 'vscode';
import { registerCommands } from './commands';
import { TaplineContext } from './context';
import { registerExplorer } from './explorer/explorer-panel';
import { registerLanguageClient } from './client/language-client';
import { registerEndpointsTree } from './tree/endpoints-tree';

let tapline: TaplineContext | undefined;

export function activate(extensionContext: vscode.ExtensionContext): void {
  tapline = new TaplineContext(extensionContext);
  tapline.log.info(`Tapline ${String(extensionContext.extension.packageJSON.version)} activating`);
  registerEndpointsTree(tapline);
  const explorer = registerExplorer(tapline);
  const languageClient = registerLanguageClient(tapline);
  registerCommands(tapline, { explorer, languageClient });
}

export async function deactivate(): Promise<void> {
  await tapline?.dispose();
  tapline = undefined;
}

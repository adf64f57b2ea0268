import * as vscode from 'vscode';
import { registerEngineClient } from './client/language-client';
import { SnapshotFeed } from './client/snapshot-feed';
import { registerCommands } from './commands';
import { TaplineContext } from './context';
import { registerExplorer } from './explorer/explorer-panel';
import { detectOpenApi } from '../../core/src/openapi/detect';
import { SensorSync } from './sensors/sensor-sync';
import { registerStatusBar } from './status-bar';
import { registerEndpointsTree } from './tree/endpoints-tree';
import { registerSensorsTree } from './tree/sensors-tree';
import { registerWalkthrough } from './walkthrough/walkthrough-commands';

let tapline: TaplineContext | undefined;

function isOpenApiDocument(document: vscode.TextDocument): boolean {
  return (document.languageId === 'yaml' || document.languageId === 'json') && detectOpenApi(document.getText()) !== undefined;
}

export function activate(extensionContext: vscode.ExtensionContext): void {
  tapline = new TaplineContext(extensionContext);
  tapline.log.info(`Tapline ${String(extensionContext.extension.packageJSON.version)} activating`);
  const engine = registerEngineClient(tapline);
  const sensors = new SensorSync(tapline, engine);
  const log = tapline.log;
  const feed = new SnapshotFeed(engine, (message) => log.warn(message));
  tapline.subscriptions.push(feed);
  const tree = registerEndpointsTree(tapline, feed);
  const explorer = registerExplorer(tapline, engine, feed);
  registerStatusBar(feed, tapline.subscriptions);
  registerSensorsTree(tapline, feed);
  const walkthrough = registerWalkthrough(tapline, { engine, sensors, explorer, feed });
  registerCommands(tapline, { explorer, engine, sensors, tree, onClusterConnected: () => walkthrough.mark('cluster') });

  // The engine starts with the first OpenAPI document, the first configured sensor, or the first view that asks.
  const consider = (document: vscode.TextDocument): void => {
    if (isOpenApiDocument(document)) void engine.ensureStarted(`OpenAPI document opened: ${document.uri.fsPath}`).catch(() => undefined);
  };
  vscode.workspace.textDocuments.forEach(consider);
  tapline.subscriptions.push(vscode.workspace.onDidOpenTextDocument(consider));
  void sensors.connectConfigured().catch(() => undefined);
}

export async function deactivate(): Promise<void> {
  await tapline?.dispose();
  tapline = undefined;
}

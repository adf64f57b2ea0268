import type * as vscode from 'vscode';
import { registerLanguageClient } from './client/language-client';
import { registerCommands } from './commands';
import { TaplineContext } from './context';
import { registerExplorer } from './explorer/explorer-panel';
import { SensorManager } from './sensors/sensor-manager';
import { registerStatusBar } from './status-bar';
import { FindingsState } from './traffic/findings-state';
import { storeOptionsFromSettings } from './traffic/store-options';
import { TrafficController } from './traffic/traffic-controller';
import { registerEndpointsTree } from './tree/endpoints-tree';

let tapline: TaplineContext | undefined;

export function activate(extensionContext: vscode.ExtensionContext): void {
  tapline = new TaplineContext(extensionContext);
  tapline.log.info(`Tapline ${String(extensionContext.extension.packageJSON.version)} activating`);
  const traffic = new TrafficController(storeOptionsFromSettings());
  const findings = new FindingsState();
  const sensors = new SensorManager(tapline, (items) => traffic.add(items));
  tapline.subscriptions.push(traffic, findings, sensors);

  const tree = registerEndpointsTree(tapline, traffic, findings);
  const explorer = registerExplorer(tapline, traffic, findings);
  const languageClient = registerLanguageClient(tapline, traffic, findings);
  registerStatusBar(sensors, traffic.rate, tapline.subscriptions);
  registerCommands(tapline, { explorer, languageClient, sensors, traffic, findings, tree });
  void sensors.connectConfigured();
}

export async function deactivate(): Promise<void> {
  await tapline?.dispose();
  tapline = undefined;
}

import * as vscode from 'vscode';
import type { LanguageClientHost } from './client/language-client';
import type { TaplineContext } from './context';
import { applyFindingFix, copyAsCurl, revealLocation } from './endpoint-actions';
import { generateSpecFromTraffic } from './generate/generate-command';
import type { ExplorerPanels } from './explorer/explorer-panel';
import { connectToSensor, type ConnectArguments } from './sensors/connect-command';
import type { SensorManager } from './sensors/sensor-manager';
import type { EndpointSort } from './tree/endpoint-format';
import type { EndpointsTree, EndpointTreeNode } from './tree/endpoints-tree';
import type { FindingsState } from './traffic/findings-state';
import { exportHar, importHar } from './traffic/har-commands';
import type { TrafficController } from './traffic/traffic-controller';

export interface Features {
  explorer: ExplorerPanels;
  languageClient: LanguageClientHost;
  sensors: SensorManager;
  traffic: TrafficController;
  findings: FindingsState;
  tree: EndpointsTree;
}

const SORTS: Array<{ label: string; sort: EndpointSort }> = [
  { label: 'Calls (most first)', sort: 'calls' },
  { label: 'Path', sort: 'path' },
  { label: 'p95 latency (slowest first)', sort: 'latency' },
  { label: 'Errors (most first)', sort: 'errors' },
  { label: 'Last seen (newest first)', sort: 'recent' },
];

/** The endpoint id from a tree node (context menu) or a plain id (scripts, the Explorer). */
function endpointIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const node = arg as EndpointTreeNode | undefined;
  return node?.kind === 'endpoint' ? node.endpoint.id : undefined;
}

export function registerCommands(tapline: TaplineContext, f: Features): void {
  const register = (id: string, run: (...args: unknown[]) => unknown): void => {
    tapline.subscriptions.push(vscode.commands.registerCommand(id, run));
  };
  register('tapline.connectSensor', (args?: unknown) => connectToSensor(f.sensors, (args ?? {}) as ConnectArguments));
  register('tapline.disconnectSensor', async () => {
    const picked = await vscode.window.showQuickPick(
      f.sensors.sensors.map((s) => ({ label: s.setting.name ?? s.setting.url, description: s.client.state.kind, url: s.setting.url })),
      { title: 'Disconnect Sensor', placeHolder: f.sensors.sensors.length ? 'Sensor to disconnect and forget' : 'No sensors are connected' },
    );
    if (picked) await f.sensors.remove(picked.url);
  });
  register('tapline.importHar', (file?: unknown) => importHar(tapline, f.traffic, file instanceof vscode.Uri ? file : undefined));
  register('tapline.exportHar', (file?: unknown) => exportHar(tapline, f.traffic, file instanceof vscode.Uri ? file : undefined));
  register('tapline.clearTraffic', () => f.traffic.clear());
  register('tapline.openExplorer', () => f.explorer.show());
  register('tapline.showLogs', () => tapline.log.show());
  register('tapline.restartServer', () => f.languageClient.restart());
  register('tapline.endpoints.sort', async () => {
    const picked = await vscode.window.showQuickPick(SORTS, { title: 'Sort Endpoints By' });
    if (picked) f.tree.setSort(picked.sort);
  });
  register('tapline.endpoints.filter', async () => {
    const text = await vscode.window.showInputBox({ title: 'Filter Endpoints', prompt: 'Words matched against method, path and service', value: f.tree.currentFilter });
    if (text !== undefined) f.tree.setFilter(text);
  });
  register('tapline.endpoints.clearFilter', () => f.tree.setFilter(''));

  register('tapline.endpoint.openInExplorer', (arg?: unknown) => {
    const id = endpointIdOf(arg);
    if (id) f.explorer.select(id);
  });
  register('tapline.endpoint.revealInSpec', async (arg?: unknown) => {
    const id = endpointIdOf(arg);
    const location = id ? f.findings.forEndpoint(id)?.location : undefined;
    if (location) await revealLocation(location);
    else void vscode.window.showInformationMessage('Tapline: no OpenAPI operation in the workspace describes this endpoint.');
  });
  register('tapline.endpoint.addToSpec', async (arg?: unknown) => {
    const id = endpointIdOf(arg);
    const finding = id
      ? f.findings.forEndpoint(id)?.findings.find((x) => (x.code === 'undocumented-endpoint' || x.code === 'undocumented-method') && x.fixes?.length)
      : undefined;
    if (finding) await applyFindingFix(finding, 0);
    else void vscode.window.showInformationMessage('Tapline: this endpoint has no "add to spec" fix (is an OpenAPI document open in the workspace?).');
  });
  register('tapline.endpoint.copyAsCurl', async (arg?: unknown) => {
    const id = endpointIdOf(arg);
    if (id) await copyAsCurl(f.traffic, id);
  });
  register('tapline.generateSpec', () => generateSpecFromTraffic(f.traffic.store, tapline.log));
}

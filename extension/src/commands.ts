import * as vscode from 'vscode';
import { CLEAR_TRAFFIC, SNAPSHOT } from '../../core/src/messages';
import type { EngineClient } from './client/language-client';
import type { TaplineContext } from './context';
import { addEndpointToSpec, applyFix, copyAsCurl, revealEndpoint } from './endpoint-actions';
import { generateSpecFromTraffic } from './generate/generate-command';
import { regenerateGatewayConfig, testGatewayPolicy } from './gateway/gateway-commands';
import type { ExplorerPanels } from './explorer/explorer-panel';
import { exportHar, importHar } from './har-commands';
import { editPathTemplate } from './templates/edit-template-command';
import { exportOverlay } from './coverage/overlay-command';
import { connectToSensor, type ConnectArguments } from './sensors/connect-command';
import { connectToCluster, disconnectCluster } from './sensors/cluster-command';
import { subscribeToStream, unsubscribeStreams, type StreamArguments } from './sensors/stream-command';
import type { ClusterConnectParams } from '../../core/src/messages';
import type { SensorSync } from './sensors/sensor-sync';
import type { EndpointSort } from './tree/endpoint-format';
import type { EndpointsTree, EndpointTreeNode } from './tree/endpoints-tree';

export interface Features {
  explorer: ExplorerPanels;
  engine: EngineClient;
  sensors: SensorSync;
  tree: EndpointsTree;
  /** The walkthrough's last step is done when a cluster connects. */
  onClusterConnected?: () => void;
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
  return node?.kind === 'endpoint' || node?.kind === 'grpcMethod' ? node.endpoint.id : undefined;
}

export function registerCommands(tapline: TaplineContext, f: Features): void {
  const register = (id: string, run: (...args: unknown[]) => unknown): void => {
    tapline.subscriptions.push(vscode.commands.registerCommand(id, run));
  };
  register('tapline.connectSensor', (args?: unknown) => connectToSensor(f.sensors, (args ?? {}) as ConnectArguments));
  register('tapline.disconnectSensor', async () => {
    const sensors = (await f.engine.requestIfRunning(SNAPSHOT, {}))?.sensors ?? [];
    const picked = await vscode.window.showQuickPick(
      sensors.map((s) => ({ label: s.name ?? s.url, description: s.detail, url: s.url })),
      { title: 'Disconnect Sensor', placeHolder: sensors.length ? 'Sensor to disconnect and forget' : 'No sensors are connected' },
    );
    if (picked) await f.sensors.remove(picked.url);
  });
  register('tapline.connectCluster', async (args?: unknown) => {
    const result = await connectToCluster(f.engine, (args ?? {}) as ClusterConnectParams);
    if (result?.ok) f.onClusterConnected?.();
    return result;
  });
  register('tapline.disconnectCluster', () => disconnectCluster(f.engine));
  register('tapline.subscribeStream', (args?: unknown) => subscribeToStream(f.engine, (args ?? {}) as StreamArguments));
  register('tapline.unsubscribeStreams', () => unsubscribeStreams(f.engine));
  register('tapline.importHar', (file?: unknown) => importHar(tapline, f.engine, file instanceof vscode.Uri ? file : undefined));
  register('tapline.exportHar', (file?: unknown) => exportHar(tapline, f.engine, file instanceof vscode.Uri ? file : undefined));
  register('tapline.clearTraffic', () => f.engine.requestIfRunning(CLEAR_TRAFFIC, {}));
  register('tapline.openExplorer', () => f.explorer.show());
  register('tapline.showLogs', () => tapline.log.show());
  register('tapline.restartServer', () => f.engine.restart());
  // By a finding's stable id (the tree, the Explorer, scripts): answers { ok } or { ok: false, reason }.
  register('tapline.applyFix', (findingId?: unknown, fixIndex?: unknown) => {
    if (typeof findingId !== 'string') throw new Error('tapline.applyFix needs a finding id');
    return applyFix(f.engine, findingId, typeof fixIndex === 'number' ? fixIndex : 0);
  });
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
    if (id) await revealEndpoint(f.engine, id);
  });
  register('tapline.endpoint.addToSpec', async (arg?: unknown) => {
    const id = endpointIdOf(arg);
    if (id) await addEndpointToSpec(f.engine, id);
  });
  register('tapline.endpoint.copyAsCurl', async (arg?: unknown) => {
    const id = endpointIdOf(arg);
    if (id) await copyAsCurl(f.engine, id);
  });
  register('tapline.endpoint.editTemplate', (arg?: unknown) => {
    const node = arg as EndpointTreeNode | undefined;
    return editPathTemplate(node?.kind === 'endpoint' ? node : undefined, tapline.log);
  });
  register('tapline.exportOverlay', (file?: unknown) => exportOverlay(f.engine, tapline.log, file instanceof vscode.Uri ? file : undefined));
  register('tapline.generateSpec', () => generateSpecFromTraffic(f.engine, tapline.log));
  register('tapline.gateway.regenerate', () => regenerateGatewayConfig(f.engine, tapline.log));
  register('tapline.gateway.testPolicy', () => testGatewayPolicy(f.engine));
}

import * as vscode from 'vscode';
import { SNAPSHOT, type SensorStatus } from '../../../core/src/messages';
import type { EngineClient } from '../client/language-client';
import type { TaplineContext } from '../context';
import { visibilityRows, visibilitySummary, type VisibilityRow } from './visibility-rows';

type Node = SensorStatus | VisibilityRow;

function isRow(n: Node): n is VisibilityRow {
  return 'icon' in n;
}

const ICONS: Record<SensorStatus['state'], string> = { live: 'pass', connecting: 'sync', retrying: 'warning', failed: 'error', stopped: 'circle-slash' };

/**
 * The Sensors view: one entry per sensor, a cluster's nodes included, with its state; under a
 * live eBPF sensor, its traced processes and whether their traffic can be seen (visibility).
 */
export class SensorsTree implements vscode.TreeDataProvider<Node> {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private sensors: SensorStatus[] = [];

  constructor(private readonly engine: EngineClient) {}

  async refresh(): Promise<void> {
    const snapshot = await this.engine.requestIfRunning(SNAPSHOT, {});
    this.sensors = snapshot?.sensors ?? [];
    // The view shows once there is a sensor (a cluster's nodes included); the commands are in the palette.
    await vscode.commands.executeCommand('setContext', 'tapline.hasSensors', this.sensors.length > 0);
    this.emitter.fire();
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.sensors;
    return isRow(node) ? [] : visibilityRows(node);
  }

  getTreeItem(n: Node): vscode.TreeItem {
    if (isRow(n)) {
      const row = new vscode.TreeItem(n.label, vscode.TreeItemCollapsibleState.None);
      row.description = n.description;
      row.tooltip = n.tooltip;
      row.iconPath = new vscode.ThemeIcon(n.icon);
      row.contextValue = 'sensor-process';
      row.id = n.id;
      return row;
    }
    const s = n;
    // Names and details come from sensors and kubectl: plain labels, never markdown.
    const collapsed = s.visibility?.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(s.name ?? s.url, collapsed);
    const summary = visibilitySummary(s);
    item.description = summary ? `${s.detail} · ${summary}` : s.detail;
    item.tooltip = `${s.name ?? s.url}\n${s.url}\n${s.detail}`;
    item.iconPath = new vscode.ThemeIcon(ICONS[s.state]);
    item.contextValue = `sensor-${s.state}`;
    item.id = s.url;
    return item;
  }
}

export function registerSensorsTree(tapline: TaplineContext, engine: EngineClient): SensorsTree {
  const tree = new SensorsTree(engine);
  const refresh = (): void => void tree.refresh().catch(() => undefined);
  tapline.subscriptions.push(
    vscode.window.registerTreeDataProvider('tapline.sensors', tree),
    engine.onDidChange((e) => {
      if (e.reset || e.sensors) refresh();
    }),
  );
  refresh();
  return tree;
}

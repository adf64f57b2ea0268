import * as vscode from 'vscode';
import { SNAPSHOT, type SensorStatus } from '../../../core/src/messages';
import type { EngineClient } from '../client/language-client';
import type { TaplineContext } from '../context';

const ICONS: Record<SensorStatus['state'], string> = { live: 'pass', connecting: 'sync', retrying: 'warning', failed: 'error', stopped: 'circle-slash' };

/** The Sensors view: one entry per sensor, a cluster's nodes included, with its state. */
export class SensorsTree implements vscode.TreeDataProvider<SensorStatus> {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private sensors: SensorStatus[] = [];

  constructor(private readonly engine: EngineClient) {}

  async refresh(): Promise<void> {
    const snapshot = await this.engine.requestIfRunning(SNAPSHOT, {});
    this.sensors = snapshot?.sensors ?? [];
    this.emitter.fire();
  }

  getChildren(node?: SensorStatus): SensorStatus[] {
    return node ? [] : this.sensors;
  }

  getTreeItem(s: SensorStatus): vscode.TreeItem {
    // Names and details come from sensors and kubectl: plain labels, never markdown.
    const item = new vscode.TreeItem(s.name ?? s.url, vscode.TreeItemCollapsibleState.None);
    item.description = s.detail;
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

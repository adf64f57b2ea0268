import * as vscode from 'vscode';
import type { EngineSnapshot, SensorStatus } from '../../../core/src/messages';
import type { SnapshotFeed } from '../client/snapshot-feed';
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
  private hasSensors: boolean | undefined;
  /** A change arrived while the view was hidden: rebuild when it shows. */
  private stale = false;
  visible = false;

  show(snapshot: EngineSnapshot | undefined): void {
    this.sensors = snapshot?.sensors ?? [];
    // The view shows once there is a sensor (a cluster's nodes included); the commands are in the palette.
    const has = this.sensors.length > 0;
    if (has !== this.hasSensors) void vscode.commands.executeCommand('setContext', 'tapline.hasSensors', has);
    this.hasSensors = has;
    if (this.visible) this.emitter.fire();
    else this.stale = true;
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible && this.stale) this.emitter.fire();
    if (visible) this.stale = false;
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

export function registerSensorsTree(tapline: TaplineContext, feed: SnapshotFeed): SensorsTree {
  const tree = new SensorsTree();
  const view = vscode.window.createTreeView('tapline.sensors', { treeDataProvider: tree });
  tree.setVisible(view.visible);
  tapline.subscriptions.push(
    view,
    view.onDidChangeVisibility(({ visible }) => tree.setVisible(visible)),
    feed.onDidUpdate(({ event, snapshot }) => {
      if (event.reset || event.sensors) tree.show(snapshot);
    }),
  );
  tree.show(feed.latest);
  return tree;
}

import * as vscode from 'vscode';
import type { TaplineContext } from '../context';

/** A node of the Endpoints view: a service or one of its endpoints. */
export interface EndpointNode {
  readonly label: string;
  readonly description?: string;
  readonly children?: readonly EndpointNode[];
}

/**
 * The Endpoints view. While nothing has been observed it has no items, which lets VS Code show the
 * welcome content (Connect to Sensor…, Import HAR…, Open API Explorer) declared in package.json.
 */
export class EndpointsTree implements vscode.TreeDataProvider<EndpointNode> {
  private readonly changed = new vscode.EventEmitter<EndpointNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: readonly EndpointNode[] = [];

  setRoots(roots: readonly EndpointNode[]): void {
    this.roots = roots;
    this.changed.fire(undefined);
  }

  getTreeItem(node: EndpointNode): vscode.TreeItem {
    const state = node.children?.length
      ? vscode.TreeItemCollapsibleState.Expanded
      : vscode.TreeItemCollapsibleState.None;
    // Labels come from traffic: TreeItem renders them as plain text, never as markup.
    const item = new vscode.TreeItem(node.label, state);
    item.description = node.description;
    return item;
  }

  getChildren(node?: EndpointNode): EndpointNode[] {
    return [...(node ? (node.children ?? []) : this.roots)];
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function registerEndpointsTree(tapline: TaplineContext): EndpointsTree {
  const tree = new EndpointsTree();
  const view = vscode.window.createTreeView('tapline.endpoints', { treeDataProvider: tree, showCollapseAll: true });
  tapline.subscriptions.push(tree, view);
  return tree;
}

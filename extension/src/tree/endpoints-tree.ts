import * as vscode from 'vscode';
import type { EndpointSummary } from '../../../core/src/inventory/inventory-types';
import { formatDuration } from '../../../core/src/format/duration';
import type { EndpointFindings, EndpointSpecState, EngineSnapshot, ServiceDesyncs } from '../../../core/src/messages';
import { describeDesyncs } from './desync-format';
import type { SnapshotFeed } from '../client/snapshot-feed';
import type { TaplineContext } from '../context';
import { compareEndpoints, describeEndpoint, formatCount, matchesFilter, type EndpointSort } from './endpoint-format';
import { describeGrpcMethod, groupByGrpcService, grpcMethodState, grpcMethodTooltip, type GrpcEndpoint } from './grpc-format';
import { coverageChildren, coverageItem, coverageNodes, type CoverageNode } from './coverage-rows';

export type EndpointTreeNode =
  | { kind: 'service'; service: string; endpoints: EndpointSummary[]; unused: EndpointFindings[]; states: ReadonlyMap<string, EndpointSpecState>; desyncs?: ServiceDesyncs }
  | { kind: 'endpoint'; endpoint: EndpointSummary; state: EndpointSpecState | undefined }
  /** A gRPC service (`pkg.Service`) of a served host, and its methods: their own kind, never compared with OpenAPI. */
  | { kind: 'grpcService'; service: string; grpcService: string; methods: GrpcEndpoint[] }
  | { kind: 'grpcMethod'; endpoint: GrpcEndpoint }
  | { kind: 'unused'; operation: EndpointFindings }
  /** Operations of the specs that no traffic reached, when they belong to no observed service. */
  | { kind: 'unusedGroup'; operations: EndpointFindings[] }
  | CoverageNode;

const STATE_ICONS: Record<EndpointSpecState, [string, string]> = {
  documented: ['pass', 'testing.iconPassed'],
  undocumented: ['warning', 'list.warningForeground'],
  mismatching: ['error', 'list.errorForeground'],
  unused: ['circle-slash', 'disabledForeground'],
};
const GRPC_ICONS: Record<ReturnType<typeof grpcMethodState>, [string, string]> = {
  ok: ['symbol-event', 'testing.iconPassed'],
  failing: ['symbol-event', 'list.errorForeground'],
  pending: ['symbol-event', 'foreground'],
};
const STATE_TEXT: Record<EndpointSpecState, string> = {
  documented: 'Documented in the workspace\'s OpenAPI documents',
  undocumented: 'Not described by any OpenAPI document in the workspace',
  mismatching: 'Described, but the traffic disagrees with the description',
  unused: 'Described, but no traffic was seen',
};

/**
 * The Endpoints view: services → endpoints, from the snapshot the feed asked for the latest change
 * (one per change notification, ≤ 4/s, shared with the other views), rebuilt only while the view
 * is visible. It keeps no inventory of its own: the nodes of one rebuild are all it holds. Every
 * label is plain text from traffic.
 */
export class EndpointsTree implements vscode.TreeDataProvider<EndpointTreeNode> {
  private readonly changed = new vscode.EventEmitter<EndpointTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private sort: EndpointSort = 'calls';
  private filter = '';
  /** A change arrived while the view was hidden: rebuild when it shows. */
  private stale = false;
  private visible = false;

  constructor(private readonly feed: SnapshotFeed) {}

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible && this.stale) this.refresh();
  }

  /** A change: rebuilt now when visible, else once the view shows. */
  onEngineChange(): void {
    if (this.visible) this.refresh();
    else this.stale = true;
  }

  get currentFilter(): string {
    return this.filter;
  }

  setSort(sort: EndpointSort): void {
    this.sort = sort;
    this.refresh();
  }

  setFilter(filter: string): void {
    this.filter = filter.trim();
    void vscode.commands.executeCommand('setContext', 'tapline.endpointsFiltered', this.filter.length > 0);
    this.refresh();
  }

  refresh(): void {
    this.stale = false;
    this.changed.fire(undefined);
  }

  async getChildren(node?: EndpointTreeNode): Promise<EndpointTreeNode[]> {
    if (!node) {
      return this.services(await this.feed.current());
    }
    if (node.kind === 'unusedGroup') return node.operations.map((operation): EndpointTreeNode => ({ kind: 'unused', operation }));
    if (node.kind === 'grpcService') return node.methods.map((endpoint): EndpointTreeNode => ({ kind: 'grpcMethod', endpoint }));
    if (node.kind === 'coverage' || node.kind === 'coverageTag' || node.kind === 'coverageOperation') return coverageChildren(node);
    if (node.kind !== 'service') return [];
    const shown = node.endpoints.filter((e) => matchesFilter(e, this.filter));
    const grpc = groupByGrpcService(shown).map(({ service, methods }): EndpointTreeNode => ({
      kind: 'grpcService',
      service: node.service,
      grpcService: service,
      methods: methods.sort(compareEndpoints(this.sort)),
    }));
    const endpoints = shown
      .filter((e) => e.grpc === undefined)
      .sort(compareEndpoints(this.sort))
      .map((endpoint): EndpointTreeNode => ({ kind: 'endpoint', endpoint, state: node.states.get(endpoint.id) }));
    const unused = node.unused.map((operation): EndpointTreeNode => ({ kind: 'unused', operation }));
    return [...endpoints, ...grpc, ...unused];
  }

  getTreeItem(node: EndpointTreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'service': {
        const calls = node.endpoints.reduce((sum, e) => sum + e.count, 0);
        const item = new vscode.TreeItem(node.service, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `service:${node.service}`;
        item.description = `${node.endpoints.length} endpoints · ${formatCount(calls)} calls`;
        item.iconPath = new vscode.ThemeIcon('server');
        item.contextValue = 'service';
        if (node.desyncs) {
          const d = describeDesyncs(node.desyncs);
          item.description = `${item.description} · ${d.description}`;
          item.tooltip = d.tooltip;
          item.iconPath = new vscode.ThemeIcon('shield', new vscode.ThemeColor('list.errorForeground'));
          item.contextValue = 'service desync';
        }
        return item;
      }
      case 'endpoint': {
        const e = node.endpoint;
        const item = new vscode.TreeItem(`${e.method} ${e.template}`, vscode.TreeItemCollapsibleState.None);
        item.id = `endpoint:${e.id}`;
        item.description = describeEndpoint(e);
        const [icon, color] = node.state ? STATE_ICONS[node.state] : ['symbol-method', 'foreground'];
        item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
        item.tooltip = endpointTooltip(e, node.state);
        item.contextValue = `endpoint ${node.state ?? 'unknown'}`;
        item.command = { command: 'tapline.endpoint.openInExplorer', title: 'Open in Explorer', arguments: [node] };
        return item;
      }
      case 'grpcService': {
        const calls = node.methods.reduce((sum, e) => sum + e.count, 0);
        const item = new vscode.TreeItem(node.grpcService, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `grpc-service:${node.service}:${node.grpcService}`;
        item.description = `gRPC · ${node.methods.length} methods · ${formatCount(calls)} calls`;
        item.iconPath = new vscode.ThemeIcon('symbol-interface');
        item.tooltip = `gRPC service ${node.grpcService} on ${node.service}\ngRPC endpoints are not compared with OpenAPI documents`;
        item.contextValue = 'grpcService';
        return item;
      }
      case 'grpcMethod': {
        const e = node.endpoint;
        const item = new vscode.TreeItem(e.grpc.method, vscode.TreeItemCollapsibleState.None);
        item.id = `endpoint:${e.id}`;
        item.description = describeGrpcMethod(e);
        const [icon, color] = GRPC_ICONS[grpcMethodState(e.grpc)];
        item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
        item.tooltip = grpcMethodTooltip(e);
        item.contextValue = 'grpcMethod';
        item.command = { command: 'tapline.endpoint.openInExplorer', title: 'Open in Explorer', arguments: [node] };
        return item;
      }
      case 'unusedGroup': {
        const item = new vscode.TreeItem('Described, no traffic seen', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = 'unused-group';
        item.description = `${node.operations.length} operations`;
        item.iconPath = new vscode.ThemeIcon('circle-slash');
        item.tooltip = STATE_TEXT.unused;
        return item;
      }
      case 'unused': {
        const op = node.operation;
        const item = new vscode.TreeItem(`${op.method} ${op.path}`, vscode.TreeItemCollapsibleState.None);
        item.id = `unused:${op.service ?? ''}:${op.method}:${op.path}`;
        item.description = 'no traffic seen';
        item.iconPath = new vscode.ThemeIcon(STATE_ICONS.unused[0], new vscode.ThemeColor(STATE_ICONS.unused[1]));
        item.tooltip = STATE_TEXT.unused;
        item.contextValue = 'operation documented unused';
        return item;
      }
      default:
        return coverageItem(node);
    }
  }

  private services({ inventory: snapshot, endpoints: findings, desyncs = [], coverage }: EngineSnapshot): EndpointTreeNode[] {
    const states = new Map(findings.flatMap((e) => (e.endpointId ? [[e.endpointId, e.state] as const] : [])));
    const unusedByService = new Map<string, EndpointFindings[]>();
    for (const op of findings.filter((e) => e.state === 'unused')) {
      const key = op.service ?? '';
      unusedByService.set(key, [...(unusedByService.get(key) ?? []), op]);
    }
    const desyncsOf = new Map(desyncs.map((d) => [d.service, d]));
    const withDesyncs = (service: string): { desyncs?: ServiceDesyncs } => {
      const d = desyncsOf.get(service);
      return d ? { desyncs: d } : {};
    };
    const nodes: EndpointTreeNode[] = snapshot.services
      .map((s): EndpointTreeNode => ({ kind: 'service', service: s.service, endpoints: s.endpoints, unused: unusedByService.get(s.service) ?? [], states, ...withDesyncs(s.service) }))
      .filter((n) => n.kind === 'service' && (n.endpoints.some((e) => matchesFilter(e, this.filter)) || n.unused.length > 0 || n.desyncs !== undefined));
    // A service that only ever saw smuggling attempts has no inventory entry, but must show.
    for (const d of desyncs) if (!snapshot.services.some((s) => s.service === d.service)) nodes.push({ kind: 'service', service: d.service, endpoints: [], unused: [], states, desyncs: d });
    nodes.sort((a, b) => (a.kind === 'service' && b.kind === 'service' ? a.service.localeCompare(b.service) : 0));
    // Unused operations name no service (a spec is not tied to one); with traffic seen, list them apart.
    const orphans = [...unusedByService.entries()].filter(([service]) => !snapshot.services.some((s) => s.service === service)).flatMap(([, ops]) => ops);
    if (nodes.length > 0 && orphans.length > 0) nodes.push({ kind: 'unusedGroup', operations: orphans });
    // Coverage once traffic was seen (before, every spec would read 0 %, which says nothing).
    if (snapshot.services.length > 0) nodes.push(...coverageNodes(coverage));
    return nodes;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function endpointTooltip(e: EndpointSummary, state: EndpointSpecState | undefined): string {
  const lines = [`${e.method} ${e.template}`, `Service: ${e.service}`, `Calls: ${formatCount(e.count)}`];
  if (e.latency) lines.push(`Latency: p50 ${formatDuration(e.latency.p50)} · p95 ${formatDuration(e.latency.p95)} · p99 ${formatDuration(e.latency.p99)}`);
  lines.push(`Statuses: ${Object.entries(e.statuses).map(([s, n]) => `${s === '0' ? 'none' : s} ×${n}`).join(', ')}`);
  if (e.authSchemes.length) lines.push(`Auth seen: ${e.authSchemes.join(', ')}`);
  if (e.redactionKinds.length) lines.push(`Redacted by the sensor: ${e.redactionKinds.join(', ')}`);
  lines.push(state ? STATE_TEXT[state] : 'Not compared with a spec yet');
  return lines.join('\n');
}

export function registerEndpointsTree(tapline: TaplineContext, feed: SnapshotFeed): EndpointsTree {
  const tree = new EndpointsTree(feed);
  const view = vscode.window.createTreeView('tapline.endpoints', { treeDataProvider: tree, showCollapseAll: true });
  tree.setVisible(view.visible);
  const updateMessage = (): void => {
    view.message = tree.currentFilter ? `Filtered: "${tree.currentFilter}"` : undefined;
  };
  tapline.subscriptions.push(
    tree,
    view,
    view.onDidChangeVisibility(({ visible }) => tree.setVisible(visible)),
    feed.onDidUpdate(({ event }) => {
      if (event.reset || event.inventory || event.findings) tree.onEngineChange();
    }),
    tree.onDidChangeTreeData(updateMessage),
  );
  return tree;
}

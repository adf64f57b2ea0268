// The Endpoints view's coverage rows: per workspace spec ("Coverage · Swagger Petstore", its
// share of operations and responses exercised), per tag, then per operation with whether traffic
// reached it. Built from the snapshot's `coverage` (the engine computes it); plain text only.
import * as vscode from 'vscode';
import { coverageLine, ratio } from '../../../core/src/diff/coverage-totals';
import type { SpecCoverage } from '../../../core/src/messages';

export type CoverageNode =
  | { kind: 'coverage'; spec: SpecCoverage }
  | { kind: 'coverageTag'; spec: SpecCoverage; tag: string }
  | { kind: 'coverageOperation'; spec: SpecCoverage; operation: SpecCoverage['operations'][number]; tag: string };

export function coverageNodes(coverage: readonly SpecCoverage[] = []): CoverageNode[] {
  return coverage.map((spec) => ({ kind: 'coverage', spec }));
}

export function coverageChildren(node: CoverageNode): CoverageNode[] {
  if (node.kind === 'coverage') {
    const tags = node.spec.byTag.map((t) => t.tag);
    // One tag (or none): the operations directly, a level of grouping would say nothing.
    if (tags.length <= 1) return node.spec.operations.map((operation) => ({ kind: 'coverageOperation', spec: node.spec, operation, tag: tags[0] ?? '' }));
    return tags.map((tag) => ({ kind: 'coverageTag', spec: node.spec, tag }));
  }
  if (node.kind === 'coverageTag') {
    return node.spec.operations
      .filter((o) => (node.tag === '' ? o.tags.length === 0 : o.tags.includes(node.tag)))
      .map((operation) => ({ kind: 'coverageOperation', spec: node.spec, operation, tag: node.tag }));
  }
  return [];
}

function percent(exercised: number, of: number): string {
  return `${Math.floor(ratio(exercised, of) * 100)} %`;
}

export function coverageItem(node: CoverageNode): vscode.TreeItem {
  switch (node.kind) {
    case 'coverage': {
      const t = node.spec.total;
      const item = new vscode.TreeItem(`Coverage · ${node.spec.title}`, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `coverage:${node.spec.rootUri}`;
      item.description = `${percent(t.exercised, t.operations)} of operations`;
      item.tooltip = `${node.spec.rootUri}\n${coverageLine(t)}`;
      item.iconPath = new vscode.ThemeIcon('graph');
      item.contextValue = 'coverage';
      return item;
    }
    case 'coverageTag': {
      const t = node.spec.byTag.find((x) => x.tag === node.tag)!.totals;
      const item = new vscode.TreeItem(node.tag === '' ? '(untagged)' : node.tag, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `coverage:${node.spec.rootUri}:tag:${node.tag}`;
      item.description = `${t.exercised}/${t.operations} · ${percent(t.exercised, t.operations)}`;
      item.tooltip = coverageLine(t);
      item.iconPath = new vscode.ThemeIcon('tag');
      return item;
    }
    case 'coverageOperation': {
      const o = node.operation;
      const item = new vscode.TreeItem(o.key, vscode.TreeItemCollapsibleState.None);
      item.id = `coverage:${node.spec.rootUri}:${node.tag}:${o.key}`;
      item.description = `${o.calls > 0 ? `${o.calls} calls` : 'not exercised'} · ${o.responsesExercised}/${o.responses} responses${o.deprecated ? ' · deprecated' : ''}`;
      item.iconPath = o.calls > 0 ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')) : new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'));
      return item;
    }
  }
}

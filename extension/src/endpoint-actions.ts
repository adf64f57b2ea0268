// What can be done with an endpoint or a finding, from the tree's context menu or the Explorer:
// reveal its operation in the spec, apply one of its fixes, copy a sample as curl.
import * as vscode from 'vscode';
import type { Finding, FindingLocation } from '../../core/src/messages';
import { curlFor } from './curl';
import type { FindingsState } from './traffic/findings-state';
import type { TrafficController } from './traffic/traffic-controller';

function toRange(location: FindingLocation): vscode.Range {
  const { start, end } = location.range;
  return new vscode.Range(start.line, start.character, end.line, end.character);
}

export async function revealLocation(location: FindingLocation): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(location.uri));
  const range = toRange(location);
  await vscode.window.showTextDocument(document, { selection: range, preview: false });
}

export function findFinding(findings: FindingsState, findingId: string): Finding | undefined {
  const { endpoints, documents } = findings.current;
  for (const group of [...endpoints, ...documents]) {
    const found = group.findings.find((f) => f.id === findingId);
    if (found) return found;
  }
  return undefined;
}

/**
 * Applies fix `fixIndex` of a finding through the language server's own code action (the same
 * edit the lightbulb offers), so there is one implementation of every fix.
 */
export async function applyFindingFix(finding: Finding, fixIndex: number): Promise<boolean> {
  const fix = finding.fixes?.[fixIndex];
  if (!fix || !finding.location) {
    void vscode.window.showWarningMessage(`Tapline: "${finding.message}" has no fix to apply.`);
    return false;
  }
  const uri = vscode.Uri.parse(finding.location.uri);
  await vscode.workspace.openTextDocument(uri);
  const actions =
    (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, toRange(finding.location), vscode.CodeActionKind.QuickFix.value)) ?? [];
  const action = actions.find((a) => a.title === fix.title);
  if (!action?.edit) {
    void vscode.window.showWarningMessage(`Tapline: the fix "${fix.title}" is no longer offered; the spec may have changed.`);
    return false;
  }
  const applied = await vscode.workspace.applyEdit(action.edit);
  if (applied) await vscode.workspace.openTextDocument(uri).then((doc) => doc.save());
  return applied;
}

export async function copyAsCurl(traffic: TrafficController, endpointId: string): Promise<void> {
  const sample = traffic.store.endpoint(endpointId)?.samples.at(-1);
  if (!sample) {
    void vscode.window.showWarningMessage('Tapline: no sample request is kept for this endpoint.');
    return;
  }
  await vscode.env.clipboard.writeText(curlFor(sample));
  void vscode.window.setStatusBarMessage('Tapline: curl command copied', 3000);
}

// What can be done with an endpoint or a finding, from the tree's context menu or the Explorer:
// reveal its operation in the spec, apply one of its fixes (by the finding's stable id, planned and
// applied by the engine), copy a sample as curl. Each asks the engine for what it needs.
import * as vscode from 'vscode';
import { APPLY_FIX, ENDPOINT_DETAIL, type FindingLocation, type Outcome } from '../../core/src/messages';
import type { EngineClient } from './client/language-client';
import { curlFor } from './curl';

export async function revealLocation(location: FindingLocation): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(location.uri));
  const { start, end } = location.range;
  const range = new vscode.Range(start.line, start.character, end.line, end.character);
  await vscode.window.showTextDocument(document, { selection: range, preview: false });
}

/**
 * "Tapline: Apply Fix" (`tapline.applyFix`, findingId, fixIndex): the engine plans the fix on the
 * document's current text and applies it as a versioned edit; the file is saved when it landed.
 * Answers whether it did, and why not; the reason is also shown.
 */
export async function applyFix(engine: EngineClient, findingId: string, fixIndex: number): Promise<Outcome<{ uri: string }>> {
  const result = await engine.request(APPLY_FIX, { findingId, fixIndex });
  if (!result.ok) {
    void vscode.window.showWarningMessage(`Tapline: the fix was not applied: ${result.reason}.`);
    return result;
  }
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === result.uri);
  if (document?.isDirty) await document.save();
  return result;
}

export async function revealEndpoint(engine: EngineClient, endpointId: string): Promise<void> {
  const location = (await engine.request(ENDPOINT_DETAIL, { endpointId })).findings?.location;
  if (location) await revealLocation(location);
  else void vscode.window.showInformationMessage('Tapline: no OpenAPI operation in the workspace describes this endpoint.');
}

export async function addEndpointToSpec(engine: EngineClient, endpointId: string): Promise<void> {
  const { findings } = await engine.request(ENDPOINT_DETAIL, { endpointId });
  const finding = findings?.findings.find((x) => (x.code === 'undocumented-endpoint' || x.code === 'undocumented-method') && x.fixes?.length);
  if (finding) await applyFix(engine, finding.id, 0);
  else void vscode.window.showInformationMessage('Tapline: this endpoint has no "add to spec" fix (is an OpenAPI document open in the workspace?).');
}

export async function copyAsCurl(engine: EngineClient, endpointId: string): Promise<void> {
  const sample = (await engine.request(ENDPOINT_DETAIL, { endpointId })).detail?.samples.at(-1);
  if (!sample) {
    void vscode.window.showWarningMessage('Tapline: no sample request is kept for this endpoint.');
    return;
  }
  await vscode.env.clipboard.writeText(curlFor(sample));
  void vscode.window.setStatusBarMessage('Tapline: curl command copied', 3000);
}

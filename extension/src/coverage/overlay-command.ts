// "Tapline: Export Fixes as Overlay…": the first fix of every finding of one workspace spec as an
// OpenAPI Overlay 1.0 document (planned by the engine, the same as `tapline diff --overlay`), for
// descriptions that are generated or owned elsewhere. The user picks the spec (the active editor's
// when it is one) and where the file goes.
import * as vscode from 'vscode';
import { EXPORT_OVERLAY, SNAPSHOT } from '../../../core/src/messages';
import type { EngineClient } from '../client/language-client';

async function pickSpec(engine: EngineClient): Promise<string | undefined> {
  const specs = (await engine.request(SNAPSHOT, {})).coverage ?? [];
  const active = vscode.window.activeTextEditor?.document.uri.toString();
  const mine = specs.find((s) => s.rootUri === active);
  if (mine) return mine.rootUri;
  if (specs.length === 1) return specs[0]!.rootUri;
  if (specs.length === 0) {
    void vscode.window.showInformationMessage('Tapline: no OpenAPI document with operations in the workspace.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    specs.map((s) => ({ label: s.title, description: vscode.workspace.asRelativePath(vscode.Uri.parse(s.rootUri)), rootUri: s.rootUri })),
    { title: 'Export Fixes as Overlay: which spec?' },
  );
  return picked?.rootUri;
}

/** Returns the number of actions written (0 when nothing was). `target` skips the save dialog (scripts, tests). */
export async function exportOverlay(engine: EngineClient, log: vscode.LogOutputChannel, target?: vscode.Uri): Promise<number> {
  const rootUri = await pickSpec(engine);
  if (!rootUri) return 0;
  const result = await engine.request(EXPORT_OVERLAY, { rootUri });
  if (!result.ok) {
    void vscode.window.showWarningMessage(`Tapline: ${result.reason}`);
    return 0;
  }
  for (const line of result.skipped) log.warn(`Export Fixes as Overlay: ${line}`);
  if (result.actions === 0) {
    void vscode.window.showInformationMessage('Tapline: no finding of this spec has a fix to export.');
    return 0;
  }
  const spec = vscode.Uri.parse(rootUri);
  const suggested = vscode.Uri.joinPath(spec, '..', spec.path.slice(spec.path.lastIndexOf('/') + 1).replace(/\.(ya?ml|json)$/i, '') + '.overlay.yaml');
  const uri = target ?? (await vscode.window.showSaveDialog({ title: 'Export Fixes as Overlay', defaultUri: suggested, filters: { 'OpenAPI Overlay': ['yaml', 'yml'] }, saveLabel: 'Export' }));
  if (!uri) return 0;
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(result.yaml));
  const note = result.skipped.length ? ` (${result.skipped.length} left out, see the Tapline log)` : '';
  void vscode.window.showInformationMessage(`Tapline: wrote ${result.actions} overlay actions to ${vscode.workspace.asRelativePath(uri)}${note}.`);
  return result.actions;
}

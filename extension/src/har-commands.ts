import * as vscode from 'vscode';
import { EXPORT_HAR, IMPORT_FILE, IMPORT_HAR, type Outcome } from '../../core/src/messages';
import type { EngineClient } from './client/language-client';
import type { TaplineContext } from './context';

/**
 * "Tapline: Import HAR…": HAR 1.2 (from browsers' DevTools, Playwright, or our own export) — or one
 * JSON per line: NDJSON transactions, nginx/Envoy JSON access logs — into the engine's inventory.
 * A local file is read by the engine as a stream (with progress), never loaded here.
 */
export async function importHar(tapline: TaplineContext, engine: EngineClient, file?: vscode.Uri): Promise<number> {
  const uri =
    file ??
    (await vscode.window.showOpenDialog({ title: 'Import HAR', canSelectMany: false, filters: { 'HAR files': ['har', 'json'], 'Access logs and NDJSON': ['log', 'ndjson', 'jsonl', 'json'] } }))?.[0];
  if (!uri) return 0;
  const result = uri.scheme === 'file' ? await engine.request(IMPORT_FILE, { path: uri.fsPath }) : await importText(engine, uri);
  if (!result.ok) {
    tapline.log.error(`Import HAR: ${result.reason}`);
    void vscode.window.showErrorMessage(`Tapline: ${result.reason.slice(0, 300)}`);
    return 0;
  }
  if (result.skipped.length) tapline.log.warn(`Import HAR ${uri.fsPath}: skipped ${result.skipped.length} entries: ${result.skipped.join('; ')}`);
  const note = result.skipped.length ? ` (${result.skipped.length} entries skipped, see the Tapline log)` : '';
  void vscode.window.showInformationMessage(`Tapline: imported ${result.imported} transactions from ${uri.fsPath}${note}.`);
  return result.imported;
}

/** A file the engine cannot open itself (another file system): sent as text, HAR only. */
async function importText(engine: EngineClient, uri: vscode.Uri): Promise<Outcome<{ imported: number; skipped: string[] }>> {
  const bytes = await vscode.workspace.fs.readFile(uri);
  return engine.request(IMPORT_HAR, { text: new TextDecoder().decode(bytes), name: uri.fsPath });
}

/** "Tapline: Export HAR…": the engine's recent live transactions plus every endpoint's samples. */
export async function exportHar(tapline: TaplineContext, engine: EngineClient, file?: vscode.Uri): Promise<number> {
  const version = String(tapline.extension.extension.packageJSON.version);
  const { transactions, har } = await engine.request(EXPORT_HAR, { version });
  if (transactions === 0) {
    void vscode.window.showInformationMessage('Tapline: there is no traffic to export yet.');
    return 0;
  }
  const uri = file ?? (await vscode.window.showSaveDialog({ title: 'Export HAR', filters: { 'HAR files': ['har'] }, saveLabel: 'Export' }));
  if (!uri) return 0;
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify(har, null, 2)));
  void vscode.window.showInformationMessage(`Tapline: exported ${transactions} transactions to ${uri.fsPath}.`);
  return transactions;
}

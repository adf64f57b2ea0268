import * as vscode from 'vscode';
import { transactionsToHar } from '../../../core/src/har/har-export';
import { parseHar } from '../../../core/src/har/har-import';
import { formatProblems } from '../../../core/src/protocol/check';
import type { TaplineContext } from '../context';
import type { TrafficController } from './traffic-controller';

/** "Tapline: Import HAR…": HAR 1.2 (from browsers' DevTools, Playwright, or our own export) into the inventory. */
export async function importHar(tapline: TaplineContext, traffic: TrafficController, file?: vscode.Uri): Promise<number> {
  const uri =
    file ??
    (await vscode.window.showOpenDialog({ title: 'Import HAR', canSelectMany: false, filters: { 'HAR files': ['har', 'json'] } }))?.[0];
  if (!uri) return 0;
  const bytes = await vscode.workspace.fs.readFile(uri);
  const parsed = parseHar(new TextDecoder().decode(bytes), { origin: 'import', idPrefix: `har-${Date.now().toString(36)}` });
  if (!parsed.ok) {
    const detail = formatProblems(parsed.problems);
    tapline.log.error(`Import HAR ${uri.fsPath}: ${detail}`);
    void vscode.window.showErrorMessage(`Tapline: ${uri.fsPath} is not a HAR 1.2 file: ${detail.slice(0, 300)}`);
    return 0;
  }
  const { transactions, skipped } = parsed.value;
  traffic.add(transactions);
  if (skipped.length) tapline.log.warn(`Import HAR ${uri.fsPath}: skipped ${skipped.length} entries: ${formatProblems(skipped)}`);
  const note = skipped.length ? ` (${skipped.length} entries skipped, see the Tapline log)` : '';
  void vscode.window.showInformationMessage(`Tapline: imported ${transactions.length} transactions from ${uri.fsPath}${note}.`);
  return transactions.length;
}

/** "Tapline: Export HAR…": the recent live transactions plus every endpoint's samples, deduplicated. */
export async function exportHar(tapline: TaplineContext, traffic: TrafficController, file?: vscode.Uri): Promise<number> {
  const byId = new Map(traffic.recent().map((t) => [t.id, t]));
  for (const observation of traffic.store.observations()) for (const sample of observation.samples) if (!byId.has(sample.id)) byId.set(sample.id, sample);
  if (byId.size === 0) {
    void vscode.window.showInformationMessage('Tapline: there is no traffic to export yet.');
    return 0;
  }
  const uri = file ?? (await vscode.window.showSaveDialog({ title: 'Export HAR', filters: { 'HAR files': ['har'] }, saveLabel: 'Export' }));
  if (!uri) return 0;
  const transactions = [...byId.values()].sort((a, b) => a.startedAt - b.startedAt);
  const version = String(tapline.extension.extension.packageJSON.version);
  const har = transactionsToHar(transactions, { creator: { name: 'Tapline', version } });
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify(har, null, 2)));
  void vscode.window.showInformationMessage(`Tapline: exported ${transactions.length} transactions to ${uri.fsPath}.`);
  return transactions.length;
}

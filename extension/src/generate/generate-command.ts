import * as vscode from 'vscode';
import type { ServiceSnapshot } from '../../../core/src/inventory/inventory-types';
import { GENERATE_SPEC, SNAPSHOT } from '../../../core/src/messages';
import type { EngineClient } from '../client/language-client';
import { defaultFileName, serviceChoices } from './generate-helpers';
import type { ServiceChoice } from './generate-helpers';

/**
 * "Tapline: Generate OpenAPI Document from Traffic…": an OpenAPI 3.1 file for one observed
 * service, which the engine infers from its endpoints and their samples (off the extension host).
 * Returns the written file, or undefined when there was no traffic or the user cancelled.
 */
export async function generateSpecFromTraffic(engine: EngineClient, log: vscode.LogOutputChannel): Promise<vscode.Uri | undefined> {
  const services = serviceChoices((await engine.request(SNAPSHOT, {})).inventory.services);
  if (services.length === 0) {
    void vscode.window.showInformationMessage('Tapline: no traffic has been observed yet. Connect a sensor or import a HAR file, exercise the API, then generate its document.');
    return undefined;
  }
  const service = services.length === 1 ? services[0]?.service : await pickService(services);
  if (!service) return undefined;

  const target = await askTarget(service.service);
  if (!target) return undefined;

  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Tapline: generating an OpenAPI document for ${service.service}` },
    () => engine.request(GENERATE_SPEC, { service: service.service }),
  );
  if (!result.ok) {
    void vscode.window.showInformationMessage(`Tapline: nothing was written: ${result.reason}.`);
    return undefined;
  }
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(result.text));
  const { operations, schemas, samples } = result;
  log.info(`Generated ${target.toString()}: ${operations} operations, ${schemas} shared schemas, from ${samples} sampled transactions of ${service.service}`);
  const doc = await vscode.workspace.openTextDocument(target);
  await vscode.window.showTextDocument(doc, { preview: false });
  void vscode.window.showInformationMessage(
    `Tapline: wrote ${operations} operation${operations === 1 ? '' : 's'} and ${schemas} shared schema${schemas === 1 ? '' : 's'} inferred from ${samples} sampled transaction${samples === 1 ? '' : 's'}. Review names and constraints before relying on it.`,
  );
  return target;
}

async function pickService(choices: ServiceChoice[]): Promise<ServiceSnapshot | undefined> {
  const items: (vscode.QuickPickItem & ServiceChoice)[] = choices;
  const picked = await vscode.window.showQuickPick(items, { title: 'Generate OpenAPI Document from Traffic', placeHolder: 'Service to describe', matchOnDescription: true });
  return picked?.service;
}

/** Where to save: a save dialog proposing a file that does not exist yet; replacing one is confirmed. */
async function askTarget(service: string): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  let defaultUri: vscode.Uri | undefined;
  if (folder) {
    for (let n = 1; n < 100; n++) {
      const candidate = vscode.Uri.joinPath(folder, defaultFileName(service, n));
      if (!(await exists(candidate))) {
        defaultUri = candidate;
        break;
      }
    }
  }
  const uri = await vscode.window.showSaveDialog({
    title: `Save the OpenAPI document for ${service}`,
    defaultUri,
    filters: { 'OpenAPI (YAML)': ['yaml', 'yml'] },
    saveLabel: 'Generate',
  });
  if (!uri) return undefined;
  // Save dialogs usually confirm replacing a file, but not every host's does: ask here too.
  if (await exists(uri)) {
    const replace = 'Replace';
    const answer = await vscode.window.showWarningMessage(`${vscode.workspace.asRelativePath(uri)} already exists. Replace it with the generated document?`, { modal: true }, replace);
    if (answer !== replace) return undefined;
  }
  return uri;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

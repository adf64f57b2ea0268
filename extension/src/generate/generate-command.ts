import * as vscode from 'vscode';
import { generateSpec, specStats, specToYaml } from '../../../core/src/generate/generate-spec';
import type { GenerateEndpoint } from '../../../core/src/generate/generate-spec';
import type { ServiceSnapshot } from '../../../core/src/inventory/inventory-types';
import type { TrafficStore } from '../../../core/src/inventory/traffic-store';
import { defaultFileName, serverUrlOf, serviceChoices } from './generate-helpers';
import type { ServiceChoice } from './generate-helpers';

// Past this many endpoints the work is chunked and yields to the extension host between chunks.
const CHUNK = 50;

/**
 * "Tapline: Generate OpenAPI Document from Traffic…": an OpenAPI 3.1 file for one observed
 * service, from the inventory's endpoints and their samples. Returns the written file, or
 * undefined when there was no traffic or the user cancelled.
 */
export async function generateSpecFromTraffic(store: TrafficStore, log: vscode.LogOutputChannel): Promise<vscode.Uri | undefined> {
  const services = serviceChoices(store.snapshot().services);
  if (services.length === 0) {
    void vscode.window.showInformationMessage('Tapline: no traffic has been observed yet. Connect a sensor or import a HAR file, exercise the API, then generate its document.');
    return undefined;
  }
  const service = services.length === 1 ? services[0]?.service : await pickService(services);
  if (!service) return undefined;

  const target = await askTarget(service.service);
  if (!target) return undefined;

  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Tapline: generating an OpenAPI document for ${service.service}`, cancellable: true },
    async (progress, token) => {
      const endpoints: GenerateEndpoint[] = [];
      const total = service.endpoints.length;
      for (let i = 0; i < total; i++) {
        if (token.isCancellationRequested) return undefined;
        const summary = service.endpoints[i];
        const observation = summary ? store.endpoint(summary.id) : undefined;
        // Endpoints can be evicted or merged between the snapshot and now: skip those.
        if (observation && observation.samples.length > 0) endpoints.push({ method: observation.method, template: observation.template, samples: observation.samples });
        if ((i + 1) % CHUNK === 0) {
          progress.report({ message: `${i + 1} of ${total} endpoints`, increment: (CHUNK / total) * 80 });
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      if (endpoints.length === 0) return 'no-samples' as const;
      progress.report({ message: 'inferring schemas' });
      const input = { title: service.service, serverUrl: serverUrlOf(endpoints, service.service), endpoints };
      const spec = generateSpec(input);
      const text = specToYaml(spec, input);
      if (token.isCancellationRequested) return undefined;
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
      return { stats: specStats(spec), samples: endpoints.reduce((n, e) => n + e.samples.length, 0) };
    },
  );
  if (result === undefined) {
    log.info(`Generate OpenAPI document for ${service.service}: cancelled`);
    return undefined;
  }
  if (result === 'no-samples') {
    void vscode.window.showInformationMessage(`Tapline: the endpoints of ${service.service} were cleared or evicted meanwhile; nothing was written.`);
    return undefined;
  }
  const { stats, samples } = result;
  log.info(`Generated ${target.toString()}: ${stats.operations} operations, ${stats.schemas} shared schemas, from ${samples} sampled transactions of ${service.service}`);
  const doc = await vscode.workspace.openTextDocument(target);
  await vscode.window.showTextDocument(doc, { preview: false });
  void vscode.window.showInformationMessage(
    `Tapline: wrote ${stats.operations} operation${stats.operations === 1 ? '' : 's'} and ${stats.schemas} shared schema${stats.schemas === 1 ? '' : 's'} inferred from ${samples} sampled transaction${samples === 1 ? '' : 's'}. Review names and constraints before relying on it.`,
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

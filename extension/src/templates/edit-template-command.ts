// "Tapline: Edit Path Template…" on an endpoint of the tree: the user rewrites its template —
// a literal turned into `{name}` merges, a parameter turned back into its value splits, a new
// name renames — and the result goes into the workspace's `.tapline/templates.json`, which the
// engine follows and applies to all traffic (the tree regroups on its next change). The edit is
// checked as it is typed (core's describeTemplateEdit) and written format-preservingly.
import * as vscode from 'vscode';
import type { EndpointSummary } from '../../../core/src/inventory/inventory-types';
import { addUserTemplate, describeTemplateEdit, USER_TEMPLATES_FILE } from '../../../core/src/inventory/user-templates';

export interface TemplateTarget {
  endpoint: Pick<EndpointSummary, 'method' | 'template' | 'service'>;
}

/** Where the templates file lives: the first workspace folder (the engine reads every folder's). */
function templatesUri(): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, ...USER_TEMPLATES_FILE.split('/')) : undefined;
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined; // no file yet
  }
}

/** Returns the template written, or undefined when the user cancelled or it could not be written. */
export async function editPathTemplate(target: TemplateTarget | undefined, log: vscode.LogOutputChannel): Promise<string | undefined> {
  if (!target) {
    void vscode.window.showInformationMessage('Tapline: run "Edit Path Template…" on an endpoint of the Endpoints view.');
    return undefined;
  }
  const uri = templatesUri();
  if (!uri) {
    void vscode.window.showWarningMessage('Tapline: open a folder first: path templates are kept in its .tapline/templates.json.');
    return undefined;
  }
  const from = target.endpoint.template;
  const to = await vscode.window.showInputBox({
    title: `Edit Path Template: ${target.endpoint.method} ${from}`,
    prompt: 'Merge: turn a segment into {name}. Split: put a value where a parameter is. Rename: change a {name}.',
    value: from,
    valueSelection: [from.length, from.length],
    validateInput: (text) => {
      const edit = describeTemplateEdit(from, text.trim());
      if (!edit.ok) return edit.reason === 'the template is unchanged' ? undefined : { message: edit.reason, severity: vscode.InputBoxValidationSeverity.Error };
      return { message: `This ${edit.summary}.`, severity: vscode.InputBoxValidationSeverity.Info };
    },
  });
  const template = to?.trim();
  if (template === undefined || template === from || !describeTemplateEdit(from, template).ok) return undefined;
  const edited = addUserTemplate(await readText(uri), { template });
  if (!edited.ok) {
    void vscode.window.showErrorMessage(`Tapline: ${edited.reason}`);
    return undefined;
  }
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(edited.text));
  // Opened (not shown), the file reaches the engine through document sync at once, whatever the
  // file watcher makes of a folder and a file created together.
  await vscode.workspace.openTextDocument(uri);
  log.info(`path template ${template} (was ${from}) saved to ${uri.fsPath}`);
  return template;
}

// "Block at the gateway": on a shadow endpoint (undocumented-endpoint, undocumented-method) or a
// zombie operation (unused-operation) finding, a quick fix that adds a `deny` to the workspace's
// tapline-gateway.yaml (created when missing). The edit is planned by core (policy-edit.ts: one
// minimal, format-preserving edit, re-validated) and versioned like the spec fixes.
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CodeActionKind, type CodeAction, type Diagnostic, type WorkspaceEdit } from 'vscode-languageserver/node';
import type { DiffFinding, FindingCode } from '../../core/src/diff/finding';
import { planPolicyEdit } from '../../core/src/gateway/policy-edit';
import { POLICY_FILE_NAME } from '../../core/src/gateway/policy';
import type { FixContext } from './fixes';

const BLOCKABLE: ReadonlySet<FindingCode> = new Set(['undocumented-endpoint', 'undocumented-method', 'unused-operation']);

/** The policy file of a spec: at the root of the workspace folder holding it, else beside it. */
export function policyUriFor(specUri: string, workspaceFolders: readonly string[]): string {
  const folder = [...workspaceFolders].sort((a, b) => b.length - a.length).find((f) => specUri.startsWith(f.endsWith('/') ? f : `${f}/`));
  const base = folder ?? pathToFileURL(dirname(fileURLToPath(specUri))).toString();
  return `${base.replace(/\/$/, '')}/${POLICY_FILE_NAME}`;
}

export async function currentText(context: FixContext, uri: string): Promise<{ text: string | undefined; version: number | null }> {
  const open = context.documents.get(uri);
  if (open) return { text: open.getText(), version: open.version };
  const text = await readFile(fileURLToPath(uri), 'utf8').catch(() => undefined);
  return { text, version: null };
}

export async function gatewayActions(context: FixContext, finding: DiffFinding, specUri: string, diagnostic: Diagnostic): Promise<CodeAction[]> {
  if (!BLOCKABLE.has(finding.code) || !specUri.startsWith('file:')) return [];
  const operation = finding.operation ?? `${finding.method} ${finding.path}`;
  const uri = policyUriFor(specUri, context.workspaceFolders?.() ?? []);
  const { text, version } = await currentText(context, uri);
  const planned = planPolicyEdit(uri, text, { kind: 'deny', operation });
  if (!planned.ok) return [{ title: `Block ${operation} at the gateway`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], disabled: { reason: planned.message } }];
  if (text !== undefined && !planned.edit) return [{ title: planned.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], disabled: { reason: `${POLICY_FILE_NAME} already denies ${operation}` } }];
  const edit: WorkspaceEdit =
    text === undefined || !planned.edit
      ? {
          documentChanges: [
            { kind: 'create', uri, options: { ignoreIfExists: true } },
            { textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: planned.newText }] },
          ],
        }
      : { documentChanges: [{ textDocument: { uri, version }, edits: [{ range: planned.edit.range, newText: planned.edit.newText }] }] };
  return [{ title: planned.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit }];
}

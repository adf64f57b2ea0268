// Fixes the way the LSP means them: planned on the text the editor holds right now (a spec whose
// reload is still debounced is reloaded first), sent as TextDocumentEdits carrying the version of
// the document they were computed from, so that an edit computed from older text is refused by the
// client instead of landing at the wrong offsets. Fixes are found by their finding's stable id.
import type { TextDocuments } from 'vscode-languageserver/node';
import type { Connection, WorkspaceEdit, TextDocumentEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DiffFinding } from '../../core/src/diff/finding';
import type { Outcome } from '../../core/src/messages';
import type { LoadedSpec } from '../../core/src/openapi/model';
import { planFix } from '../../core/src/patch/plan';
import type { TextEdit } from '../../core/src/patch/text-edit';
import type { Analyzer, SpecAnalysis } from './analyzer';
import type { SpecIndex } from './spec-index';

export interface FixContext {
  analyzer: Analyzer;
  specs: SpecIndex;
  documents: TextDocuments<TextDocument>;
  /** The workspace folders (file URIs), for files that live beside the specs (the gateway policy). */
  workspaceFolders?: () => readonly string[];
}

/** Files of the spec whose open editor text differs from the text the spec was loaded from. */
function staleFiles(spec: LoadedSpec, documents: TextDocuments<TextDocument>): Set<string> {
  const stale = new Set<string>();
  for (const [uri, parsed] of spec.documents) {
    const open = documents.get(uri);
    if (open && open.getText() !== parsed.text) stale.add(uri);
  }
  return stale;
}

/** The spec's analysis on the editors' current text (reloaded and re-analysed at once when stale, publishing nothing). */
export async function freshAnalysis(context: FixContext, rootUri: string): Promise<SpecAnalysis | undefined> {
  const current = context.analyzer.get(rootUri);
  if (!current) return undefined;
  const stale = staleFiles(current.spec, context.documents);
  if (stale.size === 0) return current;
  await context.specs.load(rootUri, stale);
  return context.analyzer.analyzeNow(rootUri);
}

/** One TextDocumentEdit per file, versioned with the text the edits were computed from (null: a closed file). */
export function versionedEdit(spec: LoadedSpec, edits: readonly TextEdit[], documents: TextDocuments<TextDocument>): WorkspaceEdit {
  const byUri = new Map<string, TextEdit[]>();
  for (const edit of edits) byUri.set(edit.uri, [...(byUri.get(edit.uri) ?? []), edit]);
  const documentChanges: TextDocumentEdit[] = [...byUri].map(([uri, fileEdits]) => {
    const open = documents.get(uri);
    const version = open && open.getText() === spec.documents.get(uri)?.text ? open.version : null;
    return { textDocument: { uri, version }, edits: fileEdits.map((e) => ({ range: e.range, newText: e.newText })) };
  });
  return { documentChanges };
}

/** Applies fix `fixIndex` of finding `findingId` through workspace/applyEdit; says why when it cannot. */
export async function applyFixById(context: FixContext, connection: Connection, findingId: string, fixIndex: number): Promise<Outcome<{ uri: string }>> {
  const found = context.analyzer.findingById(findingId);
  if (!found) return { ok: false, reason: 'that finding is gone: the spec or the traffic changed since it was shown' };
  const analysis = await freshAnalysis(context, found.analysis.spec.rootUri);
  const finding: DiffFinding | undefined = analysis?.byId.get(findingId);
  if (!analysis || !finding) return { ok: false, reason: 'the finding no longer holds after the latest edit of the spec' };
  const fix = finding.fixes[fixIndex];
  if (!fix) return { ok: false, reason: `the finding has no fix number ${fixIndex + 1}` };
  const planned = planFix(analysis.spec, fix);
  if (!planned || planned.edits.length === 0) return { ok: false, reason: 'the fix cannot be planned on the document as it is now' };
  const edit = versionedEdit(analysis.spec, planned.edits, context.documents);
  const result = await connection.workspace.applyEdit({ label: planned.title, edit });
  if (!result.applied) return { ok: false, reason: result.failureReason ?? 'the editor refused the edit (the document changed while it was applied); try again' };
  return { ok: true, uri: planned.edits[0]!.uri };
}

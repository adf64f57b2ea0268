// Quick fixes for Tapline's diagnostics: each fix of the finding behind a diagnostic becomes a
// code action whose edit core's planner computed (format-preserving, in the file that holds the
// node). Fix-all per finding code and file is a source action.
import { CodeActionKind, type CodeAction, type CodeActionParams, type TextEdit as LspTextEdit, type WorkspaceEdit } from 'vscode-languageserver/node';
import type { DiffFinding } from '../../core/src/diff/finding';
import { loadSpec } from '../../core/src/openapi/load';
import type { LoadedSpec } from '../../core/src/openapi/model';
import { planFix } from '../../core/src/patch/plan';
import { applyTextEdits, minimalEdit, type TextEdit } from '../../core/src/patch/text-edit';
import type { Analyzer, SpecAnalysis } from './analyzer';
import { isDiagnosticData } from './findings-convert';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.tapline`;

function workspaceEdit(edits: readonly TextEdit[]): WorkspaceEdit {
  const changes: Record<string, LspTextEdit[]> = {};
  for (const edit of edits) (changes[edit.uri] ??= []).push({ range: edit.range, newText: edit.newText });
  return { changes };
}

function fixesOf(analysis: SpecAnalysis, finding: DiffFinding, diagnostic?: CodeAction['diagnostics']): CodeAction[] {
  return finding.fixes.flatMap((fix, index): CodeAction[] => {
    const planned = planFix(analysis.spec, fix);
    if (!planned) return [];
    return [
      {
        title: planned.title,
        kind: CodeActionKind.QuickFix,
        ...(diagnostic ? { diagnostics: diagnostic } : {}),
        isPreferred: index === 0,
        edit: workspaceEdit(planned.edits),
      },
    ];
  });
}

export async function codeActions(analyzer: Analyzer, params: CodeActionParams): Promise<CodeAction[]> {
  const actions: CodeAction[] = [];
  const only = params.context.only;
  const wantsQuickFix = !only || only.some((k) => CodeActionKind.QuickFix.startsWith(k) || k.startsWith(CodeActionKind.QuickFix));
  if (wantsQuickFix) {
    for (const diagnostic of params.context.diagnostics) {
      if (!isDiagnosticData(diagnostic.data)) continue;
      const analysis = analyzer.get(diagnostic.data.rootUri);
      const finding = analysis?.byId.get(diagnostic.data.findingId);
      if (analysis && finding) actions.push(...fixesOf(analysis, finding, [diagnostic]));
    }
  }
  const wantsFixAll = only?.some((k) => FIX_ALL_KIND.startsWith(k)) ?? false;
  if (wantsFixAll || !only) actions.push(...(await fixAllActions(analyzer, params.textDocument.uri)));
  return actions;
}

/** Fix-all plans at most this many fixes (each one re-reads the spec it changed). */
const MAX_FIX_ALL = 50;

/**
 * "Fix all <code> in this file": the first fix of every finding of that code in the file, planned
 * one after the other on the text the previous fixes produced (fixes address nodes by JSON
 * pointer, which stay valid across edits), then reduced to one minimal edit per changed file.
 */
async function fixAll(spec: LoadedSpec, findings: readonly DiffFinding[]): Promise<WorkspaceEdit | undefined> {
  const texts = new Map([...spec.documents].map(([uri, doc]) => [uri, doc.text]));
  let current = spec;
  for (const finding of findings.slice(0, MAX_FIX_ALL)) {
    const planned = planFix(current, finding.fixes[0]!);
    if (!planned) continue;
    const byUri = new Map<string, TextEdit[]>();
    for (const edit of planned.edits) byUri.set(edit.uri, [...(byUri.get(edit.uri) ?? []), edit]);
    for (const [uri, edits] of byUri) texts.set(uri, applyTextEdits(texts.get(uri) ?? '', edits));
    current = await loadSpec(spec.rootUri, (uri) => texts.get(uri));
  }
  const edits = [...spec.documents].flatMap(([uri, doc]) => minimalEdit(uri, doc.text, texts.get(uri) ?? doc.text) ?? []);
  return edits.length ? workspaceEdit(edits) : undefined;
}

async function fixAllActions(analyzer: Analyzer, uri: string): Promise<CodeAction[]> {
  const actions: CodeAction[] = [];
  for (const analysis of analyzer.forDocument(uri)) {
    const byCode = new Map<string, DiffFinding[]>();
    for (const f of analysis.findings) {
      if (f.location?.uri !== uri || f.fixes.length === 0) continue;
      byCode.set(f.code, [...(byCode.get(f.code) ?? []), f]);
    }
    for (const [code, findings] of byCode) {
      if (findings.length < 2) continue;
      const edit = await fixAll(analysis.spec, findings);
      if (edit) actions.push({ title: `Tapline: fix all '${code}' in this file (${findings.length})`, kind: FIX_ALL_KIND, edit });
    }
  }
  return actions;
}

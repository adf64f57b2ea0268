// Quick fixes for Tapline's diagnostics: each fix of the finding behind a diagnostic becomes a
// code action whose edit core's planner computed (format-preserving, in the file that holds the
// node). Fix-all per finding code and file is a source action.
import { CodeActionKind, type CodeAction, type CodeActionParams, type TextEdit as LspTextEdit, type WorkspaceEdit } from 'vscode-languageserver/node';
import type { DiffFinding } from '../../core/src/diff/finding';
import { planFix } from '../../core/src/patch/plan';
import type { TextEdit } from '../../core/src/patch/text-edit';
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

export function codeActions(analyzer: Analyzer, params: CodeActionParams): CodeAction[] {
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
  if (wantsFixAll || !only) actions.push(...fixAllActions(analyzer, params.textDocument.uri));
  return actions;
}

/**
 * "Fix all <code> in this file": the first fix of each finding of that code located in the file,
 * planned one after the other is not possible on one text, so each finding's edit must touch a
 * different place; edits that would overlap an earlier one are left for a second run.
 */
function fixAllActions(analyzer: Analyzer, uri: string): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const analysis of analyzer.forDocument(uri)) {
    const byCode = new Map<string, DiffFinding[]>();
    for (const f of analysis.findings) {
      if (f.location?.uri !== uri || f.fixes.length === 0) continue;
      byCode.set(f.code, [...(byCode.get(f.code) ?? []), f]);
    }
    for (const [code, findings] of byCode) {
      if (findings.length < 2) continue;
      const edits: TextEdit[] = [];
      for (const finding of findings) {
        const planned = planFix(analysis.spec, finding.fixes[0]!);
        if (!planned) continue;
        const overlaps = planned.edits.some((e) => edits.some((o) => o.uri === e.uri && e.start <= o.end && e.end >= o.start));
        if (!overlaps) edits.push(...planned.edits);
      }
      if (edits.length === 0) continue;
      actions.push({ title: `Tapline: fix all '${code}' in this file (${findings.length})`, kind: FIX_ALL_KIND, edit: workspaceEdit(edits) });
    }
  }
  return actions;
}

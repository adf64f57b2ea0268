// Quick fixes for Tapline's diagnostics: each fix of the finding behind a diagnostic becomes a
// code action whose edit core's planner computed (format-preserving, in the file that holds the
// node), versioned with the text it was planned on. "Fix all <code> in this file" is offered
// without an edit and planned only when chosen (codeAction/resolve): a lightbulb costs no fix-all.
import { CodeActionKind, type CodeAction, type CodeActionParams, type WorkspaceEdit } from 'vscode-languageserver/node';
import type { DiffFinding } from '../../core/src/diff/finding';
import { isRecord } from '../../core/src/json-record';
import { loadSpec } from '../../core/src/openapi/load';
import type { LoadedSpec } from '../../core/src/openapi/model';
import { planFix } from '../../core/src/patch/plan';
import { applyTextEdits, minimalEdit, type TextEdit } from '../../core/src/patch/text-edit';
import type { SpecAnalysis } from './analyzer';
import { freshAnalysis, versionedEdit, type FixContext } from './fixes';
import { isDiagnosticData } from './findings-convert';
import { gatewayActions } from './gateway-actions';
import { ignoreActions } from './ignore-actions';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.tapline`;

interface FixAllData {
  fixAll: { rootUri: string; uri: string; code: string };
}

function isFixAllData(value: unknown): value is FixAllData {
  if (!isRecord(value) || !isRecord(value.fixAll)) return false;
  const { rootUri, uri, code } = value.fixAll;
  return typeof rootUri === 'string' && typeof uri === 'string' && typeof code === 'string';
}

function fixesOf(context: FixContext, analysis: SpecAnalysis, finding: DiffFinding, diagnostic?: CodeAction['diagnostics']): CodeAction[] {
  return finding.fixes.flatMap((fix, index): CodeAction[] => {
    const planned = planFix(analysis.spec, fix);
    if (!planned) return [];
    return [
      {
        title: planned.title,
        kind: CodeActionKind.QuickFix,
        ...(diagnostic ? { diagnostics: diagnostic } : {}),
        isPreferred: index === 0,
        edit: versionedEdit(analysis.spec, planned.edits, context.documents),
      },
    ];
  });
}

export async function codeActions(context: FixContext, params: CodeActionParams): Promise<CodeAction[]> {
  const actions: CodeAction[] = [];
  const only = params.context.only;
  const wantsQuickFix = !only || only.some((k) => CodeActionKind.QuickFix.startsWith(k) || k.startsWith(CodeActionKind.QuickFix));
  if (wantsQuickFix) {
    for (const diagnostic of params.context.diagnostics) {
      if (!isDiagnosticData(diagnostic.data)) continue;
      const analysis = await freshAnalysis(context, diagnostic.data.rootUri);
      const finding = analysis?.byId.get(diagnostic.data.findingId);
      if (!analysis || !finding) continue;
      actions.push(...fixesOf(context, analysis, finding, [diagnostic]), ...(await gatewayActions(context, finding, analysis.spec.rootUri, diagnostic)));
      actions.push(...ignoreActions(context, analysis, finding, diagnostic));
    }
  }
  const wantsFixAll = only?.some((k) => FIX_ALL_KIND.startsWith(k)) ?? false;
  if (wantsFixAll || !only) actions.push(...fixAllOffers(context, params.textDocument.uri));
  return actions;
}

/** Fix-all plans at most this many fixes (each one re-reads the spec it changed). */
const MAX_FIX_ALL = 50;

function fixableByCode(analysis: SpecAnalysis, uri: string): Map<string, DiffFinding[]> {
  const byCode = new Map<string, DiffFinding[]>();
  for (const f of analysis.findings) {
    if (f.location?.uri !== uri || f.fixes.length === 0) continue;
    byCode.set(f.code, [...(byCode.get(f.code) ?? []), f]);
  }
  return byCode;
}

/** One unplanned action per finding code with two or more fixable findings in the file. */
function fixAllOffers(context: FixContext, uri: string): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const analysis of context.analyzer.forDocument(uri)) {
    for (const [code, findings] of fixableByCode(analysis, uri)) {
      if (findings.length < 2) continue;
      const data: FixAllData = { fixAll: { rootUri: analysis.spec.rootUri, uri, code } };
      actions.push({ title: `Tapline: fix all '${code}' in this file (${findings.length})`, kind: FIX_ALL_KIND, data });
    }
  }
  return actions;
}

/** codeAction/resolve: plans a fix-all on the current text. Other actions come back as they are. */
export async function resolveCodeAction(context: FixContext, action: CodeAction): Promise<CodeAction> {
  if (!isFixAllData(action.data)) return action;
  const { rootUri, uri, code } = action.data.fixAll;
  const analysis = await freshAnalysis(context, rootUri);
  const findings = analysis ? fixableByCode(analysis, uri).get(code) : undefined;
  const edit = analysis && findings ? await fixAll(context, analysis.spec, findings) : undefined;
  return edit ? { ...action, edit } : action;
}

/**
 * The first fix of every finding of that code in the file, planned one after the other on the
 * text the previous fixes produced (fixes address nodes by JSON pointer, which stay valid across
 * edits), then reduced to one minimal edit per changed file.
 */
async function fixAll(context: FixContext, spec: LoadedSpec, findings: readonly DiffFinding[]): Promise<WorkspaceEdit | undefined> {
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
  return edits.length ? versionedEdit(spec, edits, context.documents) : undefined;
}

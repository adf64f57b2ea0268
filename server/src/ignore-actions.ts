// "Ignore this finding here": on a finding of a described operation, a quick fix that adds its
// code to the operation's `x-tapline-ignore` (core's ignore-finding plan: format-preserving,
// idempotent), so the team's decision lives with the spec and the CLI honours it too. Offered
// after the finding's own fixes, never as the preferred one: fixing beats hiding.
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver/node';
import type { DiffFinding } from '../../core/src/diff/finding';
import { ignoreFix } from '../../core/src/diff/suppression';
import { planFix } from '../../core/src/patch/plan';
import type { SpecAnalysis } from './analyzer';
import { versionedEdit, type FixContext } from './fixes';

export function ignoreActions(context: FixContext, analysis: SpecAnalysis, finding: DiffFinding, diagnostic: Diagnostic): CodeAction[] {
  if (finding.suppressed !== undefined) return [];
  const fix = ignoreFix(finding, analysis.spec.model?.operations ?? []);
  const planned = fix === undefined ? undefined : planFix(analysis.spec, fix);
  if (!planned || planned.edits.length === 0) return [];
  return [
    {
      title: `Ignore this finding here (${finding.code} in x-tapline-ignore)`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      isPreferred: false,
      edit: versionedEdit(analysis.spec, planned.edits, context.documents),
    },
  ];
}

// DiffFinding (core's rich finding, with fix data) → LSP diagnostics. Pure. (The wire Finding
// of `tapline/findings` comes from core's toFinding.)
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { DiffFinding, FindingSeverity as DiffSeverity } from '../../core/src/diff/finding';
import { DIAGNOSTIC_SOURCE } from './diagnostics-publisher';

const TO_LSP_SEVERITY: Record<DiffSeverity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** What a diagnostic carries so that a code action can find its finding again. */
export interface DiagnosticData {
  findingId: string;
  rootUri: string;
}

export function toDiagnostic(f: DiffFinding, rootUri: string): Diagnostic | undefined {
  if (!f.location) return undefined;
  const samples = f.sampleIds.length ? ` Seen in ${f.count} transaction${f.count === 1 ? '' : 's'}, e.g. ${f.sampleIds[0]}.` : '';
  return {
    range: f.location.range,
    severity: TO_LSP_SEVERITY[f.severity],
    code: f.code,
    source: DIAGNOSTIC_SOURCE,
    message: `${f.message}${/[.!?)]$/.test(f.message) ? '' : '.'}${samples}`,
    data: { findingId: f.id, rootUri } satisfies DiagnosticData,
  };
}

export function isDiagnosticData(value: unknown): value is DiagnosticData {
  const v = value as Partial<DiagnosticData> | undefined;
  return typeof v?.findingId === 'string' && typeof v.rootUri === 'string';
}

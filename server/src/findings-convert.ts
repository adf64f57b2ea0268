// DiffFinding (core's rich finding, with fix data) → the shapes that leave the server: LSP
// diagnostics and the `tapline/findings` Finding. Pure.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { DiffFinding, FindingSeverity as DiffSeverity } from '../../core/src/diff/finding';
import type { Finding, FindingSeverity } from '../../core/src/messages';
import { fixTitle } from '../../core/src/patch/plan';
import { DIAGNOSTIC_SOURCE } from './diagnostics-publisher';

const TO_MESSAGE_SEVERITY: Record<DiffSeverity, FindingSeverity> = { error: 'error', warning: 'warning', info: 'information', hint: 'hint' };
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

export function toMessageFinding(f: DiffFinding): Finding {
  return {
    id: f.id,
    code: f.code,
    severity: TO_MESSAGE_SEVERITY[f.severity],
    message: f.message,
    method: f.method,
    path: f.path,
    ...(f.service ? { service: f.service } : {}),
    ...(f.location ? { location: { uri: f.location.uri, range: f.location.range } } : {}),
    fixes: f.fixes.map((fix) => ({ title: fixTitle(fix), kind: fix.kind })),
  };
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

// `--format json`: `{ findings: [{ code, severity, method, path, message, … }] }`. Lines and
// columns are 1-based, as in SARIF and editors' status bars.

import type { DiffFinding } from '../../../core/src/diff/finding';
import { fixTitle } from '../../../core/src/patch/plan';
import type { SourceDiagnostic } from '../../../core/src/openapi/parsed-document';

export function formatJson(findings: readonly DiffFinding[], diagnostics: readonly SourceDiagnostic[], displayPath: (uri: string) => string): string {
  const loc = (uri: string, r: { start: { line: number; character: number }; end: { line: number; character: number } }) => ({
    file: displayPath(uri),
    line: r.start.line + 1,
    column: r.start.character + 1,
    endLine: r.end.line + 1,
    endColumn: r.end.character + 1,
  });
  return (
    JSON.stringify(
      {
        findings: findings.map((f) => ({
          code: f.code,
          severity: f.severity,
          method: f.method,
          path: f.path,
          message: f.message,
          ...(f.service ? { service: f.service } : {}),
          ...(f.operation ? { operation: f.operation } : {}),
          ...(f.location ? { location: loc(f.location.uri, f.location.range) } : {}),
          count: f.count,
          sampleIds: f.sampleIds,
          fixes: f.fixes.map((x) => ({ kind: x.kind, title: fixTitle(x) })),
          id: f.id,
        })),
        diagnostics: diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message, location: loc(d.uri, d.range) })),
      },
      null,
      2,
    ) + '\n'
  );
}

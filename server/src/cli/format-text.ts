// Human-readable output: one line per finding, `file:line:col severity code: message` (messages name the operation).

import type { DiffFinding } from '../../../core/src/diff/finding';
import type { SourceDiagnostic } from '../../../core/src/openapi/parsed-document';

export function formatText(findings: readonly DiffFinding[], diagnostics: readonly SourceDiagnostic[], displayPath: (uri: string) => string): string {
  const lines: string[] = [];
  for (const d of diagnostics) {
    lines.push(`${displayPath(d.uri)}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} spec ${d.message}`);
  }
  for (const f of findings) {
    const where = f.location ? `${displayPath(f.location.uri)}:${f.location.range.start.line + 1}:${f.location.range.start.character + 1} ` : '';
    // Messages quote traffic; strip control characters so a hostile request cannot rewrite the terminal.
    lines.push(`${where}${f.severity} ${f.code}: ${sanitize(f.message)}`);
  }
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  lines.push(
    findings.length === 0
      ? 'No findings.'
      : `${findings.length} finding${findings.length === 1 ? '' : 's'}: ${count('error')} error(s), ${count('warning')} warning(s), ${count('info') + count('hint')} info`,
  );
  return lines.join('\n') + '\n';
}

export function sanitize(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');
}

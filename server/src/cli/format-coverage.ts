// `tapline diff --coverage`: how much of the description the traffic exercised, as text, JSON,
// SARIF (one note per operation without traffic) or a JUnit-style summary that CI systems show
// (a testsuite per tag, a testcase per operation, skipped when no traffic reached it).

import type { CoverageReport, CoverageTotals, OperationCoverage } from '../../../core/src/diff/coverage';
import { ratio } from '../../../core/src/diff/coverage';
import { sanitize } from './format-text';

export type CoverageFormat = 'text' | 'json' | 'sarif' | 'junit';

const pct = (covered: number, of: number): string => `${(ratio(covered, of) * 100).toFixed(1)} %`;

function line(label: string, t: CoverageTotals): string {
  return `${label}: operations ${pct(t.exercised, t.operations)} (${t.exercised}/${t.operations}), responses ${pct(t.responsesExercised, t.responses)} (${t.responsesExercised}/${t.responses})`;
}

function xml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** 1-based, as in `--format json` findings and SARIF. */
function at(location: OperationCoverage['location'], display: (uri: string) => string): { file: string; line: number; column: number } | undefined {
  return location && { file: display(location.uri), line: location.range.start.line + 1, column: location.range.start.character + 1 };
}

/** `display`: a spec file's uri as shown (relative to the working directory). */
export function formatCoverage(report: CoverageReport, format: CoverageFormat, specFile: string, version: string, display: (uri: string) => string = (u) => u): string {
  switch (format) {
    case 'json': {
      const operations = report.operations.map(({ location, ...op }) => ({ ...op, ...(location ? { location: at(location, display) } : {}) }));
      return JSON.stringify({ spec: specFile, ...report, operations }, null, 2) + '\n';
    }
    case 'junit':
      return junit(report, specFile);
    case 'sarif':
      return sarif(report, specFile, version, display);
    case 'text': {
      const out = [line(`${sanitize(specFile)}`, report.total)];
      for (const { tag, totals } of report.byTag) out.push('  ' + line(tag === '' ? '(untagged)' : `tag ${sanitize(tag)}`, totals));
      for (const op of report.operations) {
        const seen = op.responses.filter((r) => r.exercised).map((r) => r.status);
        const missing = op.responses.filter((r) => !r.exercised).map((r) => r.status);
        out.push(`${op.calls > 0 ? '✓' : '✗'} ${sanitize(op.key)}  ${op.calls} call${op.calls === 1 ? '' : 's'}` +
          (seen.length > 0 ? `; responses seen ${seen.join(', ')}` : '') + (missing.length > 0 ? `; not seen ${missing.join(', ')}` : ''));
      }
      return out.join('\n') + '\n';
    }
  }
}

function junit(report: CoverageReport, specFile: string): string {
  const suites = report.byTag.map(({ tag, totals }) => {
    const ops = report.operations.filter((o) => (tag === '' ? o.tags.length === 0 : o.tags.includes(tag)));
    const cases = ops.map((o) => {
      const open = `    <testcase classname="${xml(tag === '' ? 'untagged' : tag)}" name="${xml(o.key)}">`;
      const missing = o.responses.filter((r) => !r.exercised).map((r) => r.status);
      const out = `      <system-out>${o.calls} calls; responses not seen: ${xml(missing.join(', ') || 'none')}</system-out>`;
      return o.calls > 0 ? `${open}\n${out}\n    </testcase>` : `${open}\n      <skipped message="no traffic reached this operation"/>\n    </testcase>`;
    });
    return `  <testsuite name="${xml(tag === '' ? 'untagged' : tag)}" tests="${totals.operations}" skipped="${totals.operations - totals.exercised}" failures="0" errors="0">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const t = report.total;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(`OpenAPI coverage of ${specFile}: ${pct(t.exercised, t.operations)} of operations, ${pct(t.responsesExercised, t.responses)} of responses`)}" tests="${t.operations}" skipped="${t.operations - t.exercised}" failures="0" errors="0">\n${suites.join('\n')}\n</testsuites>\n`;
}

/** The operation's file and line; the spec file alone when the text has no position for it. */
function physical(location: OperationCoverage['location'], specFile: string, display: (uri: string) => string): Record<string, unknown> {
  const a = at(location, display);
  if (a === undefined) return { artifactLocation: { uri: specFile } };
  return { artifactLocation: { uri: a.file }, region: { startLine: a.line, startColumn: a.column } };
}

function sarif(report: CoverageReport, specFile: string, version: string, display: (uri: string) => string): string {
  const results = report.operations
    .filter((o) => o.calls === 0)
    .map((o) => ({
      ruleId: 'operation-not-exercised',
      level: 'note',
      message: { text: `${o.key}: no traffic reached this operation` },
      locations: [{ physicalLocation: physical(o.location, specFile, display) }],
      properties: { operation: o.key, tags: o.tags },
    }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'tapline', semanticVersion: version, rules: [{ id: 'operation-not-exercised', shortDescription: { text: 'A documented operation that the traffic did not exercise.' }, defaultConfiguration: { level: 'note' } }] } },
      results,
      properties: { coverage: report.total },
    }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

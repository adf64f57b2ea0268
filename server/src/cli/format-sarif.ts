// SARIF 2.1.0 so that code-scanning tools (GitHub code scanning, Azure DevOps, IDE viewers) show
// the findings on the spec file.

import type { DiffFinding, FindingSeverity } from '../../../core/src/diff/finding';
import { DEFAULT_SEVERITIES, FINDING_CODES, FINDING_DESCRIPTIONS } from '../../../core/src/diff/finding';
import type { SourceDiagnostic } from '../../../core/src/openapi/parsed-document';

const LEVEL: Record<FindingSeverity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

export interface SarifContext {
  version: string;
  /** file:// URI of the directory results are relative to (with trailing slash). */
  baseUri: string;
  relativePath: (uri: string) => string;
}

export function formatSarif(findings: readonly DiffFinding[], diagnostics: readonly SourceDiagnostic[], ctx: SarifContext): string {
  const rules = [...FINDING_CODES.map((code) => ({
    id: code,
    name: code.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase()),
    shortDescription: { text: FINDING_DESCRIPTIONS[code] },
    defaultConfiguration: { level: LEVEL[DEFAULT_SEVERITIES[code]] },
    helpUri: `https://tapline.invalid/docs/findings#${code}`,
  })), { id: 'spec-problem', name: 'SpecProblem', shortDescription: { text: 'The OpenAPI document itself has a problem (syntax, $ref).' }, defaultConfiguration: { level: 'error' as const } }];
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const region = (r: { start: { line: number; character: number }; end: { line: number; character: number } }) => ({
    startLine: r.start.line + 1,
    startColumn: r.start.character + 1,
    endLine: r.end.line + 1,
    endColumn: r.end.character + 1,
  });
  const physical = (uri: string, r: Parameters<typeof region>[0]) => ({
    physicalLocation: { artifactLocation: { uri: ctx.relativePath(uri), uriBaseId: '%SRCROOT%' }, region: region(r) },
  });
  const results = [
    ...diagnostics.map((d) => ({
      ruleId: 'spec-problem',
      ruleIndex: ruleIndex.get('spec-problem'),
      level: d.severity === 'info' ? 'note' : d.severity,
      message: { text: d.message },
      locations: [physical(d.uri, d.range)],
    })),
    ...findings.map((f) => ({
      ruleId: f.code,
      ruleIndex: ruleIndex.get(f.code),
      level: LEVEL[f.severity],
      message: { text: `${f.method} ${f.path}: ${f.message}` },
      ...(f.location ? { locations: [physical(f.location.uri, f.location.range)] } : {}),
      partialFingerprints: { taplineFindingId: f.id },
      // `x-tapline-ignore` in the spec: SARIF's in-source suppression, at the object that holds it.
      ...(f.suppressed
        ? { suppressions: [{ kind: 'inSource', status: 'accepted', ...(f.suppressed.justification !== undefined ? { justification: f.suppressed.justification } : {}), properties: { pointer: f.suppressed.pointer, file: ctx.relativePath(f.suppressed.uri) } }] }
        : {}),
      properties: { method: f.method, path: f.path, count: f.count, ...(f.service ? { service: f.service } : {}) },
    })),
  ];
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'tapline', semanticVersion: ctx.version, informationUri: 'https://tapline.invalid', rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: ctx.baseUri } },
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

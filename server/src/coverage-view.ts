// Coverage of each workspace spec by the engine's traffic, for the snapshot (tree, Explorer) and a
// code lens at the top of the spec: computed from the analyzer's per-operation counters (the
// inventory's calls and statuses, routed to operations), so it follows every analysis for free.
import type { CodeLens } from 'vscode-languageserver/node';
import { coverageFromCounts, coverageLine, ratio } from '../../core/src/diff/coverage';
import type { SpecCoverage } from '../../core/src/messages';
import type { Analyzer, SpecAnalysis } from './analyzer';

function titleOf(analysis: SpecAnalysis): string {
  const root = analysis.spec.documents.get(analysis.spec.rootUri);
  const info = (root?.value as { info?: { title?: unknown } } | undefined)?.info;
  if (typeof info?.title === 'string' && info.title.trim() !== '') return info.title;
  return decodeURIComponent(analysis.spec.rootUri.slice(analysis.spec.rootUri.lastIndexOf('/') + 1));
}

export function specCoverage(analysis: SpecAnalysis): SpecCoverage | undefined {
  const report = coverageFromCounts(analysis.spec, analysis.operations);
  if (report === undefined || report.total.operations === 0) return undefined;
  return {
    rootUri: analysis.spec.rootUri,
    title: titleOf(analysis),
    total: report.total,
    byTag: report.byTag,
    operations: report.operations.map((o) => ({
      key: o.key,
      tags: o.tags,
      deprecated: o.deprecated,
      calls: o.calls,
      responses: o.responses.length,
      responsesExercised: o.responses.filter((r) => r.exercised).length,
    })),
  };
}

export function allCoverage(analyzer: Analyzer): SpecCoverage[] {
  return analyzer.all().flatMap((a) => specCoverage(a) ?? []);
}

/** One lens on the first line of a spec's root document: its coverage, then each tag's share. */
export function coverageLenses(analyzer: Analyzer, uri: string, hasTraffic: boolean): CodeLens[] {
  if (!hasTraffic) return [];
  const lenses: CodeLens[] = [];
  const top = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  for (const analysis of analyzer.forDocument(uri)) {
    if (analysis.spec.rootUri !== uri) continue;
    const coverage = specCoverage(analysis);
    if (!coverage) continue;
    lenses.push({ range: top, command: { title: `Tapline coverage: ${coverageLine(coverage.total)}`, command: '' } });
    const tags = coverage.byTag.filter((t) => t.tag !== '');
    if (tags.length < 2) continue;
    const parts = tags.map((t) => `${t.tag} ${Math.floor(ratio(t.totals.exercised, t.totals.operations) * 100)} %`);
    lenses.push({ range: top, command: { title: `by tag: ${parts.join(' · ')}`, command: '' } });
  }
  return lenses;
}

// The engine's Analyzer over a SpecIndex and a TrafficStore, with what it publishes recorded and a
// wait for its next (debounced) publication, for the analyzer's unit tests.
import type { TestContext } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver/node';
import type { TrafficStore } from '../../core/src/inventory/traffic-store';
import { Analyzer } from '../../server/src/analyzer';
import type { SpecIndex } from '../../server/src/spec-index';

export interface TestAnalyzer {
  analyzer: Analyzer;
  /** Every publication, in order: a spec's diagnostics per file. */
  published: Array<Map<string, Diagnostic[]> | undefined>;
  /** Resolves at the next publication; fails after 10 s saying what it waited for. */
  nextPublish(what: string): Promise<void>;
}

export function testAnalyzer(t: TestContext, specs: SpecIndex, store: TrafficStore): TestAnalyzer {
  const published: TestAnalyzer['published'] = [];
  let onPublish = (): void => undefined;
  const analyzer = new Analyzer(specs, () => store.observations(), {
    publish: (_root, files) => {
      published.push(files);
      onPublish();
    },
    findingsChanged: () => undefined,
    severities: () => ({}),
    diagnosticsEnabled: () => true,
  });
  t.after(() => analyzer.dispose());
  const nextPublish = (what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`waited 10 s for ${what}`)), 10_000);
      onPublish = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  return { analyzer, published, nextPublish };
}

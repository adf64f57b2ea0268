// The fast YAML parse path: the block-YAML reader in ./fast-yaml, falling back to the `yaml`
// library (./parse-yaml) for anything it does not handle, including every malformed document, so
// diagnostics always come from the full parser.

import { readFastYaml } from './fast-yaml/reader';
import { TreePositions } from './fast-yaml/position-tree';
import type { ParsedDocument, SourceDiagnostic } from './parsed-document';
import { parseYaml } from './parse-yaml';
import { LineIndex } from './source-text';

export function parseYamlFast(uri: string, text: string): ParsedDocument {
  let fast;
  try {
    fast = readFastYaml(text);
  } catch {
    return parseYaml(uri, text);
  }
  const lines = new LineIndex(text);
  const diagnostics: SourceDiagnostic[] = fast.duplicates.map((d) => {
    const offsets = { start: d.ks, end: d.ke };
    return { uri, offsets, range: lines.rangeOf(offsets), severity: 'error', message: 'Map keys must be unique', code: 'yaml:DUPLICATE_KEY' };
  });
  return { uri, format: 'yaml', text, value: fast.value, lines, diagnostics, positions: new TreePositions(fast.root) };
}

// `tapline diff … --overlay out.yaml`: the first fix of every finding (the one a quick fix offers
// first) as an OpenAPI Overlay 1.0 document, for descriptions generated or owned elsewhere.

import type { DiffFinding } from '../../../core/src/diff/finding';
import type { LoadedSpec } from '../../../core/src/openapi/model';
import { RefResolver } from '../../../core/src/openapi/refs';
import { buildOverlay, overlayToYaml } from '../../../core/src/overlay/overlay';

export function writeOverlay(
  file: string,
  spec: LoadedSpec,
  findings: readonly DiffFinding[],
  display: (uri: string) => string,
  io: { writeFile?(path: string, text: string): boolean; stderr(text: string): void },
): boolean {
  const model = spec.model;
  if (model === undefined) return false;
  const resolver = new RefResolver(spec.documents);
  const { document, skipped } = buildOverlay(findings.flatMap((f) => f.fixes.slice(0, 1)), {
    rootUri: spec.rootUri,
    version: model.version,
    title: `Tapline fixes for ${display(spec.rootUri)}`,
    extends: display(spec.rootUri),
    valueAt: (uri, pointer) => resolver.valueAt(uri, pointer),
  });
  for (const s of skipped) io.stderr(`tapline: --overlay: left out '${s.fix.kind}': ${s.reason}\n`);
  if (io.writeFile === undefined || !io.writeFile(file, overlayToYaml(document))) {
    io.stderr(`tapline: cannot write the overlay ${file}\n`);
    return false;
  }
  io.stderr(`tapline: wrote ${document.actions.length} overlay action${document.actions.length === 1 ? '' : 's'} to ${file}\n`);
  return true;
}

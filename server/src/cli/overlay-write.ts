// `tapline diff … --overlay out.yaml`: the findings' first fixes as an OpenAPI Overlay 1.0 document.

import type { DiffFinding } from '../../../core/src/diff/finding';
import type { LoadedSpec } from '../../../core/src/openapi/model';
import { overlayText } from '../overlay-text';

export function writeOverlay(
  file: string,
  spec: LoadedSpec,
  findings: readonly DiffFinding[],
  display: (uri: string) => string,
  io: { writeFile?(path: string, text: string): boolean; stderr(text: string): void },
): boolean {
  const overlay = overlayText(spec, findings, display(spec.rootUri));
  if (overlay === undefined) return false;
  for (const line of overlay.skipped) io.stderr(`tapline: --overlay: ${line}\n`);
  if (io.writeFile === undefined || !io.writeFile(file, overlay.yaml)) {
    io.stderr(`tapline: cannot write the overlay ${file}\n`);
    return false;
  }
  io.stderr(`tapline: wrote ${overlay.actions} overlay action${overlay.actions === 1 ? '' : 's'} to ${file}\n`);
  return true;
}

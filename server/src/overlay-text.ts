// The first fix of every finding (the one a quick fix offers first) as an OpenAPI Overlay 1.0
// document, for descriptions generated or owned elsewhere: one builder for `tapline diff
// --overlay` and the editor's "Export Fixes as Overlay…".
import type { DiffFinding } from '../../core/src/diff/finding';
import type { LoadedSpec } from '../../core/src/openapi/model';
import { RefResolver } from '../../core/src/openapi/refs';
import { buildOverlay, overlayToYaml } from '../../core/src/overlay/overlay';
import type { Outcome } from '../../core/src/messages';
import { freshAnalysis, type FixContext } from './fixes';

export interface OverlayText {
  yaml: string;
  actions: number;
  /** One line per fix left out, saying why. */
  skipped: string[];
}

/** Undefined when the spec could not be read as OpenAPI. `name` is how the user sees the spec. */
export function overlayText(spec: LoadedSpec, findings: readonly DiffFinding[], name: string): OverlayText | undefined {
  const model = spec.model;
  if (model === undefined) return undefined;
  const resolver = new RefResolver(spec.documents);
  const { document, skipped } = buildOverlay(findings.filter((f) => f.suppressed === undefined).flatMap((f) => f.fixes.slice(0, 1)), {
    rootUri: spec.rootUri,
    version: model.version,
    title: `Tapline fixes for ${name}`,
    extends: name,
    valueAt: (uri, pointer) => resolver.valueAt(uri, pointer),
  });
  return { yaml: overlayToYaml(document), actions: document.actions.length, skipped: skipped.map((s) => `left out '${s.fix.kind}': ${s.reason}`) };
}

/** The engine's answer to "Export Fixes as Overlay…" for one workspace spec. */
export async function exportOverlay(context: FixContext, rootUri: string): Promise<Outcome<OverlayText>> {
  const analysis = await freshAnalysis(context, rootUri);
  if (!analysis) return { ok: false, reason: `${rootUri} is not an OpenAPI document of the workspace` };
  const name = decodeURIComponent(rootUri.slice(rootUri.lastIndexOf('/') + 1));
  const overlay = overlayText(analysis.spec, analysis.findings, name);
  if (!overlay) return { ok: false, reason: `${name} could not be read as OpenAPI` };
  return { ok: true, ...overlay };
}

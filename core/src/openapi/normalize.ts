import type { SpecModel } from './model';
import { NormalizeContext, entryText } from './normalize-context';
import { normalizeV2 } from './normalize-v2';
import { normalizeV3 } from './normalize-v3';
import type { ParsedDocument, SourceDiagnostic } from './parsed-document';
import { isRecord } from './refs';

export function normalizeSpec(
  rootUri: string,
  documents: ReadonlyMap<string, ParsedDocument>,
): { model?: SpecModel; diagnostics: SourceDiagnostic[] } {
  const root = documents.get(rootUri);
  const value = root?.value;
  if (!root || !isRecord(value)) return { diagnostics: [] };
  const swagger = value.swagger;
  const openapi = value.openapi;
  if (swagger !== undefined) {
    const ctx = new NormalizeContext(rootUri, documents, '2.0');
    if (entryText(swagger) !== '2.0') ctx.report(rootUri, '/swagger', `Unsupported Swagger version ${entryText(swagger)}`, 'spec:version', 'warning');
    return { model: normalizeV2(ctx, value, entryText(swagger)), diagnostics: ctx.diagnostics };
  }
  if (openapi !== undefined) {
    const v = entryText(openapi);
    const ctx = new NormalizeContext(rootUri, documents, v.startsWith('3.1') ? '3.1' : '3.0');
    if (!/^3\.[01]/.test(v)) ctx.report(rootUri, '/openapi', `Unsupported OpenAPI version ${v}`, 'spec:version', 'warning');
    return { model: normalizeV3(ctx, value, v), diagnostics: ctx.diagnostics };
  }
  return { diagnostics: [] };
}

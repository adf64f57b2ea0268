// Accepted fixes as an OpenAPI Overlay 1.0 document (https://spec.openapis.org/overlay/v1.0.0):
// for teams whose description is generated or owned elsewhere, the changes travel as a reviewable
// file that their own pipeline applies. Each fix becomes one action on the root document: `update`
// (merged into the target: objects recursively, arrays appended) or `remove`. Targets are JSONPath
// (RFC 9535) built from the fix's JSON pointer.
//
// Fixes that an Overlay cannot say faithfully are returned in `skipped` with the reason: nodes in
// another file than the root document (an Overlay applies to one document), a new security scheme,
// two types in Swagger 2.0.

import { stringify } from 'yaml';
import type { FixData, NodeAddress } from '../diff/finding';
import { decodePointer } from '../openapi/json-pointer';
import type { SpecVersion } from '../openapi/model';
import { fixTitle } from '../patch/plan';
import { renderOperation, renderParameter, renderResponse, schemaFor } from '../patch/render';

export interface OverlayAction {
  target: string;
  description: string;
  update?: unknown;
  remove?: true;
}

export interface OverlayDocument {
  overlay: '1.0.0';
  info: { title: string; version: string };
  extends?: string;
  actions: OverlayAction[];
}

export interface OverlayResult {
  document: OverlayDocument;
  skipped: { fix: FixData; reason: string }[];
}

/** `$.paths['/pets/{petId}'].get` for `/paths/~1pets~1{petId}/get`. */
export function pointerToJsonPath(pointer: string): string {
  let out = '$';
  for (const seg of decodePointer(pointer)) {
    out += /^[A-Za-z_][A-Za-z0-9_]*$/.test(seg) ? `.${seg}` : `['${seg.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
  }
  return out;
}

function literal(value: unknown): string {
  return typeof value === 'string' ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : JSON.stringify(value);
}

type Step = { target: NodeAddress; update?: unknown; remove?: true; suffix?: string };
type Planned = Step | Step[] | { reason: string };

/** Reads the spec's current value at a node (widening a type needs the type it has). */
export type ValueAt = (uri: string, pointer: string) => unknown;

function widen(fix: Extract<FixData, { kind: 'widen-type' }>, version: SpecVersion, valueAt: ValueAt): Planned {
  const { schema, addType } = fix;
  if (addType === 'null' && version !== '3.1') return { target: schema, update: { [version === '2.0' ? 'x-nullable' : 'nullable']: true } };
  const cur = valueAt(schema.uri, `${schema.pointer}/type`);
  if (cur === 'integer' && addType === 'number') return { target: schema, update: { type: 'number' } };
  // Updates append to arrays and replace scalars: both are what widening needs here.
  if (Array.isArray(cur)) return { target: schema, update: { type: [addType] } };
  if (typeof cur !== 'string') return { reason: 'the schema has no type to widen' };
  if (version === '3.1') return { target: schema, update: { type: [cur, addType] } };
  if (version === '3.0') return [{ target: schema, update: { anyOf: [{ type: cur }, { type: addType }] } }, { target: schema, suffix: '.type', remove: true }];
  return { reason: 'Swagger 2.0 has no way to allow two types' };
}

function plan(fix: FixData, version: SpecVersion, valueAt: ValueAt): Planned {
  switch (fix.kind) {
    case 'add-operation':
      return { target: fix.paths, update: { [fix.operation.path]: { [fix.operation.method]: renderOperation(fix.operation, version) } } };
    case 'add-method':
      return { target: fix.pathItem, update: { [fix.operation.method]: renderOperation(fix.operation, version) } };
    case 'add-response':
      return { target: fix.operation, update: { responses: { [fix.response.status]: renderResponse(fix.response, version) } } };
    case 'add-media-type': {
      if (version === '2.0') return { reason: 'Swagger 2.0 media types are per operation (produces/consumes)' };
      const schema = schemaFor(fix.schema, version);
      return { target: fix.owner, update: { content: { [fix.mediaType]: schema === undefined ? {} : { schema } } } };
    }
    case 'make-optional':
      // A filter on the array's elements (RFC 9535, parenthesised as older JSONPath tools also read it).
      return { target: fix.schema, suffix: `.required[?(@ == ${literal(fix.property)})]`, remove: true };
    case 'widen-type':
      return widen(fix, version, valueAt);
    case 'add-enum-value':
      if (fix.value === null) return { reason: 'allowing null changes `type`/`nullable`, not the enum' };
      return { target: fix.schema, update: { enum: [fix.value] } };
    case 'add-property':
      return { target: fix.schema, update: { properties: { [fix.property]: schemaFor(fix.propertySchema, version) ?? {} } } };
    case 'add-parameter':
      return { target: fix.operation, update: { parameters: [renderParameter(fix.parameter, version)] } };
    case 'add-security':
      if (fix.newScheme) return { reason: `adds the security scheme ${fix.newScheme.name} too: apply it in the editor` };
      return { target: fix.operation, update: { security: [fix.requirement] } };
    case 'mark-deprecated':
      return { target: fix.operation, update: { deprecated: true } };
    case 'remove-operation':
      return { target: fix.operation, remove: true };
    case 'ignore-finding':
      return { target: fix.operation, update: { 'x-tapline-ignore': [fix.code] } };
  }
}

/**
 * The Overlay for `fixes` on the document at `rootUri` (`extends` names it as the user sees it).
 * The same fix twice yields one action.
 */
export function buildOverlay(
  fixes: readonly FixData[],
  options: { rootUri: string; version: SpecVersion; title: string; extends?: string; overlayVersion?: string; valueAt?: ValueAt },
): OverlayResult {
  const valueAt = options.valueAt ?? ((): unknown => undefined);
  const actions: OverlayAction[] = [];
  const skipped: OverlayResult['skipped'] = [];
  const seen = new Set<string>();
  for (const fix of fixes) {
    const p = plan(fix, options.version, valueAt);
    if ('reason' in p) {
      skipped.push({ fix, reason: p.reason });
      continue;
    }
    const steps = Array.isArray(p) ? p : [p];
    const elsewhere = steps.find((st) => st.target.uri !== options.rootUri);
    if (elsewhere !== undefined) {
      skipped.push({ fix, reason: `the node is in ${elsewhere.target.uri}, not in the root document` });
      continue;
    }
    const mine = steps.map((st): OverlayAction => ({
      target: pointerToJsonPath(st.target.pointer) + (st.suffix ?? ''),
      description: fixTitle(fix),
      ...(st.remove ? { remove: true as const } : { update: st.update }),
    }));
    const key = JSON.stringify(mine);
    if (seen.has(key)) continue;
    seen.add(key);
    actions.push(...mine);
  }
  const document: OverlayDocument = {
    overlay: '1.0.0',
    info: { title: options.title, version: options.overlayVersion ?? '1.0.0' },
    ...(options.extends === undefined ? {} : { extends: options.extends }),
    actions,
  };
  return { document, skipped };
}

/** YAML text of an Overlay document. */
export function overlayToYaml(document: OverlayDocument): string {
  return stringify(document, { lineWidth: 0 });
}

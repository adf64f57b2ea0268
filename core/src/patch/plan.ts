// Plans the text edits of a quick fix: format-preserving, in the file that holds the node (the
// `$ref` target), and reduced to the span that changed.

import type { FixData, NodeAddress } from '../diff/finding';
import { decodePointer } from '../openapi/json-pointer';
import type { LoadedSpec, SpecVersion } from '../openapi/model';
import { LineIndex } from '../openapi/source-text';
import { isRecord } from '../openapi/refs';
import type { DocumentEditor, Splice } from './editor';
import { JsonEditor } from './json-editor';
import { renderOperation, renderParameter, renderResponse, schemaFor } from './render';
import type { TextEdit } from './text-edit';
import { minimalEdit } from './text-edit';
import { YamlEditor } from './yaml-editor';
import { FastYamlEditor } from './fast-yaml-editor';
import { TreePositions } from '../openapi/fast-yaml/position-tree';

export interface PlannedFix {
  title: string;
  edits: TextEdit[];
}

interface FileState {
  original: string;
  text: string;
  /** Applied splices in original coordinates, sorted; undefined after an overlap (then one diff edit). */
  edits: Splice[] | undefined;
}

class EditSession {
  private readonly files = new Map<string, FileState>();

  constructor(private readonly spec: LoadedSpec) {}

  editor(uri: string): DocumentEditor {
    const doc = this.spec.documents.get(uri);
    if (!doc) throw new Error(`document not loaded: ${uri}`);
    const text = this.files.get(uri)?.text ?? doc.text;
    if (doc.format === 'json') return new JsonEditor(text);
    // What the loader already parsed is reused for the first edit (no second parse of a large file).
    const unchanged = text === doc.text;
    if (unchanged && doc.yamlDocument) return new YamlEditor(text, doc.yamlDocument);
    try {
      const tree = unchanged && doc.positions instanceof TreePositions ? { root: doc.positions.root, value: doc.value } : undefined;
      return new FastYamlEditor(text, tree);
    } catch {
      return new YamlEditor(text);
    }
  }

  /** Runs one primitive on the file's current text. */
  apply(uri: string, f: (e: DocumentEditor) => Splice[]): void {
    const doc = this.spec.documents.get(uri);
    if (!doc) throw new Error(`document not loaded: ${uri}`);
    const state = this.files.get(uri) ?? { original: doc.text, text: doc.text, edits: [] };
    this.files.set(uri, state);
    const splices = [...f(this.editor(uri))].sort((a, b) => b.start - a.start);
    for (const sp of splices) {
      state.text = state.text.slice(0, sp.start) + sp.text + state.text.slice(sp.end);
      state.edits = state.edits && toOriginal(state.edits, sp);
    }
  }

  edits(): TextEdit[] {
    const out: TextEdit[] = [];
    for (const [uri, state] of this.files) {
      if (!state.edits) {
        const e = minimalEdit(uri, state.original, state.text);
        if (e) out.push(e);
        continue;
      }
      // The loaded document's line index is of this same text; building another one walked all
      // of a large file's lines (≈20 ms of a 22 ms quick fix on GitHub's description, profiled).
      const doc = this.spec.documents.get(uri);
      const lines = doc !== undefined && doc.text === state.original ? doc.lines : new LineIndex(state.original);
      for (const sp of state.edits) {
        if (sp.start === sp.end && sp.text === '') continue;
        out.push({ uri, start: sp.start, end: sp.end, newText: sp.text, range: lines.rangeOf(sp) });
      }
    }
    return out;
  }
}

/** Adds a splice made on the edited text to the list of splices in original coordinates. */
function toOriginal(prior: Splice[], sp: Splice): Splice[] | undefined {
  let shift = 0;
  const map = (pos: number): number | undefined => {
    shift = 0;
    for (const e of prior) {
      const curStart = e.start + shift;
      const curEnd = curStart + e.text.length;
      if (pos <= curStart) break;
      if (pos < curEnd) return undefined;
      shift += e.text.length - (e.end - e.start);
    }
    return pos - shift;
  };
  const start = map(sp.start);
  const end = map(sp.end);
  if (start === undefined || end === undefined) return undefined;
  // Touching or overlapping an earlier splice: give up on separate edits.
  if (prior.some((e) => start <= e.end && end >= e.start)) return undefined;
  return [...prior, { start, end, text: sp.text }].sort((a, b) => a.start - b.start);
}

const segs = (a: NodeAddress, ...more: string[]): string[] => [...decodePointer(a.pointer), ...more];

export function fixTitle(fix: FixData): string {
  switch (fix.kind) {
    case 'add-operation':
    case 'add-method':
      return `Add ${fix.operation.method.toUpperCase()} ${fix.operation.path} to the spec`;
    case 'add-response':
      return `Add response ${fix.response.status}`;
    case 'add-media-type':
      return `Add media type ${fix.mediaType}`;
    case 'make-optional':
      return `Make '${fix.property}' optional`;
    case 'widen-type':
      return fix.addType === 'null' ? 'Allow null' : `Also allow type ${fix.addType}`;
    case 'add-enum-value':
      return `Add ${JSON.stringify(fix.value)} to the enum`;
    case 'add-property':
      return `Add property '${fix.property}'`;
    case 'add-parameter':
      return `Add ${fix.parameter.in} parameter '${fix.parameter.name}'`;
    case 'add-security':
      return `Add security requirement ${Object.keys(fix.requirement).join(' + ')}`;
    case 'mark-deprecated':
      return 'Mark the operation deprecated';
    case 'remove-operation':
      return 'Remove the operation';
    case 'ignore-finding':
      return `Ignore ${fix.code} here (x-tapline-ignore)`;
  }
}

/** The edits for a fix, or undefined when it does not apply to this document (version, shape). */
export function planFix(spec: LoadedSpec, fix: FixData): PlannedFix | undefined {
  const model = spec.model;
  if (!model) return undefined;
  const session = new EditSession(spec);
  try {
    if (!applyFix(session, spec, model.version, fix)) return undefined;
  } catch {
    return undefined;
  }
  const edits = session.edits();
  return edits.length > 0 ? { title: fixTitle(fix), edits } : undefined;
}

function applyFix(s: EditSession, spec: LoadedSpec, version: SpecVersion, fix: FixData): boolean {
  switch (fix.kind) {
    case 'add-operation':
      s.apply(fix.paths.uri, (e) => e.setIn(segs(fix.paths, fix.operation.path, fix.operation.method), renderOperation(fix.operation, version)));
      return true;
    case 'add-method':
      s.apply(fix.pathItem.uri, (e) => e.setIn(segs(fix.pathItem, fix.operation.method), renderOperation(fix.operation, version)));
      return true;
    case 'add-response':
      s.apply(fix.operation.uri, (e) => e.setIn(segs(fix.operation, 'responses', fix.response.status), renderResponse(fix.response, version)));
      return true;
    case 'add-media-type':
      return addMediaType(s, version, fix);
    case 'make-optional':
      s.apply(fix.schema.uri, (e) => e.removeItem(segs(fix.schema, 'required'), (v) => v === fix.property));
      return true;
    case 'widen-type':
      return widenType(s, version, fix.schema, fix.addType);
    case 'add-enum-value':
      if (fix.value === null) return widenType(s, version, fix.schema, 'null');
      s.apply(fix.schema.uri, (e) => e.append(segs(fix.schema, 'enum'), fix.value));
      return true;
    case 'add-property':
      s.apply(fix.schema.uri, (e) => e.setIn(segs(fix.schema, 'properties', fix.property), schemaFor(fix.propertySchema, version) ?? {}));
      return true;
    case 'add-parameter':
      s.apply(fix.operation.uri, (e) => e.append(segs(fix.operation, 'parameters'), renderParameter(fix.parameter, version)));
      return true;
    case 'add-security': {
      const target = segs(fix.operation, 'security');
      s.apply(fix.operation.uri, (e) => {
        const cur = e.valueAt(target);
        return Array.isArray(cur) && cur.length === 0 ? e.setIn(target, [fix.requirement]) : e.append(target, fix.requirement);
      });
      if (fix.newScheme) {
        const scheme = fix.newScheme;
        const where = version === '2.0' ? ['securityDefinitions', scheme.name] : ['components', 'securitySchemes', scheme.name];
        s.apply(spec.rootUri, (e) => (e.valueAt(where) === undefined ? e.setIn(where, scheme.definition) : []));
      }
      return true;
    }
    case 'mark-deprecated':
      s.apply(fix.operation.uri, (e) => e.setIn(segs(fix.operation, 'deprecated'), true));
      return true;
    case 'ignore-finding':
      return addIgnore(s, fix.operation, fix.code);
    case 'remove-operation': {
      const opSegs = segs(fix.operation);
      const itemSegs = opSegs.slice(0, -1);
      s.apply(fix.operation.uri, (e) => {
        const item = e.valueAt(itemSegs);
        const methods = isRecord(item) ? Object.keys(item).filter((k) => /^(get|put|post|delete|options|head|patch|trace)$/.test(k)) : [];
        return methods.length <= 1 ? e.removeKey(itemSegs) : e.removeKey(opSegs);
      });
      return true;
    }
  }
}

/** Adds `code` to the operation's `x-tapline-ignore` in whichever form it has; false when already covered. */
function addIgnore(s: EditSession, operation: NodeAddress, code: string): boolean {
  const key = segs(operation, 'x-tapline-ignore');
  let changed = false;
  s.apply(operation.uri, (e) => {
    const cur = e.valueAt(key);
    if (cur === undefined || cur === false) {
      changed = true;
      return e.setIn(key, [code]);
    }
    if (Array.isArray(cur)) {
      if (cur.includes(code)) return [];
      changed = true;
      return e.append(key, code);
    }
    if (isRecord(cur) && Array.isArray(cur['codes'])) {
      if (cur['codes'].includes(code)) return [];
      changed = true;
      return e.append([...key, 'codes'], code);
    }
    // `true` (every code) or `{ reason }` without codes: already ignored.
    return [];
  });
  return changed;
}

function addMediaType(s: EditSession, version: SpecVersion, fix: Extract<FixData, { kind: 'add-media-type' }>): boolean {
  const schema = schemaFor(fix.schema, version);
  if (version !== '2.0') {
    s.apply(fix.owner.uri, (e) => e.setIn(segs(fix.owner, 'content', fix.mediaType), schema === undefined ? {} : { schema }));
    return true;
  }
  // Swagger 2.0 lists media types per operation (`produces`/`consumes`), not per response.
  const at = fix.owner.pointer.indexOf('/responses/');
  if (!fix.owner.pointer.startsWith('/paths/') || at < 0) return false;
  const op = { uri: fix.owner.uri, pointer: fix.owner.pointer.slice(0, at) };
  s.apply(op.uri, (e) => {
    const own = e.valueAt(segs(op, 'produces'));
    if (Array.isArray(own)) return e.append(segs(op, 'produces'), fix.mediaType);
    const root = e.valueAt(['produces']);
    const inherited = Array.isArray(root) ? root.map(String) : ['application/json'];
    return e.setIn(segs(op, 'produces'), [...inherited, fix.mediaType]);
  });
  return true;
}

function widenType(s: EditSession, version: SpecVersion, schema: NodeAddress, addType: string): boolean {
  let applied = false;
  s.apply(schema.uri, (e) => {
    const typeSegs = segs(schema, 'type');
    const cur = e.valueAt(typeSegs);
    if (addType === 'null' && version !== '3.1') {
      applied = true;
      return e.setIn(segs(schema, version === '2.0' ? 'x-nullable' : 'nullable'), true);
    }
    if (cur === undefined) return [];
    if (cur === 'integer' && addType === 'number') {
      applied = true;
      return e.setIn(typeSegs, 'number');
    }
    if (Array.isArray(cur)) {
      applied = true;
      return e.append(typeSegs, addType);
    }
    if (version === '3.1') {
      applied = true;
      return e.setIn(typeSegs, [cur, addType]);
    }
    if (version === '3.0' && typeof cur === 'string') {
      applied = true;
      return e.replaceEntry(segs(schema), 'type', 'anyOf', [{ type: cur }, { type: addType }]);
    }
    return [];
  });
  return applied;
}

// Edits of the workspace policy file that the editor's "Block at the gateway" code actions make:
// planned here (pure), applied by the engine as one TextEdit. The YAML/JSON editors of
// core/src/patch splice only what changes, so comments, order and quoting elsewhere stay as the
// user wrote them. The result is re-validated: an edit never leaves an invalid policy behind.

import { parse as parseYaml, stringify } from 'yaml';
import { JsonEditor } from '../patch/json-editor';
import type { DocumentEditor, Splice } from '../patch/editor';
import type { TextEdit } from '../patch/text-edit';
import { minimalEdit } from '../patch/text-edit';
import { YamlEditor } from '../patch/yaml-editor';
import type { ClientSelector, GatewayMode, GatewayPolicy } from './policy';
import { checkOperationKey, parsePolicyText } from './policy';

export type PolicyEdit =
  /** A zombie or shadow operation: 403 for every client (kept even if it is documented later). */
  | { kind: 'deny'; operation: string }
  /** A client block, for some operations or all of them. */
  | { kind: 'block'; name: string; selector: ClientSelector; operations: string[] | '*' }
  | { kind: 'mode'; mode: GatewayMode };

export type PlannedPolicyEdit = { ok: true; newText: string; edit?: TextEdit; title: string } | { ok: false; message: string };

/** What a new policy file starts with (the schema comment gives completion without settings). */
export const NEW_POLICY_HEADER = '# Tapline gateway policy: see docs/gateway.md. `tapline gateway nginx|httproute` reads it.\n';

function applySplices(text: string, splices: readonly Splice[]): string {
  let out = text;
  for (const s of [...splices].sort((a, b) => b.start - a.start)) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

function selectorValue(sel: ClientSelector): Record<string, unknown> {
  if (sel.kind === 'ip') return { ip: sel.values };
  if (sel.kind === 'jwtSub') return { jwtSub: sel.values };
  return { header: { name: sel.header, values: sel.values } };
}

function title(edit: PolicyEdit): string {
  if (edit.kind === 'deny') return `Block ${edit.operation} at the gateway`;
  if (edit.kind === 'mode') return `Set the gateway to ${edit.mode} mode`;
  const what = edit.selector.kind === 'ip' ? 'client address' : edit.selector.kind === 'jwtSub' ? 'JWT subject' : `${edit.selector.header} value`;
  return `Block this ${what} at the gateway${edit.operations === '*' ? '' : ` for ${edit.operations.join(', ')}`}`;
}

/**
 * Plans one edit of the policy file at `uri` (`text` undefined: the file does not exist yet and
 * is created). A no-op (operation already denied, same block present) plans no edit.
 */
export function planPolicyEdit(uri: string, text: string | undefined, edit: PolicyEdit): PlannedPolicyEdit {
  const base = text ?? NEW_POLICY_HEADER;
  const current = parsePolicyText(base);
  if (!current.ok) return { ok: false, message: `the policy file has problems; fix them first: ${current.problems.map((p) => `${p.path || '/'}: ${p.message}`).join('; ')}` };
  const isJson = /\.json$/i.test(uri) || /^\s*\{/.test(base);
  // An empty (or comments-only) file has no mapping to splice into: the first entry is appended.
  const empty = !isJson && (parseYaml(base) ?? undefined) === undefined;
  const editor: DocumentEditor = isJson ? new JsonEditor(base.trim() === '' ? '{}\n' : base) : new YamlEditor(empty ? '{}\n' : base);
  let splices: Splice[];
  try {
    splices = plan(editor, current.policy, edit);
  } catch (e) {
    return { ok: false, message: `cannot edit the policy file: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (splices.length === 0) return { ok: true, newText: base, title: title(edit) };
  const edited = applySplices(editor.text, splices);
  const newText = empty ? base + (base.endsWith('\n') || base === '' ? '' : '\n') + stringify(parseYaml(edited)) : edited;
  const check = parsePolicyText(newText);
  if (!check.ok) return { ok: false, message: `the edit would make the policy invalid: ${check.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}` };
  const change = text === undefined ? undefined : minimalEdit(uri, text, newText);
  return { ok: true, newText, ...(change ? { edit: change } : {}), title: title(edit) };
}

/** The splices of one edit; none when the policy already says it. Throws when a message is due. */
function plan(editor: DocumentEditor, policy: GatewayPolicy, edit: PolicyEdit): Splice[] {
  switch (edit.kind) {
    case 'deny': {
      const why = checkOperationKey(edit.operation);
      if (why) throw new Error(why);
      return policy.deny.includes(edit.operation) ? [] : editor.append(['deny'], edit.operation);
    }
    case 'mode':
      return policy.mode === edit.mode ? [] : editor.setIn(['mode'], edit.mode);
    case 'block': {
      const same = policy.blocks.find((b) => b.name === edit.name);
      if (same) {
        if (JSON.stringify(same.selector) === JSON.stringify(edit.selector) && JSON.stringify(same.operations) === JSON.stringify(edit.operations)) return [];
        throw new Error(`a block named '${edit.name}' already exists with other values`);
      }
      return editor.append(['block'], { name: edit.name, ...selectorValue(edit.selector), ...(edit.operations === '*' ? {} : { operations: edit.operations }) });
    }
  }
}

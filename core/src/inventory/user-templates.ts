// Path templates the user set by hand ("Tapline: Edit Path Template…"), kept in the workspace's
// `.tapline/templates.json`. They win over everything else (the spec's templates and what the trie
// learned): the user corrected Tapline on purpose. This file parses and edits that document (the
// edit keeps the rest of the file as it was) and says what an edit does to an endpoint's template.
import { applyEdits, modify, parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { splitPath } from './known-templates';
import { isParamSegment } from './segment-kind';

export const USER_TEMPLATES_FILE = '.tapline/templates.json';

export interface UserTemplate {
  /** `/resourceGroups/{resourceGroupName}`: a path template, as in OpenAPI (base path included). */
  template: string;
  /** Only for this service (as the Endpoints view names it); every service when absent. */
  service?: string;
}

export type UserTemplatesResult = { ok: true; templates: UserTemplate[] } | { ok: false; problems: string[] };

const PARAM = /^\{([A-Za-z_][A-Za-z0-9_.-]*)\}$/;

/** A problem with one template's text, or undefined when it is a template Tapline can apply. */
export function templateProblem(template: string): string | undefined {
  if (!template.startsWith('/')) return 'a template starts with "/"';
  if (template.length > 2048) return 'a template is at most 2048 characters';
  if (/[?#\s]/.test(template)) return 'a template has no query, fragment or spaces';
  const names = new Set<string>();
  for (const segment of splitPath(template)) {
    if (!segment.includes('{') && !segment.includes('}')) continue;
    const param = PARAM.exec(segment);
    if (param === null) return `"${segment}": a parameter is a whole segment, "{name}" with a name of letters, digits, "_", "-" or "."`;
    if (names.has(param[1]!)) return `parameter "${param[1]}" appears twice`;
    names.add(param[1]!);
  }
  return undefined;
}

/** Parses `.tapline/templates.json`; an invalid file names each problem and applies nothing. */
export function parseUserTemplates(text: string): UserTemplatesResult {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true });
  if (errors.length > 0) return { ok: false, problems: errors.map((e) => `JSON: ${printParseErrorCode(e.error)} at offset ${e.offset}`) };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problems: ['the file holds an object with a "templates" array'] };
  const list = (value as Record<string, unknown>)['templates'] ?? [];
  if (!Array.isArray(list)) return { ok: false, problems: ['"templates" is an array'] };
  const problems: string[] = [];
  const templates: UserTemplate[] = [];
  list.forEach((item: unknown, i) => {
    const entry = typeof item === 'string' ? { template: item } : item;
    const { template, service } = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {};
    const problem =
      typeof template !== 'string'
        ? 'a string or { "template": "/…" }'
        : service !== undefined && typeof service !== 'string'
          ? '"service" is a string'
          : templateProblem(template);
    if (problem !== undefined) problems.push(`templates[${i}]: ${problem}`);
    else templates.push(service === undefined ? { template: template as string } : { template: template as string, service: service as string });
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, templates };
}

export type TemplateEditKind = 'merge' | 'split' | 'rename';

export type TemplateEdit = { ok: true; kinds: TemplateEditKind[]; summary: string } | { ok: false; reason: string };

/**
 * What replacing an endpoint's template `from` with `to` does: a literal that becomes a parameter
 * merges every path that differs there, a parameter that becomes a literal splits that value off,
 * a parameter with another name is a rename. `to` must still match the endpoint's own paths
 * (same segments, literals kept or turned into parameters), or nothing would be regrouped.
 */
export function describeTemplateEdit(from: string, to: string): TemplateEdit {
  const problem = templateProblem(to);
  if (problem !== undefined) return { ok: false, reason: problem };
  const a = splitPath(from);
  const b = splitPath(to);
  if (a.length !== b.length) return { ok: false, reason: `keep ${a.length} segments: a template covers paths of one length` };
  const kinds = new Set<TemplateEditKind>();
  for (let i = 0; i < a.length; i++) {
    const was = a[i]!;
    const now = b[i]!;
    const wasParam = isParamSegment(was);
    const nowParam = isParamSegment(now);
    if (wasParam && nowParam) {
      if (was !== now) kinds.add('rename');
    } else if (!wasParam && nowParam) {
      kinds.add('merge');
    } else if (wasParam && !nowParam) {
      kinds.add('split');
    } else if (was !== now) {
      return { ok: false, reason: `"${was}" cannot become "${now}": this endpoint's paths have "${was}" there (make it a parameter to merge)` };
    }
  }
  if (kinds.size === 0) return { ok: false, reason: 'the template is unchanged' };
  const order: TemplateEditKind[] = ['merge', 'split', 'rename'];
  const list = order.filter((k) => kinds.has(k));
  const words: Record<TemplateEditKind, string> = {
    merge: 'merges every path that differs where a parameter now is',
    split: 'splits the paths with this value off into an endpoint of their own (traffic from now on)',
    rename: 'renames the parameter',
  };
  return { ok: true, kinds: list, summary: list.map((k) => words[k]).join('; ') };
}

/** The same template with parameter names erased: two templates of one shape are one rule. */
function shapeOf(template: string): string {
  return template.replace(/\{[^{}/]*\}/g, '{}');
}

/**
 * The text of `.tapline/templates.json` (undefined: no file yet) with `entry` added, replacing an
 * entry of the same shape and service (a rename of a rename). Comments and layout stay.
 */
export function addUserTemplate(text: string | undefined, entry: UserTemplate): { ok: true; text: string } | { ok: false; reason: string } {
  const source = text === undefined || text.trim() === '' ? '{\n  "templates": []\n}\n' : text;
  const parsed = parseUserTemplates(source);
  if (!parsed.ok) return { ok: false, reason: `${USER_TEMPLATES_FILE} is invalid: ${parsed.problems.join('; ')}` };
  const root = parse(source, [], { allowTrailingComma: true }) as { templates?: unknown[] };
  const value: UserTemplate = entry.service === undefined ? { template: entry.template } : { template: entry.template, service: entry.service };
  const same = parsed.templates.findIndex((t) => shapeOf(t.template) === shapeOf(entry.template) && t.service === entry.service);
  const formatting = { insertSpaces: true, tabSize: 2, eol: '\n' };
  const edits = Array.isArray(root.templates)
    ? modify(source, ['templates', same >= 0 ? same : root.templates.length], value, { formattingOptions: formatting, isArrayInsertion: same < 0 })
    : modify(source, ['templates'], [value], { formattingOptions: formatting });
  return { ok: true, text: applyEdits(source, edits) };
}

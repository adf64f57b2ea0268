// `x-tapline-ignore` in the description: findings a team has decided to live with, kept with the
// spec rather than in each user's settings. On any object that encloses what a finding points at
// — an operation, a response, a schema (also a path item, or the whole document):
//   x-tapline-ignore: true                                   # every code
//   x-tapline-ignore: [undocumented-status, response-body-mismatch]
//   x-tapline-ignore: { codes: [undocumented-status], reason: "404s are the CDN's" }
// A finding also counts as inside its operation when it points elsewhere (a shared schema).

import { isRecord } from '../json-record';
import type { OperationModel } from '../openapi/model';
import { childOf, decodePointer } from '../openapi/json-pointer';
import type { RefResolver } from '../openapi/refs';
import type { DiffFinding, FindingCode, FixData, Suppressed } from './finding';

export const IGNORE_KEY = 'x-tapline-ignore';

export interface IgnoreRule {
  /** undefined: every code. */
  codes?: ReadonlySet<string>;
  reason?: string;
}

/** Reads one `x-tapline-ignore` value; undefined when absent, false, or not one of the forms. */
export function readIgnore(value: unknown): IgnoreRule | undefined {
  if (value === true) return {};
  if (Array.isArray(value)) {
    const codes = value.filter((c): c is string => typeof c === 'string');
    return codes.length === 0 ? undefined : { codes: new Set(codes) };
  }
  if (isRecord(value)) {
    const reason = typeof value['reason'] === 'string' ? value['reason'] : undefined;
    const raw = value['codes'];
    if (raw === undefined || raw === true) return { reason };
    if (!Array.isArray(raw)) return undefined;
    const codes = raw.filter((c): c is string => typeof c === 'string');
    return codes.length === 0 ? undefined : { codes: new Set(codes), reason };
  }
  return undefined;
}

function covers(rule: IgnoreRule, code: FindingCode): boolean {
  return rule.codes === undefined || rule.codes.has(code);
}

interface RuleAt {
  pointer: string;
  rule: IgnoreRule;
}

// The rules on the way from the root to each pointer asked about, outermost first, per loaded
// spec (its resolver is shared by every diff of it). The diff asks for every finding, twice (its
// node and its operation): resolving each ancestor pointer from the root cost depth² steps each
// time, and findings of one operation share their ancestors.
const rulesOnPath = new WeakMap<RefResolver, Map<string, readonly RuleAt[]>>();
const NONE: readonly RuleAt[] = [];

function rulesAbove(resolver: RefResolver, uri: string, pointer: string): readonly RuleAt[] {
  let index = rulesOnPath.get(resolver);
  if (index === undefined) {
    index = new Map();
    rulesOnPath.set(resolver, index);
  }
  const key = uri + '#' + pointer;
  const known = index.get(key);
  if (known !== undefined) return known;
  const rules: RuleAt[] = [];
  // One walk down from the root along the pointer, checking each node on the way.
  let node = resolver.valueAt(uri, '');
  let at = pointer.startsWith('#') ? '#' : '';
  addRule(rules, node, at);
  const segments = decodePointer(pointer);
  const raw = rawSegments(pointer);
  for (let i = 0; i < segments.length; i++) {
    node = childOf(node, segments[i]!);
    if (node === undefined) break;
    at += '/' + raw[i]!;
    addRule(rules, node, at);
  }
  const result = rules.length === 0 ? NONE : rules;
  index.set(key, result);
  return result;
}

function addRule(rules: RuleAt[], node: unknown, pointer: string): void {
  if (!isRecord(node) || !(IGNORE_KEY in node)) return;
  const rule = readIgnore(node[IGNORE_KEY]);
  if (rule !== undefined) rules.push({ pointer, rule });
}

// The pointer's segments as written (still escaped): a suppression names its pointer the way the
// finding's pointer spells it.
function rawSegments(pointer: string): string[] {
  const body = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  return body.startsWith('/') ? body.slice(1).split('/') : [];
}

/** The innermost `x-tapline-ignore` covering `code` at uri#pointer or above it, if any. */
export function findIgnore(resolver: RefResolver, uri: string, pointer: string, code: FindingCode): Suppressed | undefined {
  const rules = rulesAbove(resolver, uri, pointer);
  for (let i = rules.length - 1; i >= 0; i--) {
    const { pointer: p, rule } = rules[i]!;
    if (covers(rule, code)) return { uri, pointer: p, justification: rule.reason };
  }
  return undefined;
}

/**
 * Suppression for a finding at `at` (if any) that belongs to `operation` (if any), and lies within
 * `within` — the response or request body whose schema it checked: a schema reached through `$ref`
 * lives elsewhere, yet an `x-tapline-ignore` on the response that uses it covers it there.
 */
export function suppressionFor(
  resolver: RefResolver,
  code: FindingCode,
  at: { uri: string; pointer: string } | undefined,
  operation: OperationModel | undefined,
  within?: { uri: string; pointer: string },
): Suppressed | undefined {
  const here = at === undefined ? undefined : findIgnore(resolver, at.uri, at.pointer, code);
  if (here !== undefined) return here;
  if (within !== undefined) {
    const inside = findIgnore(resolver, within.uri, within.pointer, code);
    if (inside !== undefined) return inside;
    // A response written as `$ref: '#/components/responses/…'`: its target may carry the key.
    const target = resolver.follow(within.uri, within.pointer);
    const there = target && (target.uri !== within.uri || target.pointer !== within.pointer) ? findIgnore(resolver, target.uri, target.pointer, code) : undefined;
    if (there !== undefined) return there;
  }
  return operation === undefined ? undefined : findIgnore(resolver, operation.ref.uri, operation.ref.pointer, code);
}

/**
 * The "Ignore this finding here" fix for a finding of a described operation (planned by
 * core/src/patch like any fix); undefined for findings without one (undocumented endpoints).
 */
export function ignoreFix(finding: Pick<DiffFinding, 'code' | 'operation'>, operations: readonly OperationModel[]): FixData | undefined {
  const op = finding.operation === undefined ? undefined : operations.find((o) => o.key === finding.operation);
  if (op === undefined) return undefined;
  return { kind: 'ignore-finding', operation: { uri: op.ref.uri, pointer: op.ref.pointer }, code: finding.code };
}

// Turning observed request paths into path templates:
//   /users/42/orders/7f3c9a10e2   →   /users/{userId}/orders/{orderId}
// Three sources, in order of trust: the workspace's OpenAPI documents (KnownTemplates), what the
// per-service trie learned from traffic (PathTrie), and per-segment classification.

import { KnownTemplates, splitPath } from './known-templates';
import { PathTrie, type TrieOptions } from './path-trie';
import { classifySegment, isParamSegment, isValueSegment, paramNameFor, splitSuffix, uniqueName } from './segment-kind';

export { splitPath } from './known-templates';

/** Renders segments with a parameter mask; parameter names come from the preceding literal. */
export function renderTemplate(segments: readonly string[], mask: readonly boolean[]): string {
  if (!mask.includes(true) && !segments.some(isParamSegment)) return '/' + segments.join('/');
  const used = new Set<string>();
  let previousLiteral: string | undefined;
  const out: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (isParamSegment(segment)) {
      // Already a template (re-templating): keep the name it has.
      const close = segment.indexOf('}');
      out.push(`{${uniqueName(segment.slice(1, close), used)}${segment.slice(close)}`);
      previousLiteral = undefined;
    } else if (mask[i] === true) {
      // A value with a file-like suffix keeps it: `/Calls/CA42.json` → `/Calls/{callId}.json`.
      const { stem, suffix } = splitSuffix(segment);
      const keep = suffix !== '' && classifySegment(stem) !== 'literal' ? suffix : '';
      out.push(`{${uniqueName(paramNameFor(previousLiteral), used)}}${keep}`);
      previousLiteral = undefined;
    } else {
      out.push(segment);
      previousLiteral = segment;
    }
  }
  return '/' + out.join('/');
}

/**
 * Stateless templating by segment classification only (numbers, UUIDs, hex ids, dates, tokens).
 * Use a PathTemplater to also learn word-like parameters from traffic and honour OpenAPI templates.
 */
export function templatePath(path: string): string {
  const segments = splitPath(path);
  return renderTemplate(
    segments,
    segments.map((s, i) => isValueSegment(s, i, segments[i - 1])),
  );
}

/** The shape of a template with parameter names erased: `/users/{userId}` → `/users/{}`. */
export function templateShape(template: string): string {
  return template.replace(/\{[^{}/]*\}/g, '{}');
}

export class PathTemplater {
  private readonly trie: PathTrie;
  private known: KnownTemplates;
  /** The user's own templates (`.tapline/templates.json`): trusted above the spec's. */
  private user = new KnownTemplates();

  constructor(options: Partial<TrieOptions> = {}, knownTemplates: Iterable<string> = []) {
    this.trie = new PathTrie(options);
    this.known = new KnownTemplates(knownTemplates);
  }

  /** Replaces the templates declared by the workspace's OpenAPI documents for this service. */
  setKnownTemplates(templates: Iterable<string>): void {
    this.known = new KnownTemplates(templates);
  }

  /** Replaces the templates the user set for this service ("Edit Path Template…"). */
  setUserTemplates(templates: Iterable<string>): void {
    this.user = new KnownTemplates(templates);
  }

  /** Changes whenever a learned position became a parameter; cached templates may be stale. */
  get version(): number {
    return this.trie.version;
  }

  get learnedNodes(): number {
    return this.trie.nodeCount;
  }

  get overflowed(): number {
    return this.trie.overflowed;
  }

  /** Learns from one observed path. Paths a declared template covers teach nothing. */
  observe(path: string): boolean {
    if (this.userTemplate(path) !== undefined) return false;
    if (this.known.count > 0 && this.known.match(path) !== undefined) return false;
    return this.trie.observe(splitPath(path));
  }

  /** The template for a concrete path, or for an older template when re-templating. */
  template(path: string): string {
    return this.resolve(path).template;
  }

  /** The template and whether it came from a declared (OpenAPI) template. */
  resolve(path: string): { template: string; declared: boolean } {
    const mine = this.userTemplate(path);
    if (mine !== undefined) return { template: mine, declared: this.known.count > 0 && this.known.match(path) === mine };
    const declared = this.known.count > 0 ? this.known.match(path) : undefined;
    if (declared !== undefined) return { template: declared, declared: true };
    const segments = splitPath(path);
    return { template: renderTemplate(segments, this.trie.paramMask(segments)), declared: false };
  }

  /** observe() then template(), the common case for each new transaction. */
  learn(path: string): string {
    return this.learnResolve(path).template;
  }

  /** observe() then resolve() with one split and one walk of the trie. */
  learnResolve(path: string): { template: string; declared: boolean } {
    const mine = this.userTemplate(path);
    if (mine !== undefined) return { template: mine, declared: this.known.count > 0 && this.known.match(path) === mine };
    if (this.known.count > 0) {
      const declared = this.known.match(path);
      if (declared !== undefined) return { template: declared, declared: true };
    }
    const segments = splitPath(path);
    const mask: boolean[] = [];
    const generalised = this.trie.observe(segments, mask);
    return { template: renderTemplate(segments, generalised ? this.trie.paramMask(segments) : mask), declared: false };
  }

  /** The user's template for `path`, if one covers it (declared only if a spec has it too). */
  private userTemplate(path: string): string | undefined {
    return this.user.count > 0 ? this.user.match(path) : undefined;
  }
}

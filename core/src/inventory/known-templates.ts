// Path templates the workspace's OpenAPI documents declare for a service. When a concrete path
// matches one, that template wins over anything inferred: the spec's names are the user's names.
// Matching prefers a literal segment over a parameter at the first position where they differ
// (`/users/me` matches `/users/me`, not `/users/{id}`), as OpenAPI 3.1 §4.8.8.2 asks.

interface Segment {
  readonly literal?: string;
  /** For segments with a parameter inside (`{name}.json`, `v{version}`): a whole-segment pattern. */
  readonly pattern?: RegExp;
}

interface Node {
  literals: Map<string, Node>;
  patterns: { pattern: RegExp; node: Node }[];
  param: Node | undefined;
  template: string | undefined;
}

function newNode(): Node {
  return { literals: new Map(), patterns: [], param: undefined, template: undefined };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function splitPath(path: string): string[] {
  let end = path.length;
  const q = path.indexOf('?');
  if (q >= 0) end = q;
  const h = path.indexOf('#');
  if (h >= 0 && h < end) end = h;
  const parts = (end === path.length ? path : path.slice(0, end)).split('/');
  if (parts[0] === '') parts.shift();
  if (parts.length === 1 && parts[0] === '') return [];
  return parts;
}

function parseSegment(segment: string): Segment {
  if (!segment.includes('{')) return { literal: segment };
  if (/^\{[^{}]+\}$/.test(segment)) return {};
  const source = segment
    .split(/(\{[^{}]+\})/)
    .map((part) => (part.startsWith('{') && part.endsWith('}') ? '[^/]+?' : escapeRegExp(part)))
    .join('');
  return { pattern: new RegExp(`^${source}$`) };
}

export class KnownTemplates {
  private readonly root = newNode();
  private size = 0;

  constructor(templates: Iterable<string> = []) {
    for (const template of templates) this.add(template);
  }

  get count(): number {
    return this.size;
  }

  add(template: string): void {
    let node = this.root;
    for (const raw of splitPath(template)) {
      const segment = parseSegment(raw);
      if (segment.literal !== undefined) {
        let next = node.literals.get(segment.literal);
        if (next === undefined) node.literals.set(segment.literal, (next = newNode()));
        node = next;
      } else if (segment.pattern !== undefined) {
        const source = segment.pattern.source;
        let entry = node.patterns.find((p) => p.pattern.source === source);
        if (entry === undefined) node.patterns.push((entry = { pattern: segment.pattern, node: newNode() }));
        node = entry.node;
      } else {
        node = node.param ??= newNode();
      }
    }
    if (node.template === undefined) this.size++;
    node.template ??= template;
  }

  /** The declared template a concrete path belongs to, or undefined. A trailing slash is tolerated. */
  match(path: string): string | undefined {
    const segments = splitPath(path);
    const exact = this.find(this.root, segments, 0);
    if (exact !== undefined || segments.length === 0 || segments[segments.length - 1] !== '') return exact;
    return this.find(this.root, segments.slice(0, -1), 0);
  }

  private find(node: Node, segments: readonly string[], index: number): string | undefined {
    if (index === segments.length) return node.template;
    const segment = segments[index]!;
    const literal = node.literals.get(segment);
    if (literal !== undefined) {
      const found = this.find(literal, segments, index + 1);
      if (found !== undefined) return found;
    }
    for (const { pattern, node: next } of node.patterns) {
      if (!pattern.test(segment)) continue;
      const found = this.find(next, segments, index + 1);
      if (found !== undefined) return found;
    }
    if (node.param !== undefined && segment.length > 0) return this.find(node.param, segments, index + 1);
    return undefined;
  }
}

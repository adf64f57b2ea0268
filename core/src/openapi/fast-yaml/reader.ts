// A fast reader for the block-style YAML that OpenAPI documents are written in: mappings,
// sequences (indented or not), plain/quoted/block scalars, flow collections, comments. It keeps
// one small position node per value instead of a full syntax tree, which makes it several times
// faster than a general YAML parser on a 10 MB description. Anything it does not handle (anchors,
// aliases, tags, complex keys, several documents, ambiguous plain scalars, syntax errors) throws
// Unsupported, and the caller parses with the `yaml` library instead: same result, full
// diagnostics.

import type { PosNode } from './position-tree';
import { posNode } from './position-tree';
import { Unsupported, readBlockScalar, readDoubleQuoted, readSingleQuoted, resolvePlain } from './scalars';

export interface DuplicateKey {
  key: string;
  ks: number;
  ke: number;
}

export interface FastYaml {
  value: unknown;
  root: PosNode | undefined;
  duplicates: DuplicateKey[];
}

interface Parsed {
  value: unknown;
  node: PosNode;
}

interface ScannedKey {
  key: string;
  ks: number;
  ke: number;
  /** Offset just after the colon. */
  after: number;
}

const SP = 32;
const NL = 10;
const CR = 13;
const HASH = 35;
const TAB = 9;

export function readFastYaml(text: string): FastYaml {
  return new Reader(text).document();
}

class Reader {
  private pos = 0;
  readonly duplicates: DuplicateKey[] = [];

  constructor(private readonly text: string) {}

  document(): FastYaml {
    if (this.text.charCodeAt(0) === 0xfeff) this.pos = 1;
    // CRLF documents take the full parser: folding rules around \r are not worth duplicating here.
    if (this.text.includes('\r')) throw new Unsupported('CRLF line endings');
    if (this.text.includes('\t')) this.checkTabs();
    let indent = this.nextContent();
    if (indent === 0 && this.text.startsWith('---', this.pos)) {
      const after = this.text.charCodeAt(this.pos + 3);
      if (!(after === NL || after === SP || Number.isNaN(after))) throw new Unsupported('document marker');
      this.skipLine(this.pos + 3);
      indent = this.nextContent();
    }
    if (indent < 0) return { value: null, root: undefined, duplicates: this.duplicates };
    if (this.text.charCodeAt(this.pos) === 37 /* % */) throw new Unsupported('directive');
    const { value, node } = this.blockNode(indent);
    if (this.nextContent() >= 0) throw new Unsupported('content after the root node');
    return { value, root: node, duplicates: this.duplicates };
  }

  /** Tabs are fine inside scalars but not as indentation; a quick check up front keeps the hot loops simple. */
  private checkTabs(): void {
    const t = this.text;
    for (let i = t.indexOf('\t'); i !== -1; i = t.indexOf('\t', i + 1)) {
      let j = i - 1;
      while (j >= 0 && t.charCodeAt(j) === SP) j--;
      if (j < 0 || t.charCodeAt(j) === NL) throw new Unsupported('tab indentation');
    }
  }

  /** From a line start, skips blank and comment lines; returns the next content line's indent (pos at its start) or -1 at the end. */
  private nextContent(): number {
    const t = this.text;
    let p = this.pos;
    while (p < t.length) {
      let q = p;
      while (t.charCodeAt(q) === SP) q++;
      const c = t.charCodeAt(q);
      if (c === NL || c === HASH || (c === CR && t.charCodeAt(q + 1) === NL)) {
        const nl = t.indexOf('\n', q);
        p = nl === -1 ? t.length : nl + 1;
        continue;
      }
      if (q >= t.length) break;
      this.pos = p;
      return q - p;
    }
    this.pos = t.length;
    return -1;
  }

  private skipLine(from: number): void {
    const nl = this.text.indexOf('\n', from);
    this.pos = nl === -1 ? this.text.length : nl + 1;
  }

  /** After a value that ended mid-line: only spaces or a comment may follow; then go to the next line. */
  private endOfLine(p: number): void {
    const t = this.text;
    while (t.charCodeAt(p) === SP || t.charCodeAt(p) === TAB) p++;
    const c = t.charCodeAt(p);
    if (!(Number.isNaN(c) || c === NL || c === HASH || c === CR)) throw new Unsupported('unexpected text after a value');
    this.skipLine(p);
  }

  private isDash(p: number): boolean {
    if (this.text.charCodeAt(p) !== 45) return false;
    const n = this.text.charCodeAt(p + 1);
    return n === SP || n === NL || Number.isNaN(n) || n === CR;
  }

  private blockNode(indent: number): Parsed {
    const p = this.pos + indent;
    if (this.isDash(p)) return this.sequence(indent);
    const key = this.scanKey(p);
    if (key) return this.mapping(indent, p, key);
    return this.inlineValue(p, indent - 1);
  }

  private scanKey(p: number): ScannedKey | undefined {
    const t = this.text;
    const c = t.charCodeAt(p);
    if (c === 34 || c === 39) {
      const q = c === 34 ? readDoubleQuoted(t, p) : readSingleQuoted(t, p);
      if (t.slice(p, q.end).includes('\n')) return undefined;
      let r = q.end;
      while (t.charCodeAt(r) === SP) r++;
      if (t.charCodeAt(r) !== 58 /* : */) return undefined;
      const n = t.charCodeAt(r + 1);
      if (!(n === SP || n === NL || n === CR || Number.isNaN(n))) return undefined;
      return { key: q.value, ks: p, ke: q.end, after: r + 1 };
    }
    if (c === 63 /* ? */ || c === 38 /* & */ || c === 42 /* * */ || c === 33 /* ! */) throw new Unsupported('complex key, anchor, alias or tag');
    if (c === 91 || c === 123 || c === 124 || c === 62 || c === HASH) return undefined; // [ { | > #
    let r = p;
    for (;;) {
      const d = t.charCodeAt(r);
      if (Number.isNaN(d) || d === NL) return undefined;
      if (d === HASH && t.charCodeAt(r - 1) === SP) return undefined;
      if (d === 58) {
        const n = t.charCodeAt(r + 1);
        if (n === SP || n === NL || n === CR || Number.isNaN(n)) break;
      }
      r++;
    }
    let ke = r;
    while (ke > p && t.charCodeAt(ke - 1) === SP) ke--;
    const raw = t.slice(p, ke);
    const resolved = resolvePlain(raw);
    return { key: resolved === null ? '' : String(resolved), ks: p, ke, after: r + 1 };
  }

  private mapping(indent: number, first: number, firstKey?: ScannedKey): Parsed {
    const t = this.text;
    const obj: Record<string, unknown> = {};
    const keys = new Map<string, PosNode>();
    const node = posNode(first, first, keys);
    let p = first;
    let scanned = firstKey;
    for (;;) {
      const k = scanned ?? this.scanKey(p);
      scanned = undefined;
      if (!k) throw new Unsupported('expected a mapping key');
      let q = k.after;
      while (t.charCodeAt(q) === SP) q++;
      const c = t.charCodeAt(q);
      let parsed: Parsed;
      if (Number.isNaN(c) || c === NL || c === CR || c === HASH) {
        this.skipLine(q);
        const ni = this.nextContent();
        if (ni > indent) parsed = this.blockNode(ni);
        else if (ni === indent && this.isDash(this.pos + ni)) parsed = this.sequence(indent);
        else parsed = { value: null, node: posNode(k.after, k.after) };
      } else parsed = this.inlineValue(q, indent);
      if (keys.has(k.key)) this.duplicates.push({ key: k.key, ks: k.ks, ke: k.ke });
      if (k.key === '__proto__') Object.defineProperty(obj, k.key, { value: parsed.value, enumerable: true, writable: true, configurable: true });
      else obj[k.key] = parsed.value;
      parsed.node.ks = k.ks;
      parsed.node.ke = k.ke;
      keys.set(k.key, parsed.node);
      node.e = Math.max(parsed.node.e, k.ke);
      const ni = this.nextContent();
      if (ni < indent) break;
      if (ni > indent) throw new Unsupported('bad indentation');
      p = this.pos + ni;
      if (this.isDash(p)) {
        // A sequence at the mapping's own indent only follows `key:` (handled above).
        break;
      }
    }
    return { value: obj, node };
  }

  private sequence(indent: number): Parsed {
    const t = this.text;
    const items: unknown[] = [];
    const nodes: PosNode[] = [];
    const node = posNode(this.pos + indent, this.pos + indent, undefined, nodes);
    for (;;) {
      const lineStart = this.pos;
      const dash = lineStart + indent;
      let q = dash + 1;
      while (t.charCodeAt(q) === SP) q++;
      const c = t.charCodeAt(q);
      let parsed: Parsed;
      if (Number.isNaN(c) || c === NL || c === CR || c === HASH) {
        this.skipLine(q);
        const ni = this.nextContent();
        parsed = ni > indent ? this.blockNode(ni) : { value: null, node: posNode(dash + 1, dash + 1) };
      } else if (this.isDash(q)) {
        parsed = this.sequence(q - lineStart);
      } else {
        const key = this.scanKey(q);
        parsed = key ? this.mapping(q - lineStart, q, key) : this.inlineValue(q, indent);
      }
      items.push(parsed.value);
      nodes.push(parsed.node);
      node.e = parsed.node.e;
      const ni = this.nextContent();
      if (ni < indent) break;
      if (ni > indent) throw new Unsupported('bad indentation in a sequence');
      if (!this.isDash(this.pos + ni)) break;
    }
    return { value: items, node };
  }

  /** A value that starts mid-line at p; leaves pos at the start of the line after it. */
  private inlineValue(p: number, parentIndent: number): Parsed {
    const t = this.text;
    const c = t.charCodeAt(p);
    if (c === 124 || c === 62) {
      const b = readBlockScalar(t, p, parentIndent);
      this.pos = b.end;
      return { value: b.value, node: posNode(p, b.end) };
    }
    if (c === 34 || c === 39) {
      const q = c === 34 ? readDoubleQuoted(t, p) : readSingleQuoted(t, p);
      this.endOfLine(q.end);
      return { value: q.value, node: posNode(p, q.end) };
    }
    if (c === 91 || c === 123) {
      const f = new FlowReader(t, this.duplicates).value(p);
      this.endOfLine(f.end);
      return { value: f.value, node: f.node };
    }
    if (c === 38 || c === 42 || c === 33 || c === 37 || c === 64 || c === 96) throw new Unsupported('anchor, alias, tag or reserved indicator');
    // Plain scalar: to the end of the line or a comment.
    let nl = t.indexOf('\n', p);
    if (nl === -1) nl = t.length;
    let stop = nl;
    // Search the line only: an unbounded indexOf would scan the rest of a 10 MB file per scalar.
    const hash = t.slice(p, nl).indexOf(' #');
    if (hash !== -1) stop = p + hash;
    let end = stop;
    while (end > p && (t.charCodeAt(end - 1) === SP || t.charCodeAt(end - 1) === CR || t.charCodeAt(end - 1) === TAB)) end--;
    let raw = t.slice(p, end);
    if (raw.includes(': ') || raw.endsWith(':')) throw new Unsupported('ambiguous plain scalar');
    this.pos = nl === t.length ? nl : nl + 1;
    // Continuation lines (more indented than the parent) fold into the scalar.
    if (stop === nl) {
      let breaks = 0;
      for (;;) {
        const save = this.pos;
        const lineStart = this.pos;
        let q = lineStart;
        while (t.charCodeAt(q) === SP) q++;
        const d = t.charCodeAt(q);
        if (Number.isNaN(d)) break;
        if (d === NL || (d === CR && t.charCodeAt(q + 1) === NL)) {
          breaks++;
          this.skipLine(q);
          continue;
        }
        if (q - lineStart <= parentIndent || d === HASH) {
          this.pos = save;
          break;
        }
        let le = t.indexOf('\n', q);
        if (le === -1) le = t.length;
        const lineText = t.slice(q, le).replace(/[ \r\t]+$/, '');
        if (lineText.includes(': ') || lineText.endsWith(':') || lineText.includes(' #') || this.isDash(q)) throw new Unsupported('ambiguous plain continuation');
        raw += breaks > 0 ? '\n'.repeat(breaks) : ' ';
        raw += lineText;
        breaks = 0;
        end = q + lineText.length;
        this.pos = le === t.length ? le : le + 1;
      }
    }
    return { value: resolvePlain(raw), node: posNode(p, end) };
  }
}

/** Flow collections (`[a, b]`, `{a: 1}`), possibly over several lines. */
class FlowReader {
  constructor(
    private readonly t: string,
    private readonly duplicates: DuplicateKey[],
  ) {}

  private ws(p: number): number {
    const t = this.t;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === SP || c === NL || c === CR || c === TAB) p++;
      else if (c === HASH) {
        const nl = t.indexOf('\n', p);
        p = nl === -1 ? t.length : nl;
      } else return p;
    }
  }

  value(p: number): { value: unknown; node: PosNode; end: number } {
    const t = this.t;
    p = this.ws(p);
    const c = t.charCodeAt(p);
    if (c === 91) {
      const items: unknown[] = [];
      const nodes: PosNode[] = [];
      let q = this.ws(p + 1);
      while (t.charCodeAt(q) !== 93) {
        const v = this.value(q);
        items.push(v.value);
        nodes.push(v.node);
        q = this.ws(v.end);
        const d = t.charCodeAt(q);
        if (d === 44) q = this.ws(q + 1);
        else if (d !== 93) throw new Unsupported('flow sequence');
      }
      return { value: items, node: posNode(p, q + 1, undefined, nodes), end: q + 1 };
    }
    if (c === 123) {
      const obj: Record<string, unknown> = {};
      const keys = new Map<string, PosNode>();
      let q = this.ws(p + 1);
      while (t.charCodeAt(q) !== 125) {
        const k = this.scalar(q, true);
        const key = k.value === null ? '' : String(k.value);
        q = this.ws(k.end);
        let v: { value: unknown; node: PosNode; end: number } = { value: null, node: posNode(q, q), end: q };
        if (t.charCodeAt(q) === 58) {
          const r = this.ws(q + 1);
          const d = t.charCodeAt(r);
          v = d === 44 || d === 125 ? { value: null, node: posNode(r, r), end: r } : this.value(r);
        }
        if (keys.has(key)) this.duplicates.push({ key, ks: k.node.s, ke: k.node.e });
        if (key === '__proto__') throw new Unsupported('__proto__ key');
        obj[key] = v.value;
        v.node.ks = k.node.s;
        v.node.ke = k.node.e;
        keys.set(key, v.node);
        q = this.ws(v.end);
        const d = t.charCodeAt(q);
        if (d === 44) q = this.ws(q + 1);
        else if (d !== 125) throw new Unsupported('flow mapping');
      }
      return { value: obj, node: posNode(p, q + 1, keys), end: q + 1 };
    }
    return this.scalar(p, false);
  }

  private scalar(p: number, isKey: boolean): { value: unknown; node: PosNode; end: number } {
    const t = this.t;
    const c = t.charCodeAt(p);
    if (c === 34 || c === 39) {
      const q = c === 34 ? readDoubleQuoted(t, p) : readSingleQuoted(t, p);
      return { value: q.value, node: posNode(p, q.end), end: q.end };
    }
    if (c === 38 || c === 42 || c === 33 || c === 91 || c === 123 || c === 63) throw new Unsupported('flow node');
    let q = p;
    for (;;) {
      const d = t.charCodeAt(q);
      if (Number.isNaN(d) || d === 44 || d === 93 || d === 125) break;
      if (d === NL) throw new Unsupported('multi-line flow scalar');
      if (d === 58) {
        const n = t.charCodeAt(q + 1);
        if (n === SP || n === 44 || n === 93 || n === 125 || n === NL) break;
      }
      if (d === HASH && t.charCodeAt(q - 1) === SP) throw new Unsupported('comment in flow');
      q++;
    }
    let end = q;
    while (end > p && (t.charCodeAt(end - 1) === SP || t.charCodeAt(end - 1) === TAB || t.charCodeAt(end - 1) === CR)) end--;
    if (!isKey && t.charCodeAt(q) === 58) throw new Unsupported('flow pair in a sequence');
    const raw = t.slice(p, end);
    return { value: resolvePlain(raw), node: posNode(p, end), end };
  }
}

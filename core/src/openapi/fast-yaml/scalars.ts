// Scalars for the fast YAML reader: plain scalar resolution (YAML 1.2 core schema), quoted
// scalars with escapes and line folding, block scalars. Anything outside what OpenAPI
// documents use throws Unsupported, and the caller falls back to the `yaml` library.

export class Unsupported extends Error {}

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUES = new Set(['true', 'True', 'TRUE']);
const FALSES = new Set(['false', 'False', 'FALSE']);
const INT = /^[-+]?[0-9]+$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** YAML 1.2 core schema resolution of a plain scalar. */
export function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0);
  // Fast path: most plain scalars start with a letter other than n/N/t/T/f/F or a slash.
  if (NULLS.has(s)) return null;
  if (TRUES.has(s)) return true;
  if (FALSES.has(s)) return false;
  if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46) {
    if (INT.test(s)) return Number(s);
    if (/^0o[0-7]+$/.test(s)) return parseInt(s.slice(2), 8);
    if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.slice(2), 16);
    if (FLOAT.test(s)) return Number(s);
    if (/^[-+]?\.(inf|Inf|INF)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
    if (/^\.(nan|NaN|NAN)$/.test(s)) return NaN;
  }
  return s;
}

const ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029',
};

/** Folds a quoted scalar's raw lines: a line break becomes a space, n empty lines become n newlines. */
function fold(raw: string): string {
  if (!raw.includes('\n')) return raw;
  const lines = raw.split('\n');
  let out = (lines[0] ?? '').replace(/[ \t]+$/, '');
  let empties = 0;
  for (let i = 1; i < lines.length; i++) {
    const last = i === lines.length - 1;
    const l = last ? (lines[i] ?? '').replace(/^[ \t]+/, '') : (lines[i] ?? '').trim();
    if (l === '' && !last) {
      empties++;
      continue;
    }
    out += empties > 0 ? '\n'.repeat(empties) : ' ';
    empties = 0;
    out += l;
  }
  return out;
}

/** A double-quoted scalar starting at `start` (the quote). Returns the value and the offset after the closing quote. */
export function readDoubleQuoted(text: string, start: number): { value: string; end: number } {
  let i = start + 1;
  let plainUntil = -1;
  // Fast path: no escapes, no line breaks.
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      plainUntil = i;
      break;
    }
    if (c === 92 || c === 10) break;
  }
  if (plainUntil >= 0) return { value: text.slice(start + 1, plainUntil), end: plainUntil + 1 };
  let out = '';
  let seg = start + 1;
  i = start + 1;
  for (;;) {
    if (i >= text.length) throw new Unsupported('unterminated double-quoted scalar');
    const ch = text[i];
    if (ch === '"') break;
    if (ch === '\\') {
      out += fold(text.slice(seg, i));
      const e = text[i + 1] ?? '';
      if (e === '\n') {
        // Escaped line break: joins the lines without a space; leading blanks of the next line go.
        i += 2;
        while (text[i] === ' ' || text[i] === '\t') i++;
        seg = i;
        continue;
      }
      if (e === 'x' || e === 'u' || e === 'U') {
        const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = text.slice(i + 2, i + 2 + n);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) throw new Unsupported('bad escape');
        out += String.fromCodePoint(parseInt(hex, 16));
        i += 2 + n;
      } else {
        const rep = ESCAPES[e];
        if (rep === undefined) throw new Unsupported('bad escape');
        out += rep;
        i += 2;
      }
      seg = i;
      continue;
    }
    i++;
  }
  // Segments are folded separately, so an escaped line break joins without a space.
  out += fold(text.slice(seg, i));
  return { value: out, end: i + 1 };
}

export function readSingleQuoted(text: string, start: number): { value: string; end: number } {
  let i = start + 1;
  for (;;) {
    const q = text.indexOf("'", i);
    if (q === -1) throw new Unsupported('unterminated single-quoted scalar');
    if (text[q + 1] === "'") {
      i = q + 2;
      continue;
    }
    const raw = text.slice(start + 1, q);
    return { value: fold(raw).replace(/''/g, "'"), end: q + 1 };
  }
}

/**
 * A block scalar (`|` or `>`) whose header starts at `start`; `parentIndent` is the indentation
 * of the line holding the key or dash. Returns the value and the offset after its last content line.
 */
export function readBlockScalar(text: string, start: number, parentIndent: number): { value: string; end: number } {
  const literal = text[start] === '|';
  let i = start + 1;
  let chomp: 'clip' | 'strip' | 'keep' = 'clip';
  let explicit = 0;
  for (let k = 0; k < 2; k++) {
    const c = text[i];
    if (c === '-' || c === '+') {
      chomp = c === '-' ? 'strip' : 'keep';
      i++;
    } else if (c !== undefined && c >= '1' && c <= '9') {
      explicit = Number(c);
      i++;
    }
  }
  const nl = text.indexOf('\n', i);
  const rest = text.slice(i, nl === -1 ? text.length : nl).trim();
  if (rest !== '' && !rest.startsWith('#')) throw new Unsupported('text after block scalar header');
  let pos = nl === -1 ? text.length : nl + 1;
  const lines: string[] = [];
  let indent = explicit > 0 ? Math.max(parentIndent, 0) + explicit : -1;
  let end = pos;
  while (pos < text.length) {
    const lineEnd = text.indexOf('\n', pos);
    const stop = lineEnd === -1 ? text.length : lineEnd;
    const line = text.slice(pos, stop);
    let sp = 0;
    while (line.charCodeAt(sp) === 32) sp++;
    const blank = sp === line.length || /^[ ]*\r?$/.test(line);
    if (!blank) {
      if (indent < 0) {
        if (sp <= parentIndent) break;
        indent = sp;
      }
      if (sp < indent) break;
      if (line.includes('\t') && line.slice(0, indent).includes('\t')) throw new Unsupported('tab indentation');
    }
    lines.push(blank ? line.slice(Math.min(indent < 0 ? sp : indent, line.length)) : line.slice(indent));
    pos = lineEnd === -1 ? text.length : lineEnd + 1;
    if (!blank) end = pos;
  }
  // Trailing blank lines belong to the scalar only for `keep`; positions stop at the last content line.
  let trailing = 0;
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') {
    lines.pop();
    trailing++;
  }
  if (indent < 0) trailing = 0; // an all-empty scalar
  let body: string;
  if (literal) body = lines.join('\n');
  else {
    body = '';
    let prevMore = false;
    let pendingBreaks = 0;
    lines.forEach((l, idx) => {
      if (l === '') {
        pendingBreaks++;
        return;
      }
      const more = l.startsWith(' ') || l.startsWith('\t');
      if (idx > 0 && body !== '') {
        if (more || prevMore) body += '\n' + '\n'.repeat(pendingBreaks);
        else body += pendingBreaks > 0 ? '\n'.repeat(pendingBreaks) : ' ';
      } else if (pendingBreaks > 0) body += '\n'.repeat(pendingBreaks);
      pendingBreaks = 0;
      body += l;
      prevMore = more;
    });
  }
  if (lines.length === 0) return { value: chomp === 'keep' ? '\n'.repeat(trailing) : '', end: chomp === 'keep' ? pos : end };
  const value = chomp === 'strip' ? body : chomp === 'keep' ? body + '\n' + '\n'.repeat(trailing) : body + '\n';
  return { value, end: chomp === 'keep' ? pos : end };
}

// JSON bodies are redacted value by value, in place: each string is decoded first, so a secret
// written with escapes (`bob\u0040example.com`, `\/` in URLs, `\n` in a PEM key) is seen as the
// application sees it, and each value is judged with its field name. The scan is a tolerant
// tokenizer, not a parser: a truncated body is still redacted up to its cut, formatting is kept,
// and every replacement is reported with its JSON pointer.
import type { RedactionKind } from '../protocol/transaction';

export interface ValueVerdict {
  /** The decoded value to write back (markers in place of secrets). */
  value: string;
  kinds: RedactionKind[];
}

/** Judges one value: `key` is its field name (undefined inside arrays and at the top). */
export type JudgeValue = (key: string | undefined, value: string, isString: boolean) => ValueVerdict | undefined;

interface Frame {
  array: boolean;
  key: string | undefined;
  index: number;
  expectKey: boolean;
}

export interface JsonRedaction {
  text: string;
  /** JSON pointer → kinds replaced there. */
  found: Map<string, RedactionKind[]>;
  /** False when nesting went deeper than the scan follows: the rest was not judged. */
  complete: boolean;
}

function pointerOf(stack: readonly Frame[]): string {
  let p = '';
  for (const f of stack) {
    const part = f.array ? String(f.index) : (f.key ?? '');
    p += `/${part.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  }
  return p === '' ? '/' : p;
}

function decodeLiteral(literal: string): string | undefined {
  if (!literal.includes('\\')) return literal.slice(1, -1);
  try {
    const v: unknown = JSON.parse(literal);
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

const SCALAR = /-?\d[\d.eE+-]*|true|false|null/y;
const MAX_DEPTH = 256;

export function redactJsonText(text: string, judge: JudgeValue): JsonRedaction {
  const found = new Map<string, RedactionKind[]>();
  const stack: Frame[] = [];
  let out = '';
  let copied = 0;
  const record = (at: number, end: number, verdict: ValueVerdict): void => {
    out += text.slice(copied, at) + JSON.stringify(verdict.value);
    copied = end;
    const ptr = pointerOf(stack);
    found.set(ptr, [...(found.get(ptr) ?? []), ...verdict.kinds]);
  };
  let i = 0;
  let complete = true;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (c === 34 /* " */) {
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) !== 34) j += text.charCodeAt(j) === 92 ? 2 : 1;
      const end = Math.min(j + 1, text.length);
      const literal = text.slice(i, end);
      const value = end > i + 1 && text.charCodeAt(end - 1) === 34 ? decodeLiteral(literal) : undefined;
      if (top && !top.array && top.expectKey) {
        top.key = value ?? literal.slice(1, -1);
        top.expectKey = false;
      } else if (value !== undefined) {
        const verdict = judge(top?.array ? undefined : top?.key, value, true);
        if (verdict) record(i, end, verdict);
      }
      i = end;
      continue;
    }
    if (c === 123 /* { */ || c === 91 /* [ */) {
      if (stack.length >= MAX_DEPTH) {
        complete = false;
        break;
      }
      stack.push({ array: c === 91, key: undefined, index: 0, expectKey: c === 123 });
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      stack.pop();
    } else if (c === 44 /* , */ && top) {
      if (top.array) top.index++;
      else top.expectKey = true;
    } else if ((c >= 48 && c <= 57) || c === 45 || c === 116 || c === 102 || c === 110) {
      SCALAR.lastIndex = i;
      const m = SCALAR.exec(text);
      if (m) {
        if (c !== 116 && c !== 102 && c !== 110) {
          const verdict = judge(top?.array ? undefined : top?.key, m[0], false);
          if (verdict) record(i, i + m[0].length, verdict);
        }
        i += m[0].length;
        continue;
      }
    }
    i++;
  }
  if (found.size === 0) return { text, found, complete };
  return { text: out + text.slice(copied), found, complete };
}

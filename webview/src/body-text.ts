// Turning captured bodies and header values into displayable text: JSON re-indentation and
// splitting out the sensor's redaction markers so they can be shown distinctly. Pure functions;
// the output is rendered as text nodes, never parsed as markup.
import type { CapturedBody } from '../../core/src/protocol/transaction';

/** Bodies longer than this are cut for display; a note says so. */
export const MAX_DISPLAY_CHARS = 200_000;

export interface DisplayBody {
  kind: 'empty' | 'json' | 'text' | 'binary';
  text: string;
  /** Shown next to the body: truncation, size, binary content. */
  notes: string[];
}

/**
 * Re-indents JSON text token by token instead of parsing it: numbers keep their exact digits,
 * duplicate keys stay, and a body the sensor cut in the middle still reads well.
 */
export function indentJson(source: string, indent = '  '): string {
  let out = '';
  let depth = 0;
  let inString = false;
  let escaped = false;
  const newline = (): string => '\n' + indent.repeat(Math.max(0, depth));
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (inString) {
      out += ch;
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    switch (ch) {
      case '"': inString = true; out += ch; break;
      case '{':
      case '[': {
        // Keep empty containers on one line: `{}` and `[]`.
        let j = i + 1;
        while (j < source.length && /\s/.test(source[j]!)) j++;
        const close = ch === '{' ? '}' : ']';
        if (source[j] === close) {
          out += ch + close;
          i = j;
        } else {
          depth++;
          out += ch + newline();
        }
        break;
      }
      case '}':
      case ']': depth--; out += newline() + ch; break;
      case ',': out += ',' + newline(); break;
      case ':': out += ': '; break;
      case ' ': case '\t': case '\n': case '\r': break;
      default: out += ch;
    }
  }
  return out;
}

export function looksLikeJson(text: string, contentType: string | undefined): boolean {
  const start = text.trimStart()[0];
  if (start !== '{' && start !== '[') return false;
  // A body that starts like JSON is indented unless its type says it is markup.
  return contentType === undefined || !/html|xml/i.test(contentType);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function displayBody(body: CapturedBody | undefined): DisplayBody {
  if (!body || body.encoding === 'none' || (body.encoding === 'text' && !body.text)) {
    const notes = body && body.size > 0 ? [`${formatBytes(body.size)} not captured`] : [];
    return { kind: 'empty', text: '', notes };
  }
  const notes: string[] = [];
  if (body.contentType) notes.push(body.contentType);
  notes.push(formatBytes(body.size));
  if (body.contentEncoding) notes.push(`decoded from ${body.contentEncoding}`);
  if (body.truncated) notes.push('truncated by the sensor');
  if (body.encoding === 'base64') {
    return { kind: 'binary', text: '', notes: [...notes, 'binary content not shown'] };
  }
  let text = body.text ?? '';
  let kind: DisplayBody['kind'] = 'text';
  if (looksLikeJson(text, body.contentType)) {
    text = indentJson(text);
    kind = 'json';
  }
  if (text.length > MAX_DISPLAY_CHARS) {
    text = text.slice(0, MAX_DISPLAY_CHARS);
    notes.push(`first ${MAX_DISPLAY_CHARS.toLocaleString('en-US')} characters shown`);
  }
  return { kind, text, notes };
}

export interface TextSegment {
  text: string;
  /** Set when the segment is a redaction marker: the kind of value the sensor removed. */
  redacted?: string;
}

// The sensor writes `[REDACTED:email]` (core/src/redaction/rules.ts `marker`); tolerate case and spaces.
const MARKER = /\[redacted:\s*([a-z][a-z0-9-]*)\s*\]/gi;

/** Splits text around redaction markers so each marker can be rendered as a distinct element. */
export function splitRedactions(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let last = 0;
  for (const m of text.matchAll(MARKER)) {
    const at = m.index ?? 0;
    if (at > last) segments.push({ text: text.slice(last, at) });
    segments.push({ text: m[0], redacted: m[1]!.toLowerCase() });
    last = at + m[0].length;
  }
  if (last < text.length || segments.length === 0) segments.push({ text: text.slice(last) });
  return segments;
}

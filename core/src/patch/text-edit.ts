// Text edits as the LSP and the CLI apply them. A planner computes the new text of a file and
// reduces it to the one span that changed, so bytes outside the edit are identical by construction.

import type { TextRange } from '../openapi/source-text';
import { LineIndex } from '../openapi/source-text';

export interface TextEdit {
  uri: string;
  /** Offsets into the current text (UTF-16), end exclusive. */
  start: number;
  end: number;
  range: TextRange;
  newText: string;
}

/** The smallest single edit turning `before` into `after` (common prefix and suffix kept). */
export function minimalEdit(uri: string, before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined;
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  const lines = new LineIndex(before);
  return { uri, start, end: endBefore, range: lines.rangeOf({ start, end: endBefore }), newText: after.slice(start, endAfter) };
}

/** Applies edits of one file (non-overlapping), last first. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

// multipart/form-data bodies: each part's value is judged with its field name (`name="token"`),
// like a form parameter. Part headers and boundaries are kept as they were; file parts are
// judged by content too, so a PEM key uploaded as a file is still caught.
import type { RedactionKind } from '../protocol/transaction';

export type JudgeField = (name: string, value: string) => { value: string; kinds: RedactionKind[] } | undefined;

// A part: its headers up to the blank line, then the value up to the next boundary line.
const PART = /((?:^|\r?\n)[Cc]ontent-[Dd]isposition:[^\r\n]*?\bname="([^"\r\n]*)"[^\r\n]*(?:\r?\n[^\r\n]+)*\r?\n\r?\n)([\s\S]*?)(?=\r?\n--|$)/g;

export function redactMultipart(text: string, judge: JudgeField): { text: string; found: Map<string, RedactionKind[]> } {
  const found = new Map<string, RedactionKind[]>();
  const out = text.replace(PART, (m: string, head: string, name: string, value: string) => {
    const r = judge(name, value);
    if (!r) return m;
    found.set(name, [...(found.get(name) ?? []), ...r.kinds]);
    return `${head}${r.value}`;
  });
  return { text: out, found };
}

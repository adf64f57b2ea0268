// Redaction of a raw HTTP/1.x message quoted as text (a desync event's first bytes): the same
// rules as transactions get, applied line by line — the start line's target (path, secret query
// parameters), each `name: value` header line (Authorization, cookies, API keys, then the text
// rules), and every other line through the text rules (JWTs, e-mail addresses, card numbers…).
// Line ends are kept as they were, so the quote still shows how the message was framed.
import type { Redactor } from './redactor';

const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)( +)(\S+)( .*)?$/s;

export function redactRawMessage(redactor: Redactor, raw: string, side: 'request' | 'response'): string {
  // Split on LF and on bare CR alike: an attacker's CR-separated line must not hide a header.
  const parts = raw.split(/(\r\n|\n|\r)/);
  let out = '';
  let inHead = true;
  for (let i = 0; i < parts.length; i += 2) {
    const line = parts[i] ?? '';
    const end = parts[i + 1] ?? '';
    out += redactLine(redactor, line, i === 0, inHead, side) + end;
    if (line === '' && i > 0) inHead = false;
  }
  return out;
}

function redactLine(redactor: Redactor, line: string, first: boolean, inHead: boolean, side: 'request' | 'response'): string {
  if (line === '') return line;
  if (first && side === 'request') {
    const m = REQUEST_LINE.exec(line);
    if (m) return `${m[1] ?? ''}${m[2] ?? ''}${redactor.redactTarget(m[3] ?? '')}${redactor.redactFreeText(m[4] ?? '')}`;
  }
  const colon = line.indexOf(':');
  if (inHead && !first && colon > 0) {
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1);
    const lead = /^[ \t]*/.exec(value)?.[0] ?? '';
    const redacted = redactor.redactHeaderField({ name, value: value.slice(lead.length) }, side === 'request' ? 'request.header' : 'response.header');
    return `${line.slice(0, colon)}:${lead}${redacted.value}`;
  }
  return redactor.redactFreeText(line);
}

// The `desync` message of tapline/1 (sensor → client): a connection on which a client sent bytes
// that strict HTTP/1.x servers frame differently or reject — the shapes used for request
// smuggling. The sensor stopped deriving transactions from that connection. Documented in
// docs/protocol.md; checked by `checkDesyncMessage` below (called from validate-messages.ts).
import type { Checker, JsonRecord } from './check';

/** Which framing rule fired. Stable identifiers: clients may switch on them; unknown ones must be shown as they are. */
export const DESYNC_RULES = [
  'bare-cr',
  'bare-lf',
  'obs-fold',
  'invalid-header',
  'content-length',
  'cl-and-te',
  'transfer-encoding',
  'chunk-line',
  'trailers',
  'connect-with-content',
  'invalid-start-line',
  'head-too-large',
] as const;
export type DesyncRule = (typeof DESYNC_RULES)[number];

/** One line per rule, for the CLI, the docs and hovers. */
export const DESYNC_RULE_DESCRIPTIONS: Record<DesyncRule, string> = {
  'bare-cr': 'a CR not followed by LF inside a message head',
  'bare-lf': 'a line ending that differs from the rest of the head (bare LF in a CRLF head, or CRLF in a bare-LF head)',
  'obs-fold': 'an indented header line (obsolete line folding)',
  'invalid-header': 'a header line that is not `name: value` with a token name and no control characters',
  'content-length': 'a Content-Length that is repeated, a list, not all digits, or too large',
  'cl-and-te': 'Content-Length and Transfer-Encoding in the same message',
  'transfer-encoding': 'a request Transfer-Encoding that is not exactly `chunked` (or repeated, or in HTTP/1.0); a response where chunked is not last',
  'chunk-line': 'a malformed chunk size line or extension, or chunk data not followed by CRLF',
  'trailers': 'a malformed trailer section, or framing headers in trailers',
  'connect-with-content': 'a CONNECT request that declares a body',
  'invalid-start-line': 'a request or status line that is not HTTP/1.x, after valid messages on the connection',
  'head-too-large': 'a message head larger than the sensor parses',
};

export interface DesyncEndpoint {
  address: string;
  port: number;
}

export interface DesyncEvent {
  /** Unique per sensor (prefixed with the sensor id). */
  id: string;
  /** When the sensor saw it (ms since the Unix epoch). */
  at: number;
  rule: DesyncRule;
  /** What exactly was wrong, in a sentence (no traffic bytes in it). */
  reason: string;
  /** Which direction broke framing: almost always the client's requests. */
  side: 'request' | 'response';
  client: DesyncEndpoint;
  server: DesyncEndpoint;
  /** The service it was sent to, named as transactions name it: the Host header when the offending head had one, else `server.address:server.port`. */
  service?: string;
  /** The traced process whose socket carried it (the server's side when both ends are local). */
  process?: { pid: number; comm: string };
  tls: boolean;
  /** Messages framed without problems on this connection before it (in `side`'s direction). */
  messagesBefore: number;
  /**
   * The first bytes of the offending message, redacted like transactions are, then escaped so
   * that it is one line of printable ASCII: `\r`, `\n`, `\t`, `\\` and `\xHH` for other bytes.
   * Render as text.
   */
  firstBytes: string;
  /** The message was longer than what `firstBytes` quotes. */
  firstBytesTruncated: boolean;
}

/** sensor → client: desynchronised connections, oldest first (also replayed to late clients, like the backlog). */
export interface DesyncMessage {
  type: 'desync';
  items: DesyncEvent[];
}

export const MAX_DESYNC_ITEMS = 1000;
/** Room for 512 quoted bytes at four characters each. */
export const MAX_FIRST_BYTES_CHARS = 2048;

function checkEndpoint(c: Checker, obj: JsonRecord, key: string, path: string): void {
  const p = `${path}.${key}`;
  const e = c.record(obj[key], p);
  if (!e) return;
  c.string(e, 'address', p, { max: 256 });
  c.number(e, 'port', p, { integer: true, min: 0, max: 65535 });
}

export function checkDesyncEvent(c: Checker, value: unknown, path: string): void {
  const e = c.record(value, path);
  if (!e) return;
  c.string(e, 'id', path, { min: 1, max: 256 });
  c.number(e, 'at', path, { min: 0 });
  // Unknown rules are allowed (newer sensors) but must look like an identifier.
  const rule = c.string(e, 'rule', path, { min: 1, max: 64 });
  if (rule !== undefined && !/^[a-z0-9-]+$/.test(rule)) c.fail(`${path}.rule`, 'expected a rule identifier (a-z, 0-9, -)');
  c.string(e, 'reason', path, { max: 1024 });
  c.oneOf(e, 'side', path, ['request', 'response'] as const);
  checkEndpoint(c, e, 'client', path);
  checkEndpoint(c, e, 'server', path);
  c.string(e, 'service', path, { optional: true, max: 1024 });
  if (e.process !== undefined) {
    const p = c.record(e.process, `${path}.process`);
    if (p) {
      c.number(p, 'pid', `${path}.process`, { integer: true, min: 0 });
      c.string(p, 'comm', `${path}.process`, { max: 256 });
    }
  }
  c.boolean(e, 'tls', path);
  c.number(e, 'messagesBefore', path, { integer: true, min: 0 });
  const first = c.string(e, 'firstBytes', path, { max: MAX_FIRST_BYTES_CHARS });
  if (first !== undefined && /[^\x20-\x7e]/.test(first)) c.fail(`${path}.firstBytes`, 'must be escaped printable ASCII');
  c.boolean(e, 'firstBytesTruncated', path);
}

export function checkDesyncMessage(c: Checker, m: JsonRecord): void {
  const items = c.array(m.items, '$.items', MAX_DESYNC_ITEMS);
  items?.forEach((item, i) => checkDesyncEvent(c, item, `$.items[${i}]`));
}

/** Quote raw bytes (latin1 text) as one line of printable ASCII, at most `max` input characters. */
export function escapeBytes(latin1: string, max: number): { text: string; truncated: boolean } {
  let out = '';
  const n = Math.min(latin1.length, max);
  for (let i = 0; i < n; i++) {
    const c = latin1.charCodeAt(i);
    if (c === 13) out += '\\r';
    else if (c === 10) out += '\\n';
    else if (c === 9) out += '\\t';
    else if (c === 92) out += '\\\\';
    else if (c >= 32 && c < 127) out += latin1[i];
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return { text: out, truncated: latin1.length > max };
}

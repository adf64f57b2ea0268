// What the HTTP/1.x stream parser is told (its options and callbacks) and what it reports when
// a sender breaks framing.
import type { DesyncRule } from '../../../core/src/protocol/desync';
import type { MessageHead } from './head';
import type { ParsedMessage } from './message';

export interface Desync {
  rule: DesyncRule;
  reason: string;
  /** The offending message from its first byte as latin1 text (its whole head, and a little of what followed); unredacted. */
  sample: string;
  /** Messages framed without problems before it. */
  messagesBefore: number;
}

export interface ParserOptions {
  kind: 'request' | 'response';
  maxBody: number;
  onMessage: (message: ParsedMessage) => void;
  /** Each framing problem, once. The parser has already recovered (or given up) when this is called. */
  onError?: (reason: string) => void;
  /** The sender broke framing as a strict server sees it; the parser has stopped for good. */
  onDesync?: (desync: Desync) => void;
  /** Request side: a head was parsed (before its body), so the response side can frame its answer. */
  onHead?: (head: MessageHead) => void;
  /** Response side: the method of the request answered by the `index`-th final response (0-based). */
  requestMethod?: (index: number) => string | undefined;
  /** Response side: a 101 or a successful CONNECT; everything after it is another protocol, starting with `rest`. */
  onTunnel?: (rest: Uint8Array) => void;
  maxHeadBytes?: number;
  /** After this many framing errors the connection is given up on. */
  maxErrors?: number;
}

// The HTTP/1.x stream parser's state and the three ways a message ends: framed (`finish`), a
// framing error the parser recovers from or gives up on (`error`), and a desync, after which it
// stops for good (`desync`). The steps are layered on it by purpose — body framing
// (parser-body.ts), the head step (parser-head.ts), the stream itself with its capture gaps
// (parser.ts) — as subclasses rather than helper objects: one object holds all the state, so the
// hot path reads its own fields as before the split, with no indirection and no new shapes.
import type { DesyncRule } from '../../../core/src/protocol/desync';
import type { HttpHeader } from '../../../core/src/protocol/transaction';
import { HeldBytes, latin1 } from './bytes';
import { asksUpgrade, closesAfter } from './framing';
import type { MessageHead } from './head';
import type { ParserOptions } from './parser-options';
import { HeadScanner } from './head-lines';
import { BodyCollector, Message } from './message';
import { RepeatedHead } from './repeat-head';

export type ParserStateName =
  | 'head'
  | 'length'
  | 'chunk-size'
  | 'chunk-data'
  | 'chunk-crlf'
  | 'trailers'
  | 'until-close'
  | 'resync'
  /** After a request that asked to upgrade: bytes are held until the answer says 101 (tunnel) or not (resume). */
  | 'paused'
  /** After a message that closes the connection: what follows is never processed by the peer, so ignored. */
  | 'closed'
  | 'tunnel'
  | 'dead';

/** The trailers of every message that has none (most): frozen, since messages share it. */
const NO_TRAILERS: HttpHeader[] = Object.freeze([]) as unknown as HttpHeader[];
/** How much of the bytes after an offending head a desync sample keeps. */
const SAMPLE_AFTER = 512;

export abstract class ParserState {
  protected state: ParserStateName = 'head';
  protected pending: Uint8Array | null = null;
  protected pendingNs = 0n;
  /** How many bytes at the front of the current buffer were carried over from earlier pieces. */
  protected carried = 0;
  protected readonly scanner = new HeadScanner();
  protected head: MessageHead | null = null;
  protected readonly body: BodyCollector;
  protected remaining = 0;
  protected trailers: HttpHeader[] = NO_TRAILERS;
  protected startNs = 0n;
  protected finalResponses = 0;
  protected messages = 0;
  protected errors = 0;
  /** The current message's head uses bare LF line ends (a tolerance): its chunk lines may too. */
  protected bareLf = false;
  /** The current message's head as text, quoted if its body breaks framing. */
  protected headText = '';
  /** After a capture gap, until a message completes: framing problems are ours, not the sender's. */
  protected lostSync = false;
  protected readonly held = new HeldBytes();
  /** The last clean head and its parse, reused when the next head repeats it byte for byte. */
  protected readonly repeat = new RepeatedHead();
  protected readonly maxHeadBytes: number;
  protected readonly maxErrors: number;

  constructor(protected readonly opts: ParserOptions) {
    this.maxHeadBytes = opts.maxHeadBytes ?? 64 * 1024;
    this.maxErrors = opts.maxErrors ?? 8;
    this.body = new BodyCollector(opts.maxBody);
  }

  /** True once the parser stopped for good (tunnel, closed, desynchronised or given up). */
  get stopped(): boolean {
    return this.state === 'tunnel' || this.state === 'dead' || this.state === 'closed';
  }

  /** Waiting for the answer to an upgrade request. */
  get paused(): boolean {
    return this.state === 'paused';
  }

  get errorCount(): number {
    return this.errors;
  }

  /** The kernel timestamp of the piece that brought byte `pos` of the current buffer. */
  protected nsAt(pos: number, ns: bigint): bigint {
    return pos < this.carried ? this.pendingNs : ns;
  }

  /** A head framed: its message begins (its body, if any, is collected until `finish`). */
  protected startMessage(head: MessageHead, text: string, bareLf: boolean): void {
    this.head = head;
    this.headText = text;
    this.bareLf = bareLf;
    this.body.start();
    this.trailers = NO_TRAILERS;
  }

  protected finish(complete: boolean, ns: bigint): void {
    const head = this.head;
    if (!head) return;
    const body = this.body;
    const message = new Message(head, body, body.truncated || !complete, complete, this.trailers, this.startNs || ns, ns, this.bareLf);
    this.head = null;
    body.release();
    this.startNs = 0n;
    this.state = 'head';
    this.messages++;
    if (complete) this.lostSync = false;
    // Like llhttp: after an upgrade request, wait for its answer before reading more requests;
    // after a message that closes the connection, the peer reads nothing more (a tolerance: the
    // rest is ignored, not reported).
    // A repeated head's answers are decided once (repeat-head.ts); trailers can change them.
    const kept = head === this.repeat.head && message.trailers === NO_TRAILERS;
    if (head.kind === 'request' && (kept ? this.repeat.asksUpgrade() : asksUpgrade(head))) this.state = 'paused';
    else if (complete && (kept ? this.repeat.closesAfter() : closesAfter(head, message.trailers)) && !(head.kind === 'response' && head.status < 200)) this.state = 'closed';
    this.opts.onMessage(message);
  }

  protected error(reason: string, recover: boolean): void {
    this.errors++;
    this.opts.onError?.(reason);
    this.head = null;
    this.body.release();
    this.pending = null;
    this.scanner.reset();
    // A connection whose very first message is not HTTP is not HTTP: give up at once.
    if (!recover || this.errors >= this.maxErrors || this.messages === 0) this.state = 'dead';
    else this.state = 'resync';
  }

  /** The sender broke framing: report it (unless the capture lost bytes first) and stop for good. */
  protected desync(rule: DesyncRule, reason: string, sample: string): void {
    if (this.lostSync) {
      this.error(reason, true);
      return;
    }
    this.errors++;
    this.opts.onError?.(reason);
    this.head = null;
    this.body.release();
    this.pending = null;
    this.held.clear();
    this.state = 'dead';
    this.opts.onDesync?.({ rule, reason, sample, messagesBefore: this.messages });
  }

  /** As `desync`, the sample being `quoted` and what follows from `buf[at]`. */
  protected desyncAt(rule: DesyncRule, reason: string, quoted: string, buf: Uint8Array, at: number): void {
    this.desync(rule, reason, quoted + latin1(buf, at, at + SAMPLE_AFTER));
  }
}

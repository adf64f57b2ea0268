// A streaming HTTP/1.x parser made for capture: it is fed one direction of a connection in the
// pieces the kernel saw, finds message boundaries, keeps body bytes as slices of the input
// (copied once, when a message completes) up to a cap, accounts for bytes the capture did not
// copy (`missing`), and never throws on garbage. It frames as strict servers do: where one would
// reject (or two could disagree), it reports a desync with the rule that fired and stops for good
// — a passive sensor that guessed could be made to invent requests or to hide real ones.
// After a capture gap (our loss, not the sender's) it resynchronises instead, counting errors.
// This file is the state machine; the strict checks are in head-lines.ts (heads, trailers) and
// framing.ts (body framing, chunk lines).
import type { DesyncRule } from '../../../core/src/protocol/desync';
import type { HttpHeader } from '../../../core/src/protocol/transaction';
import { HeldBytes, latin1 } from './bytes';
import { asksUpgrade, closesAfter, readChunkSizeLine, requestFraming, responseFraming, type Framing } from './framing';
import type { MessageHead } from './head';
import type { ParserOptions } from './parser-options';
import { HeadScanner, isHeadFailure } from './head-lines';
import { BodyCollector, Message } from './message';
import { findMessageStart } from './resync';
import { RepeatedHead } from './repeat-head';

export type { ParsedMessage } from './message';
export type { Desync, ParserOptions } from './parser-options';

// Local on purpose: a constant imported from another module is a property read per use under tsx.
const LF = 10;
const CR = 13;

type State =
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

const RESYNC_KEEP = 64;
/** The trailers of every message that has none (most): frozen, since messages share it. */
const NO_TRAILERS: HttpHeader[] = Object.freeze([]) as unknown as HttpHeader[];
/** How much of the bytes after an offending head a desync sample keeps. */
const SAMPLE_AFTER = 512;

export class HttpStreamParser {
  private state: State = 'head';
  private pending: Uint8Array | null = null;
  private pendingNs = 0n;
  /** How many bytes at the front of the current buffer were carried over from earlier pieces. */
  private carried = 0;
  private readonly scanner = new HeadScanner();
  private head: MessageHead | null = null;
  private readonly body: BodyCollector;
  private remaining = 0;
  private trailers: HttpHeader[] = NO_TRAILERS;
  private startNs = 0n;
  private lastNs = 0n;
  private finalResponses = 0;
  private messages = 0;
  private errors = 0;
  /** The current message's head uses bare LF line ends (a tolerance): its chunk lines may too. */
  private bareLf = false;
  /** The current message's head as text, quoted if its body breaks framing. */
  private headText = '';
  /** After a capture gap, until a message completes: framing problems are ours, not the sender's. */
  private lostSync = false;
  private readonly held = new HeldBytes();
  /** The last clean head and its parse, reused when the next head repeats it byte for byte. */
  private readonly repeat = new RepeatedHead();
  private readonly maxHeadBytes: number;
  private readonly maxErrors: number;

  constructor(private readonly opts: ParserOptions) {
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

  /** The upgrade request was not accepted: the bytes held since are HTTP again. */
  resume(): void {
    if (this.state !== 'paused') return;
    this.state = 'head';
    const ns = this.held.ns;
    const held = this.held.take();
    if (held.length > 0) this.feed(held, ns);
  }

  get errorCount(): number {
    return this.errors;
  }

  /**
   * Stop parsing: the connection switched protocols (seen from the other direction). Returns the
   * bytes held since the upgrade request, the new protocol's first bytes (h2c's preface).
   */
  tunnel(): Uint8Array {
    const held = this.held.take();
    this.pending = null;
    this.state = 'tunnel';
    return held;
  }

  /** `data` was seen at `ns`; `missing` more bytes followed on the wire but were not captured. */
  feed(data: Uint8Array, ns: bigint, missing = 0): void {
    if (this.stopped) return;
    this.lastNs = ns;
    if (this.state === 'paused') {
      this.hold(data, ns);
      if (missing > 0) this.tunnel();
      return;
    }
    let buf = data;
    this.carried = 0;
    if (this.pending) {
      const joined = new Uint8Array(this.pending.length + data.length);
      joined.set(this.pending, 0);
      joined.set(data, this.pending.length);
      buf = joined;
      this.carried = this.pending.length;
      this.pending = null;
    }
    let pos = 0;
    while (pos < buf.length && !this.stopped) {
      const next = this.step(buf, pos, ns);
      if (next < 0) {
        // The current state needs more bytes than this buffer holds: keep the rest (a copy, since
        // capture buffers may be large and short-lived).
        this.pendingNs = this.nsAt(pos, ns);
        this.pending = buf.slice(pos);
        break;
      }
      pos = next;
    }
    if (missing > 0) this.gap(missing, ns);
  }

  /** The connection ended (closed by either side). */
  end(ns: bigint): void {
    if (this.stopped) return;
    this.lastNs = ns;
    if (this.state === 'until-close') {
      this.finish(true, ns);
    } else if (this.head && (this.state === 'length' || this.state.startsWith('chunk') || this.state === 'trailers')) {
      this.body.truncated = true;
      this.finish(false, ns);
    } else if (this.state === 'head' && this.pending && !isBlank(this.pending)) {
      this.error('connection ended inside a message head', false);
    }
    this.pending = null;
    this.state = 'dead';
  }

  private step(buf: Uint8Array, pos: number, ns: bigint): number {
    switch (this.state) {
      case 'head':
        return this.stepHead(buf, pos, ns);
      case 'length':
        return this.stepBodyBytes(buf, pos, ns, 'length');
      case 'until-close':
        this.body.take(buf, pos, buf.length);
        return buf.length;
      case 'chunk-size':
        return this.stepChunkSize(buf, pos);
      case 'chunk-data':
        return this.stepBodyBytes(buf, pos, ns, 'chunk-data');
      case 'chunk-crlf':
        return this.stepChunkCrlf(buf, pos);
      case 'trailers':
        return this.stepTrailers(buf, pos, ns);
      case 'resync':
        return this.stepResync(buf, pos);
      case 'paused':
        this.hold(buf.subarray(pos), ns);
        return buf.length;
      default:
        return buf.length;
    }
  }

  private stepHead(buf: Uint8Array, pos: number, ns: bigint): number {
    // Empty lines before a message are allowed (RFC 9112 §2.2), e.g. a stray CRLF after a body.
    while (pos < buf.length && (buf[pos] === CR || buf[pos] === LF)) pos++;
    if (pos >= buf.length) return buf.length;
    if (this.scanner.idle) {
      const repeated = this.repeat.match(buf, pos);
      if (repeated >= 0) return this.repeatedHead(buf, pos, repeated, ns);
      this.scanner.reset();
    }
    const end = this.scanner.scan(buf, pos);
    if (end < 0) {
      if (buf.length - pos > this.maxHeadBytes) {
        this.desync('head-too-large', `a message head over ${this.maxHeadBytes} bytes`, latin1(buf, pos, pos + SAMPLE_AFTER));
        return buf.length;
      }
      return -1;
    }
    this.startNs = this.nsAt(pos, ns);
    const text = latin1(buf, pos, end);
    const parsed = this.scanner.head(text, this.opts.kind);
    if (isHeadFailure(parsed)) {
      // A connection whose very first message is not HTTP is not HTTP: not an attack, not a desync.
      if (parsed.startLine && this.messages === 0 && !this.lostSync) this.error(parsed.reason, false);
      else this.desync(parsed.rule, parsed.reason, text + latin1(buf, end, end + SAMPLE_AFTER));
      return end;
    }
    const head = parsed;
    let framing: Framing;
    let framedFor: string | undefined;
    if (head.kind === 'request') {
      framing = requestFraming(head);
      if (framing.kind !== 'error') this.opts.onHead?.(head);
    } else {
      const interim = head.status >= 100 && head.status < 200 && head.status !== 101;
      framedFor = interim ? undefined : this.opts.requestMethod?.(this.finalResponses);
      framing = responseFraming(head, framedFor);
      if (!interim) this.finalResponses++;
    }
    if (framing.kind === 'error') {
      this.desync(framing.rule, framing.reason, text + latin1(buf, end, end + SAMPLE_AFTER));
      return end;
    }
    this.repeat.keep(buf, pos, end, head, text, this.scanner.usesBareLf, framing, framedFor);
    return this.begin(head, text, this.scanner.usesBareLf, framing, buf, end, ns);
  }

  /** The head at `pos` repeats the last clean one byte for byte (repeat-head.ts): its parse is reused. */
  private repeatedHead(buf: Uint8Array, pos: number, end: number, ns: bigint): number {
    const r = this.repeat;
    const head = r.head!;
    this.startNs = this.nsAt(pos, ns);
    let framing: Framing;
    if (head.kind === 'request') {
      framing = r.framing!;
      this.opts.onHead?.(head);
    } else {
      const interim = head.status >= 100 && head.status < 200 && head.status !== 101;
      // The same head can frame otherwise for another request method (HEAD, CONNECT).
      framing = r.responseFramingFor(interim ? undefined : this.opts.requestMethod?.(this.finalResponses));
      if (!interim) this.finalResponses++;
    }
    if (framing.kind === 'error') {
      this.desync(framing.rule, framing.reason, r.text + latin1(buf, end, end + SAMPLE_AFTER));
      return end;
    }
    return this.begin(head, r.text, r.bareLf, framing, buf, end, ns);
  }

  /** A head framed: its body (if any) follows from `end`. */
  private begin(head: MessageHead, text: string, bareLf: boolean, framing: Framing, buf: Uint8Array, end: number, ns: bigint): number {
    this.head = head;
    this.headText = text;
    this.bareLf = bareLf;
    this.body.start();
    this.trailers = NO_TRAILERS;
    switch (framing.kind) {
      case 'none':
        this.finish(true, ns);
        break;
      case 'tunnel':
        this.finish(true, ns);
        this.state = 'tunnel';
        this.opts.onTunnel?.(buf.subarray(end));
        return buf.length;
      case 'length':
        this.remaining = framing.length;
        this.state = 'length';
        break;
      case 'chunked':
        this.state = 'chunk-size';
        break;
      case 'until-close':
        this.state = 'until-close';
        break;
    }
    return end;
  }

  /** The kernel timestamp of the piece that brought byte `pos` of the current buffer. */
  private nsAt(pos: number, ns: bigint): bigint {
    return pos < this.carried ? this.pendingNs : ns;
  }

  private stepBodyBytes(buf: Uint8Array, pos: number, ns: bigint, state: 'length' | 'chunk-data'): number {
    const n = Math.min(this.remaining, buf.length - pos);
    this.body.take(buf, pos, pos + n);
    this.remaining -= n;
    if (this.remaining === 0) {
      if (state === 'length') this.finish(true, ns);
      else this.state = 'chunk-crlf';
    }
    return pos + n;
  }

  private stepChunkSize(buf: Uint8Array, pos: number): number {
    const line = readChunkSizeLine(buf, pos, this.bareLf);
    if (line === undefined) return -1;
    if (line.kind === 'error') {
      this.chunkDesync(line.reason, buf, pos);
      return line.next;
    }
    return this.chunkSize(line.size, line.next);
  }

  private chunkSize(size: number, next: number): number {
    if (size === 0) {
      this.state = 'trailers';
      this.scanner.reset(true, this.bareLf);
    } else {
      this.remaining = size;
      this.state = 'chunk-data';
    }
    return next;
  }

  private stepChunkCrlf(buf: Uint8Array, pos: number): number {
    // CRLF after chunk data (a bare LF only when the head used bare LF); the CR may arrive in one
    // piece and the LF in the next.
    if (buf[pos] === CR) {
      if (pos + 1 >= buf.length) return -1;
      pos++;
    } else if (!this.bareLf) {
      this.chunkDesync('chunk data not followed by CRLF', buf, pos);
      return pos;
    }
    if (buf[pos] !== LF) {
      this.chunkDesync('chunk data not followed by CRLF', buf, pos);
      return pos;
    }
    this.state = 'chunk-size';
    return pos + 1;
  }

  private chunkDesync(reason: string, buf: Uint8Array, pos: number): void {
    this.body.truncated = true;
    this.desync('chunk-line', reason, this.headText + latin1(buf, pos, pos + SAMPLE_AFTER));
  }

  /** The trailer section, as a whole once its blank line is in: checked like a head. */
  private stepTrailers(buf: Uint8Array, pos: number, ns: bigint): number {
    const end = this.scanner.scan(buf, pos);
    if (end < 0) {
      if (buf.length - pos <= this.maxHeadBytes) return -1;
      this.desync('trailers', `a trailer section over ${this.maxHeadBytes} bytes`, this.headText);
      return buf.length;
    }
    const text = latin1(buf, pos, end);
    this.trailers = [];
    const problem = this.scanner.fieldsInto(text, this.trailers);
    if (problem) {
      this.desync(problem.rule, `in trailers: ${problem.reason}`, this.headText + text);
      return end;
    }
    for (const t of this.trailers) {
      const lower = t.name.toLowerCase();
      if (lower === 'content-length' || lower === 'transfer-encoding') {
        this.desync('trailers', `${t.name} in trailers`, this.headText + text);
        return end;
      }
    }
    this.finish(true, ns);
    return end;
  }

  /** Look for something that starts a message again; drop what comes before it. */
  private stepResync(buf: Uint8Array, pos: number): number {
    const at = findMessageStart(buf, pos, this.opts.kind);
    if (at < 0) {
      // Keep a short tail: a start line may straddle two pieces.
      if (buf.length - pos > RESYNC_KEEP) return buf.length - RESYNC_KEEP;
      return -1;
    }
    this.state = 'head';
    this.scanner.reset();
    return at;
  }

  /** `missing` bytes were on the wire but not captured. */
  private gap(missing: number, ns: bigint): void {
    if (this.stopped) return;
    switch (this.state) {
      case 'paused':
        this.tunnel();
        return;
      case 'until-close':
        this.body.lose(missing);
        return;
      case 'length':
      case 'chunk-data': {
        const n = Math.min(missing, this.remaining);
        this.body.lose(n);
        this.remaining -= n;
        const rest = missing - n;
        if (this.remaining === 0 && rest === 0) {
          if (this.state === 'length') this.finish(true, ns);
          else this.state = 'chunk-crlf';
          return;
        }
        if (rest === 0) return;
        // The gap ran past this body: the framing that follows is lost.
        if (this.state === 'length') this.finish(true, ns);
        else this.finish(false, ns);
        this.enterResync();
        return;
      }
      case 'head':
        if (this.pending === null && this.scanner.idle) {
          this.enterResync();
          return;
        }
        this.error('capture gap inside a message head', true);
        return;
      default:
        if (this.head) {
          this.body.truncated = true;
          this.finish(false, ns);
        }
        this.enterResync();
    }
  }

  private enterResync(): void {
    this.lostSync = true;
    this.pending = null;
    this.scanner.reset();
    this.head = null;
    this.state = 'resync';
  }

  private finish(complete: boolean, ns: bigint): void {
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

  private error(reason: string, recover: boolean): void {
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
  private desync(rule: DesyncRule, reason: string, sample: string): void {
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

  private hold(data: Uint8Array, ns: bigint): void {
    // Unanswered for this long, it is the new protocol's data: stop rather than buffer it.
    if (this.held.size + data.length > this.maxHeadBytes) this.tunnel();
    else this.held.add(data, ns);
  }
}

function isBlank(buf: Uint8Array): boolean {
  for (const b of buf) if (b !== CR && b !== LF && b !== 32) return false;
  return true;
}

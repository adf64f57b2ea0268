// A streaming HTTP/1.x parser made for capture: it is fed one direction of a connection in the
// pieces the kernel saw, finds message boundaries, keeps body bytes as slices of the input
// (copied once, when a message completes) up to a cap, accounts for bytes the capture did not
// copy (`missing`), and never throws on garbage. It frames as strict servers do: where one would
// reject (or two could disagree), it reports a desync with the rule that fired and stops for good
// — a passive sensor that guessed could be made to invent requests or to hide real ones.
// After a capture gap (our loss, not the sender's) it resynchronises instead, counting errors.
import type { DesyncRule } from '../../../core/src/protocol/desync';
import type { HttpHeader } from '../../../core/src/protocol/transaction';
import { asksUpgrade, closesAfter, parseChunkLine, requestFraming, responseFraming, type Framing } from './framing';
import { parseFields, parseHead, type MessageHead } from './head';

export interface ParsedMessage {
  head: MessageHead;
  /** Body after transfer decoding (chunked removed), at most `maxBody` bytes, as slices of the input. */
  bodyParts: readonly Uint8Array[];
  /** The same bytes joined (copied once, on first use). */
  readonly body: Uint8Array;
  /** Body bytes that crossed the wire, including those not kept or not captured. */
  bodySize: number;
  /** The body (or the message) is incomplete: cut by the cap, a capture gap, or the connection ending. */
  truncated: boolean;
  /** False when the message ended early (connection closed, capture gap broke framing). */
  complete: boolean;
  trailers: HttpHeader[];
  startNs: bigint;
  endNs: bigint;
  /** The head used bare LF line ends throughout (a tolerance, docs/capture.md). */
  bareLf: boolean;
}

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

const LF = 10;
const CR = 13;
const RESYNC_KEEP = 64;
/** How much of the bytes after an offending head a desync sample keeps. */
const SAMPLE_AFTER = 512;

export class HttpStreamParser {
  private state: State = 'head';
  private pending: Uint8Array | null = null;
  private pendingNs = 0n;
  /** How many bytes at the front of the current buffer were carried over from earlier pieces. */
  private carried = 0;
  private headScanFrom = 0;
  private head: MessageHead | null = null;
  private slices: Uint8Array[] = [];
  private kept = 0;
  private bodySize = 0;
  private truncated = false;
  private remaining = 0;
  private trailers: HttpHeader[] = [];
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
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  private heldNs = 0n;
  private readonly maxHeadBytes: number;
  private readonly maxErrors: number;

  constructor(private readonly opts: ParserOptions) {
    this.maxHeadBytes = opts.maxHeadBytes ?? 64 * 1024;
    this.maxErrors = opts.maxErrors ?? 8;
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
    const held = this.held.length === 1 ? (this.held[0] ?? new Uint8Array(0)) : concat(this.held, this.heldBytes);
    this.held = [];
    this.heldBytes = 0;
    if (held.length > 0) this.feed(held, this.heldNs);
  }

  get errorCount(): number {
    return this.errors;
  }

  /**
   * Stop parsing: the connection switched protocols (seen from the other direction). Returns the
   * bytes held since the upgrade request, the new protocol's first bytes (h2c's preface).
   */
  tunnel(): Uint8Array {
    const held = this.held.length === 1 ? (this.held[0] ?? new Uint8Array(0)) : concat(this.held, this.heldBytes);
    this.pending = null;
    this.held = [];
    this.heldBytes = 0;
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
      this.truncated = true;
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
        this.take(buf, pos, buf.length);
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
    const end = findHeadEnd(buf, pos, Math.max(pos, pos + this.headScanFrom - 3));
    if (end === null) {
      if (buf.length - pos > this.maxHeadBytes) {
        this.desync('head-too-large', `a message head over ${this.maxHeadBytes} bytes`, latin1(buf, pos, pos + SAMPLE_AFTER));
        return buf.length;
      }
      this.headScanFrom = buf.length - pos;
      return -1;
    }
    this.headScanFrom = 0;
    this.startNs = this.nsAt(pos, ns);
    const text = latin1(buf, pos, end);
    const parsed = parseHead(text, this.opts.kind);
    if (!parsed.ok) {
      // A connection whose very first message is not HTTP is not HTTP: not an attack, not a desync.
      if (parsed.startLine && this.messages === 0 && !this.lostSync) this.error(parsed.reason, false);
      else this.desync(parsed.rule, parsed.reason, text + latin1(buf, end, end + SAMPLE_AFTER));
      return end;
    }
    const head = parsed.head;
    let framing: Framing;
    if (head.kind === 'request') {
      framing = requestFraming(head);
      if (framing.kind !== 'error') this.opts.onHead?.(head);
    } else {
      const interim = head.status >= 100 && head.status < 200 && head.status !== 101;
      framing = responseFraming(head, interim ? undefined : this.opts.requestMethod?.(this.finalResponses));
      if (!interim) this.finalResponses++;
    }
    if (framing.kind === 'error') {
      this.desync(framing.rule, framing.reason, text + latin1(buf, end, end + SAMPLE_AFTER));
      return end;
    }
    this.head = head;
    this.headText = text;
    this.bareLf = parsed.bareLf;
    this.slices = [];
    this.kept = 0;
    this.bodySize = 0;
    this.truncated = false;
    this.trailers = [];
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
    this.take(buf, pos, pos + n);
    this.remaining -= n;
    if (this.remaining === 0) {
      if (state === 'length') this.finish(true, ns);
      else this.state = 'chunk-crlf';
    }
    return pos + n;
  }

  private stepChunkSize(buf: Uint8Array, pos: number): number {
    const lf = buf.indexOf(LF, pos);
    if (lf < 0) {
      if (buf.length - pos <= 1024) return -1;
      this.chunkDesync('a chunk size line over 1024 bytes', buf, pos);
      return buf.length;
    }
    const hasCr = buf[lf - 1] === CR && lf > pos;
    if (!hasCr && !this.bareLf) {
      this.chunkDesync('a chunk size line that ends with a bare LF', buf, pos);
      return lf + 1;
    }
    const chunk = parseChunkLine(latin1(buf, pos, hasCr ? lf - 1 : lf));
    if (!chunk.ok) {
      this.chunkDesync(chunk.reason, buf, pos);
      return lf + 1;
    }
    if (chunk.size === 0) {
      this.state = 'trailers';
    } else {
      this.remaining = chunk.size;
      this.state = 'chunk-data';
    }
    return lf + 1;
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
    this.truncated = true;
    this.desync('chunk-line', reason, this.headText + latin1(buf, pos, pos + SAMPLE_AFTER));
  }

  /** The trailer section, as a whole once its blank line is in: checked like a head. */
  private stepTrailers(buf: Uint8Array, pos: number, ns: bigint): number {
    let end: number;
    if (buf[pos] === LF && this.bareLf) end = pos + 1;
    else if (buf[pos] === CR && pos + 1 >= buf.length) return -1;
    else if (buf[pos] === CR && buf[pos + 1] === LF) end = pos + 2;
    else {
      const found = findHeadEnd(buf, pos, pos);
      if (found === null) {
        if (buf.length - pos <= this.maxHeadBytes) return -1;
        this.desync('trailers', `a trailer section over ${this.maxHeadBytes} bytes`, this.headText);
        return buf.length;
      }
      end = found;
    }
    const text = latin1(buf, pos, end);
    const problem = parseFields(text, 0, this.bareLf, this.trailers);
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
    this.headScanFrom = 0;
    return at;
  }

  private take(buf: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    this.bodySize += n;
    const room = this.opts.maxBody - this.kept;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const keep = Math.min(room, n);
    this.slices.push(buf.subarray(from, from + keep));
    this.kept += keep;
    if (keep < n) this.truncated = true;
  }

  /** `missing` bytes were on the wire but not captured. */
  private gap(missing: number, ns: bigint): void {
    if (this.stopped) return;
    switch (this.state) {
      case 'paused':
        this.tunnel();
        return;
      case 'until-close':
        this.bodySize += missing;
        this.truncated = true;
        return;
      case 'length':
      case 'chunk-data': {
        const n = Math.min(missing, this.remaining);
        this.bodySize += n;
        this.remaining -= n;
        this.truncated = true;
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
        if (this.pending === null && this.headScanFrom === 0) {
          this.enterResync();
          return;
        }
        this.error('capture gap inside a message head', true);
        return;
      default:
        if (this.head) {
          this.truncated = true;
          this.finish(false, ns);
        }
        this.enterResync();
    }
  }

  private enterResync(): void {
    this.lostSync = true;
    this.pending = null;
    this.headScanFrom = 0;
    this.head = null;
    this.state = 'resync';
  }

  private finish(complete: boolean, ns: bigint): void {
    const head = this.head;
    if (!head) return;
    const message = new Message(head, this.slices, this.kept, this.bodySize, this.truncated || !complete, complete, this.trailers, this.startNs || ns, ns, this.bareLf);
    this.head = null;
    this.slices = [];
    this.kept = 0;
    this.startNs = 0n;
    this.state = 'head';
    this.messages++;
    if (complete) this.lostSync = false;
    // Like llhttp: after an upgrade request, wait for its answer before reading more requests;
    // after a message that closes the connection, the peer reads nothing more (a tolerance: the
    // rest is ignored, not reported).
    if (head.kind === 'request' && asksUpgrade(head)) this.state = 'paused';
    else if (complete && closesAfter(head, message.trailers) && !(head.kind === 'response' && head.status < 200)) this.state = 'closed';
    this.opts.onMessage(message);
  }

  private error(reason: string, recover: boolean): void {
    this.errors++;
    this.opts.onError?.(reason);
    this.head = null;
    this.slices = [];
    this.pending = null;
    this.headScanFrom = 0;
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
    this.slices = [];
    this.pending = null;
    this.held = [];
    this.state = 'dead';
    this.opts.onDesync?.({ rule, reason, sample, messagesBefore: this.messages });
  }

  private hold(data: Uint8Array, ns: bigint): void {
    if (data.length === 0) return;
    if (this.heldBytes === 0) this.heldNs = ns;
    this.heldBytes += data.length;
    // Unanswered for this long, it is the new protocol's data: stop rather than buffer it.
    if (this.heldBytes > this.maxHeadBytes) {
      this.tunnel();
      return;
    }
    this.held.push(data.slice());
  }
}

const CRLFCRLF = Buffer.from('\r\n\r\n');

/**
 * Where the head that starts at `start` ends (the index after its blank line), scanning from
 * `from`. A blank line is an LF that follows an LF or an LF CR.
 */
function findHeadEnd(buf: Uint8Array, start: number, from: number): number | null {
  // The common case with one native substring search; bare-LF line ends (rare, but real: as a
  // tolerance, or as an attack) go the slow way so that the first blank line wins.
  const b = asBuffer(buf);
  const crlf = b.indexOf(CRLFCRLF, Math.max(start, from));
  if (crlf >= 0 && !hasBareBlankLine(b, Math.max(start, from), crlf + 2)) return crlf + 4;
  return findHeadEndSlow(buf, Math.max(start, from));
}

/** A "\n\n" or "\n\r\n" in [from, to): a blank line that ends with a bare LF, or follows one. */
function hasBareBlankLine(b: Buffer, from: number, to: number): boolean {
  const region = b.subarray(from, to);
  return region.indexOf('\n\n', 0, 'latin1') >= 0 || region.indexOf('\n\r\n', 0, 'latin1') >= 0;
}

function asBuffer(buf: Uint8Array): Buffer {
  return Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.length);
}

function findHeadEndSlow(buf: Uint8Array, from: number): number | null {
  let i = buf.indexOf(LF, from);
  while (i >= 0) {
    if (buf[i + 1] === LF) return i + 2;
    if (buf[i + 1] === CR && buf[i + 2] === LF) return i + 3;
    i = buf.indexOf(LF, i + 1);
  }
  return null;
}

const METHODS = ['GET ', 'POST ', 'PUT ', 'DELETE ', 'PATCH ', 'HEAD ', 'OPTIONS ', 'CONNECT ', 'TRACE '];

function findMessageStart(buf: Uint8Array, from: number, kind: 'request' | 'response'): number {
  const text = latin1(buf, from, buf.length);
  if (kind === 'response') {
    const i = text.search(/HTTP\/1\.[01] \d{3}/);
    return i < 0 ? -1 : from + i;
  }
  let best = -1;
  for (const m of METHODS) {
    const i = text.indexOf(m);
    if (i >= 0 && (best < 0 || i < best) && /^[A-Z]+ \S+ HTTP\/1\.[01]\r?$/m.test(text.slice(i, text.indexOf('\n', i) + 1 || undefined))) best = i;
  }
  return best < 0 ? -1 : from + best;
}

function latin1(buf: Uint8Array, from: number, to: number): string {
  return asBuffer(buf).toString('latin1', from, to);
}

/** A parsed message; the body is joined from its slices only when someone asks for it. */
class Message implements ParsedMessage {
  private joined: Uint8Array | undefined;
  constructor(
    readonly head: MessageHead,
    readonly bodyParts: readonly Uint8Array[],
    private readonly kept: number,
    readonly bodySize: number,
    readonly truncated: boolean,
    readonly complete: boolean,
    readonly trailers: HttpHeader[],
    readonly startNs: bigint,
    readonly endNs: bigint,
    readonly bareLf: boolean,
  ) {}

  get body(): Uint8Array {
    this.joined ??= this.bodyParts.length === 1 ? (this.bodyParts[0] ?? new Uint8Array(0)) : concat(this.bodyParts, this.kept);
    return this.joined;
  }
}

function concat(slices: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const s of slices) {
    out.set(s, at);
    at += s.length;
  }
  return out;
}

function isBlank(buf: Uint8Array): boolean {
  for (const b of buf) if (b !== CR && b !== LF && b !== 32) return false;
  return true;
}

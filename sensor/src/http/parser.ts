// A streaming HTTP/1.x parser made for capture: it is fed one direction of a connection in the
// pieces the kernel saw, finds message boundaries, keeps body bytes as slices of the input
// (copied once, when a message completes) up to a cap, accounts for bytes the capture did not
// copy (`missing`), and never throws on garbage: it resynchronises or gives up, counting errors.
import type { HttpHeader } from '../../../core/src/protocol/transaction';
import { parseHead, requestFraming, responseFraming, type MessageHead, type Framing } from './head';

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
}

export interface ParserOptions {
  kind: 'request' | 'response';
  maxBody: number;
  onMessage: (message: ParsedMessage) => void;
  /** Each framing problem, once. The parser has already recovered (or given up) when this is called. */
  onError?: (reason: string) => void;
  /** Request side: a head was parsed (before its body), so the response side can frame its answer. */
  onHead?: (head: MessageHead) => void;
  /** Response side: the method of the request answered by the `index`-th final response (0-based). */
  requestMethod?: (index: number) => string | undefined;
  /** Response side: a 101 or a successful CONNECT; everything after it is another protocol. */
  onTunnel?: () => void;
  maxHeadBytes?: number;
  /** After this many framing errors the connection is given up on. */
  maxErrors?: number;
}

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'until-close' | 'resync' | 'tunnel' | 'dead';

const LF = 10;
const CR = 13;
const RESYNC_KEEP = 64;

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
  private readonly maxHeadBytes: number;
  private readonly maxErrors: number;

  constructor(private readonly opts: ParserOptions) {
    this.maxHeadBytes = opts.maxHeadBytes ?? 64 * 1024;
    this.maxErrors = opts.maxErrors ?? 8;
  }

  /** True once the parser stopped for good (tunnel or given up). */
  get stopped(): boolean {
    return this.state === 'tunnel' || this.state === 'dead';
  }

  get errorCount(): number {
    return this.errors;
  }

  /** Stop parsing: the connection switched protocols (seen from the other direction). */
  tunnel(): void {
    this.pending = null;
    this.state = 'tunnel';
  }

  /** `data` was seen at `ns`; `missing` more bytes followed on the wire but were not captured. */
  feed(data: Uint8Array, ns: bigint, missing = 0): void {
    if (this.stopped) return;
    this.lastNs = ns;
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
      default:
        return buf.length;
    }
  }

  private stepHead(buf: Uint8Array, pos: number, ns: bigint): number {
    // Empty lines before a message are allowed (RFC 9112 §2.2), e.g. a stray CRLF after a body.
    while (pos < buf.length && (buf[pos] === CR || buf[pos] === LF)) pos++;
    if (pos >= buf.length) return buf.length;
    const end = findHeadEnd(buf, Math.max(pos, pos + this.headScanFrom - 3));
    if (end === null) {
      if (buf.length - pos > this.maxHeadBytes) {
        this.error('message head too large', true);
        return buf.length;
      }
      this.headScanFrom = buf.length - pos;
      return -1;
    }
    this.headScanFrom = 0;
    this.startNs = this.nsAt(pos, ns);
    const text = latin1(buf, pos, end.headEnd);
    const parsed = parseHead(text, this.opts.kind);
    if (!parsed.ok) {
      this.error(parsed.reason, true);
      return end.bodyStart;
    }
    const head = parsed.head;
    let framing: Framing;
    if (head.kind === 'request') {
      framing = requestFraming(head);
      this.opts.onHead?.(head);
    } else {
      const interim = head.status >= 100 && head.status < 200 && head.status !== 101;
      framing = responseFraming(head, interim ? undefined : this.opts.requestMethod?.(this.finalResponses));
      if (!interim) this.finalResponses++;
    }
    if (framing.kind === 'error') {
      this.error(framing.reason, true);
      return end.bodyStart;
    }
    this.head = head;
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
        this.opts.onTunnel?.();
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
    return end.bodyStart;
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
      if (buf.length - pos > 1024) this.error('chunk size line too long', true);
      return buf.length - pos > 1024 ? buf.length : -1;
    }
    const line = latin1(buf, pos, lf).replace(/\r$/, '');
    const m = /^([0-9A-Fa-f]{1,12})[ \t]*(?:;.*)?$/.exec(line);
    if (!m) {
      this.truncated = true;
      this.error('invalid chunk size', true);
      return lf + 1;
    }
    const size = parseInt(m[1] ?? '0', 16);
    if (size === 0) {
      this.state = 'trailers';
    } else {
      this.remaining = size;
      this.state = 'chunk-data';
    }
    return lf + 1;
  }

  private stepChunkCrlf(buf: Uint8Array, pos: number): number {
    // Accept CRLF or a bare LF after chunk data; the CR may arrive in one piece and the LF in the next.
    if (buf[pos] === CR) {
      if (pos + 1 >= buf.length) return -1;
      pos++;
    }
    if (buf[pos] !== LF) {
      this.error('chunk data not followed by CRLF', true);
      return pos;
    }
    this.state = 'chunk-size';
    return pos + 1;
  }

  private stepTrailers(buf: Uint8Array, pos: number, ns: bigint): number {
    const lf = buf.indexOf(LF, pos);
    if (lf < 0) return buf.length - pos > this.maxHeadBytes ? (this.error('trailers too large', true), buf.length) : -1;
    const line = latin1(buf, pos, lf).replace(/\r$/, '');
    if (line === '') {
      this.finish(true, ns);
      return lf + 1;
    }
    const colon = line.indexOf(':');
    if (colon > 0) this.trailers.push({ name: line.slice(0, colon), value: line.slice(colon + 1).trim() });
    return lf + 1;
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
    this.pending = null;
    this.headScanFrom = 0;
    this.head = null;
    this.state = 'resync';
  }

  private finish(complete: boolean, ns: bigint): void {
    const head = this.head;
    if (!head) return;
    const message = new Message(head, this.slices, this.kept, this.bodySize, this.truncated || !complete, complete, this.trailers, this.startNs || ns, ns);
    this.head = null;
    this.slices = [];
    this.kept = 0;
    this.startNs = 0n;
    this.state = 'head';
    this.messages++;
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
}

const CRLFCRLF = Buffer.from('\r\n\r\n');

function findHeadEnd(buf: Uint8Array, from: number): { headEnd: number; bodyStart: number } | null {
  // The common case with one native substring search; bare-LF heads (rare, but real) below.
  const b = asBuffer(buf);
  const crlf = b.indexOf(CRLFCRLF, from);
  if (crlf >= 0 && !hasBareBlankLine(b, from, crlf)) return { headEnd: crlf + 1, bodyStart: crlf + 4 };
  return findHeadEndSlow(buf, from);
}

/** A "\n\n" before `to`: a head that ends with bare LFs. */
function hasBareBlankLine(b: Buffer, from: number, to: number): boolean {
  return b.subarray(from, to).indexOf('\n\n', 0, 'latin1') >= 0;
}

function asBuffer(buf: Uint8Array): Buffer {
  return Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.length);
}

function findHeadEndSlow(buf: Uint8Array, from: number): { headEnd: number; bodyStart: number } | null {
  let i = buf.indexOf(LF, from);
  while (i >= 0) {
    if (buf[i + 1] === LF) return { headEnd: i, bodyStart: i + 2 };
    if (buf[i + 1] === CR && buf[i + 2] === LF) return { headEnd: i, bodyStart: i + 3 };
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

// A streaming HTTP/1.x parser made for capture: it is fed one direction of a connection in the
// pieces the kernel saw, finds message boundaries, keeps body bytes as slices of the input
// (copied once, when a message completes) up to a cap, accounts for bytes the capture did not
// copy (`missing`), and never throws on garbage. It frames as strict servers do: where one would
// reject (or two could disagree), it reports a desync with the rule that fired and stops for good
// — a passive sensor that guessed could be made to invent requests or to hide real ones.
// After a capture gap (our loss, not the sender's) it resynchronises instead, counting errors.
// This file is the stream: pieces in, the state machine's dispatch, the pause after an upgrade
// request, and capture gaps with the resync after them. The state and how messages end are in
// parser-state.ts, the head step in parser-head.ts, the body states in parser-body.ts; the strict
// checks are in head-lines.ts (heads, trailers) and framing.ts (body framing, chunk lines).
import { HeadSteps } from './parser-head';
import { findMessageStart } from './resync';

export type { ParsedMessage } from './message';
export type { Desync, ParserOptions } from './parser-options';

// Local on purpose: a constant imported from another module is a property read per use under tsx.
const LF = 10;
const CR = 13;

const RESYNC_KEEP = 64;

export class HttpStreamParser extends HeadSteps {
  /** The upgrade request was not accepted: the bytes held since are HTTP again. */
  resume(): void {
    if (this.state !== 'paused') return;
    this.state = 'head';
    const ns = this.held.ns;
    const held = this.held.take();
    if (held.length > 0) this.feed(held, ns);
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

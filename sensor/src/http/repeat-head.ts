// The last head of one direction of a connection, kept with what it parsed to. A keep-alive
// connection mostly repeats its heads byte for byte — a client polling one endpoint, a health
// check, a load test, and the server's answers to them (whose Date changes once a second). The
// strict checks and the parse of a head are functions of its bytes alone (head-lines.ts,
// framing.ts): the same bytes scan to the same end, pass or fail the same checks, and frame the
// same way. So a head whose bytes equal the last clean head's is not scanned, decoded or looked
// up again: its parse is reused, and one native compare replaces the byte scan in JavaScript.
// Only heads that parsed and framed cleanly are kept, and only small ones (the memory is per
// connection and direction). Where heads do not repeat (every request names another resource),
// keeping a copy of each would be a cost for nothing: after two misses in a row the next heads are
// not kept for a while, so such a connection pays a compare and a copy once per BACKOFF heads.
import { closesAfter, asksUpgrade, responseFraming, type Framing } from './framing';
import type { MessageHead } from './head';

/** Heads up to this size are kept: per connection and direction a copy and its parse stay for the connection's life (memory), and a load test's, a poller's or a service client's heads are mostly well under it. */
const MAX_KEPT = 512;
/** Heads not kept after a kept head missed twice in a row. */
const BACKOFF = 32;

export class RepeatedHead {
  private bytes: Buffer | undefined;
  head: MessageHead | undefined;
  text = '';
  bareLf = false;
  framing: Framing | undefined;
  /** The request method `framing` was decided for (responses: HEAD and CONNECT change it). */
  private framedFor: string | undefined;
  private closes: boolean | undefined;
  private upgrade: boolean | undefined;
  /** Kept heads that the next head did not repeat, in a row. */
  private misses = 0;
  /** Heads still to let pass without keeping them. */
  private skip = 0;

  /** The end of the head at `pos` when `buf` repeats the kept head there, else -1. */
  match(buf: Uint8Array, pos: number): number {
    const bytes = this.bytes;
    if (bytes === undefined) return -1;
    const end = pos + bytes.length;
    if (end > buf.length || buf[pos] !== bytes[0] || buf[end - 1] !== bytes[bytes.length - 1]) return -1;
    if (bytes.compare(buf, pos, end) !== 0) return -1;
    this.misses = 0;
    return end;
  }

  /**
   * Keeps the head just parsed from `buf[pos, end)` (a copy: capture buffers are short-lived). It
   * is called for every head that `match` did not find: a kept head that missed.
   */
  keep(buf: Uint8Array, pos: number, end: number, head: MessageHead, text: string, bareLf: boolean, framing: Framing, framedFor: string | undefined): void {
    if (this.skip > 0) {
      this.skip--;
      return;
    }
    if (end - pos > MAX_KEPT || (this.bytes !== undefined && ++this.misses >= 2)) {
      this.forget();
      this.misses = 0;
      if (end - pos <= MAX_KEPT) this.skip = BACKOFF;
      return;
    }
    const bytes = Buffer.allocUnsafe(end - pos);
    bytes.set(buf.subarray(pos, end));
    this.bytes = bytes;
    this.head = head;
    this.text = text;
    this.bareLf = bareLf;
    this.framing = framing;
    this.framedFor = framedFor;
    this.closes = undefined;
    this.upgrade = undefined;
  }

  forget(): void {
    this.bytes = undefined;
    this.head = undefined;
    this.framing = undefined;
  }

  /** The kept response head's framing for an answer to `method` (decided again when the method differs). */
  responseFramingFor(method: string | undefined): Framing {
    const head = this.head;
    if (this.framing !== undefined && method === this.framedFor) return this.framing;
    if (head?.kind !== 'response') throw new Error('not a response head');
    this.framedFor = method;
    this.framing = responseFraming(head, method);
    return this.framing;
  }

  /** `closesAfter(head)` of the kept head, without trailers (decided once). */
  closesAfter(): boolean {
    const head = this.head;
    if (!head) return false;
    return (this.closes ??= closesAfter(head));
  }

  /** `asksUpgrade(head)` of the kept request head (decided once). */
  asksUpgrade(): boolean {
    const head = this.head;
    if (head?.kind !== 'request') return false;
    return (this.upgrade ??= asksUpgrade(head));
  }
}

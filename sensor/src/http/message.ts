// What the HTTP/1.x parser hands on for each message: its head, its body as slices of the
// captured bytes (joined only when asked), and how complete it is.
import type { HttpHeader } from '../../../core/src/protocol/transaction';
import { concat } from './bytes';
import type { MessageHead } from './head';

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

/** A parsed message; its body's slices are cut from the input, and joined, only when someone asks. */
export class Message implements ParsedMessage {
  private parts: readonly Uint8Array[] | undefined;
  private joined: Uint8Array | undefined;
  /** The body as it was collected (BodyCollector): the first piece as offsets, later ones as slices. */
  private readonly firstInput: Uint8Array | undefined;
  private readonly firstFrom: number;
  private readonly firstTo: number;
  private readonly more: readonly Uint8Array[];
  private readonly kept: number;
  readonly bodySize: number;

  constructor(
    readonly head: MessageHead,
    body: BodyCollector,
    readonly truncated: boolean,
    readonly complete: boolean,
    readonly trailers: HttpHeader[],
    readonly startNs: bigint,
    readonly endNs: bigint,
    readonly bareLf: boolean,
  ) {
    this.firstInput = body.firstInput;
    this.firstFrom = body.firstFrom;
    this.firstTo = body.firstTo;
    this.more = body.more;
    this.kept = body.kept;
    this.bodySize = body.size;
  }

  get bodyParts(): readonly Uint8Array[] {
    if (this.parts) return this.parts;
    const first = this.firstInput;
    this.parts = first === undefined ? NO_SLICES : [first.subarray(this.firstFrom, this.firstTo), ...this.more];
    return this.parts;
  }

  get body(): Uint8Array {
    if (this.joined) return this.joined;
    const first = this.firstInput;
    if (first === undefined) this.joined = new Uint8Array(0);
    else if (this.more.length === 0) this.joined = first.subarray(this.firstFrom, this.firstTo);
    else this.joined = concat(this.bodyParts, this.kept);
    return this.joined;
  }
}

/** Shared by every message with fewer than two body pieces (most): never pushed to. */
const NO_SLICES: readonly Uint8Array[] = [];

/**
 * The body of the message being parsed, up to the cap, and what crossed the wire. Its first piece
 * is kept as offsets into the input (a slice is an object; most messages are never built), the
 * others as slices.
 */
export class BodyCollector {
  firstInput: Uint8Array | undefined;
  firstFrom = 0;
  firstTo = 0;
  /** `NO_SLICES` until a second piece is taken. */
  more: readonly Uint8Array[] = NO_SLICES;
  kept = 0;
  /** Body bytes that crossed the wire, kept or not, captured or not. */
  size = 0;
  truncated = false;

  constructor(private readonly max: number) {}

  /** A new message's body begins. */
  start(): void {
    this.release();
    this.size = 0;
    this.truncated = false;
  }

  take(buf: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    this.size += n;
    const room = this.max - this.kept;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const keep = Math.min(room, n);
    if (this.firstInput === undefined) {
      this.firstInput = buf;
      this.firstFrom = from;
      this.firstTo = from + keep;
    } else if (this.more === NO_SLICES) this.more = [buf.subarray(from, from + keep)];
    else (this.more as Uint8Array[]).push(buf.subarray(from, from + keep));
    this.kept += keep;
    if (keep < n) this.truncated = true;
  }

  /** `n` body bytes crossed the wire but were not captured. */
  lose(n: number): void {
    this.size += n;
    this.truncated = true;
  }

  /** The pieces were handed on in a message, or the message was given up on. */
  release(): void {
    this.firstInput = undefined;
    this.more = NO_SLICES;
    this.kept = 0;
  }
}

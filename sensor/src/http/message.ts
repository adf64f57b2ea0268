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

/** A parsed message; the body is joined from its slices only when someone asks for it. */
export class Message implements ParsedMessage {
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

/** Shared by every message without body bytes (most requests): never pushed to. */
const NO_SLICES: readonly Uint8Array[] = [];

/** The body of the message being parsed: slices of the input up to the cap, and what crossed the wire. */
export class BodyCollector {
  /** `NO_SLICES` until the first slice is taken. */
  slices: readonly Uint8Array[] = NO_SLICES;
  kept = 0;
  /** Body bytes that crossed the wire, kept or not, captured or not. */
  size = 0;
  truncated = false;

  constructor(private readonly max: number) {}

  /** A new message's body begins. */
  start(): void {
    this.slices = NO_SLICES;
    this.kept = 0;
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
    const slice = buf.subarray(from, from + keep);
    if (this.slices === NO_SLICES) this.slices = [slice];
    else (this.slices as Uint8Array[]).push(slice);
    this.kept += keep;
    if (keep < n) this.truncated = true;
  }

  /** `n` body bytes crossed the wire but were not captured. */
  lose(n: number): void {
    this.size += n;
    this.truncated = true;
  }

  /** The slices were handed on in a message, or the message was given up on. */
  release(): void {
    this.slices = NO_SLICES;
    this.kept = 0;
  }
}

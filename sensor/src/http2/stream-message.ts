// One side of one HTTP/2 stream while it is being captured: its header blocks (the first is the
// head, a later one the trailers; 1xx heads are interim and skipped), its DATA up to the body cap,
// and the kernel times of its first and last frame. It becomes the same ParsedMessage the
// HTTP/1.x parser produces, so one transaction builder serves both. Every exchange passes through
// here, sampled or not: what is made per stream is kept to the fields, arrays only when a body or
// trailers come.
import type { HttpHeader } from '../../../core/src/protocol/transaction';
import type { MessageHead, RequestHead } from '../http/head';
import type { ParsedMessage } from '../http/parser';

const NO_FIELDS: HttpHeader[] = [];
const NO_PARTS: readonly Uint8Array[] = [];
const COLON = 58;

export class StreamMessage {
  ended = false;
  startNs = 0n;
  endNs = 0n;
  // The pseudo-header fields of the head (RFC 9113 §8.3), the last of each name.
  private method: string | undefined;
  private path: string | undefined;
  private authority: string | undefined;
  private status: string | undefined;
  private headers: HttpHeader[] | undefined;
  private trailers: HttpHeader[] = NO_FIELDS;
  private parts: Uint8Array[] | undefined;
  private kept = 0;
  private size = 0;
  private truncated = false;

  /** Set on stream 1 after an h2c Upgrade: the request was an HTTP/1.1 message, complete already. */
  private upgradedFrom: ParsedMessage | undefined;

  constructor(private readonly kind: 'request' | 'response') {}

  static upgraded(request: ParsedMessage): StreamMessage {
    const m = new StreamMessage('request');
    m.upgradedFrom = request;
    m.ended = true;
    m.stamp(request.startNs);
    m.stamp(request.endNs);
    return m;
  }

  stamp(ns: bigint): void {
    if (this.startNs === 0n) this.startNs = ns;
    if (ns > this.endNs) this.endNs = ns;
  }

  /** A decoded header block; `fields` is this message's from now on (the decoder made it for this block). */
  addHeaders(fields: HttpHeader[], dropped: boolean): void {
    if (dropped) this.truncated = true;
    if (this.headers) {
      for (const f of fields) {
        if (f.name.charCodeAt(0) === COLON) continue;
        if (this.trailers === NO_FIELDS) this.trailers = [];
        this.trailers.push(f);
      }
      return;
    }
    // The pseudo-fields are read out and the others moved down in place: no second array.
    let method: string | undefined;
    let path: string | undefined;
    let authority: string | undefined;
    let status: string | undefined;
    let n = 0;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      if (f.name.charCodeAt(0) !== COLON) {
        fields[n++] = f;
        continue;
      }
      switch (f.name) {
        case ':method':
          method = f.value;
          break;
        case ':path':
          path = f.value;
          break;
        case ':authority':
          authority = f.value;
          break;
        case ':status':
          status = f.value;
          break;
      }
    }
    fields.length = n;
    if (this.kind === 'response') {
      const code = Number(status);
      if (code >= 100 && code < 200) return; // interim (100-continue, 103)
    }
    this.method = method;
    this.path = path;
    this.authority = authority;
    this.status = status;
    this.headers = fields;
  }

  addData(payload: Uint8Array, missing: number, ns: bigint, maxBody: number): void {
    this.stamp(ns);
    this.size += payload.length + missing;
    if (missing > 0) this.truncated = true;
    const room = maxBody - this.kept;
    if (room <= 0) {
      if (payload.length > 0) this.truncated = true;
      return;
    }
    const piece = payload.length > room ? payload.subarray(0, room) : payload;
    if (piece.length < payload.length) this.truncated = true;
    (this.parts ??= []).push(piece);
    this.kept += piece.length;
  }

  /** Undefined when no usable head was seen (no headers, or a request without :method). */
  toParsed(ns: bigint, cut: boolean): ParsedMessage | undefined {
    const from = this.upgradedFrom;
    if (from) return from.head.kind === 'request' ? asHttp2(from, from.head) : undefined;
    if (!this.headers) return undefined;
    const head = this.head(this.headers);
    if (!head) return undefined;
    return new StreamParsed(head, this.parts ?? NO_PARTS, this.size, this.truncated || (cut && !this.ended), this.ended, this.trailers, this.startNs, this.endNs > 0n ? this.endNs : ns);
  }

  private head(headers: HttpHeader[]): MessageHead | undefined {
    if (this.kind === 'response') {
      const status = Number(this.status);
      if (!Number.isInteger(status) || status < 100 || status > 999) return undefined;
      return { kind: 'response', status, reason: '', version: '2', headers };
    }
    const method = this.method;
    if (!method) return undefined;
    const authority = this.authority;
    // CONNECT names only the authority (RFC 9113 §8.5).
    const target = this.path ?? authority ?? '';
    return authority !== undefined ? { kind: 'request', method, target, version: '2', headers, authority } : { kind: 'request', method, target, version: '2', headers };
  }
}

/** A stream's message as the transaction builder reads it: the body joined only when asked. */
class StreamParsed implements ParsedMessage {
  private joined: Uint8Array | undefined;
  readonly bareLf = false;

  constructor(
    readonly head: MessageHead,
    readonly bodyParts: readonly Uint8Array[],
    readonly bodySize: number,
    readonly truncated: boolean,
    readonly complete: boolean,
    readonly trailers: HttpHeader[],
    readonly startNs: bigint,
    readonly endNs: bigint,
  ) {}

  get body(): Uint8Array {
    const parts = this.bodyParts;
    this.joined ??= parts.length === 1 ? parts[0] : Buffer.concat(parts);
    return this.joined;
  }
}

/**
 * The h2c upgrade request (an HTTP/1.1 message) as the exchange's request: its answer came over
 * HTTP/2, so it is reported as HTTP/2. Built field by field, never spread: a parsed message's body
 * and a scanned head's `headers` are accessors (message.ts, field-lines.ts), which a spread
 * would not carry; the body stays lazy.
 */
function asHttp2(m: ParsedMessage, h: RequestHead): ParsedMessage {
  const head: RequestHead = { kind: 'request', method: h.method, target: h.target, version: '2', headers: h.headers };
  return {
    head,
    get bodyParts(): readonly Uint8Array[] {
      return m.bodyParts;
    },
    get body(): Uint8Array {
      return m.body;
    },
    bodySize: m.bodySize,
    truncated: m.truncated,
    complete: m.complete,
    bareLf: m.bareLf,
    trailers: m.trailers,
    startNs: m.startNs,
    endNs: m.endNs,
  };
}

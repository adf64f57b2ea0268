// One side of one HTTP/2 stream while it is being captured: its header blocks (the first is the
// head, a later one the trailers; 1xx heads are interim and skipped), its DATA up to the body cap,
// and the kernel times of its first and last frame. It becomes the same ParsedMessage the
// HTTP/1.x parser produces, so one transaction builder serves both.
import type { HttpHeader } from '../../../core/src/protocol/transaction';
import type { MessageHead, RequestHead } from '../http/head';
import type { ParsedMessage } from '../http/parser';

export class StreamMessage {
  ended = false;
  startNs = 0n;
  endNs = 0n;
  private pseudo = new Map<string, string>();
  private headers: HttpHeader[] | undefined;
  private trailers: HttpHeader[] = [];
  private parts: Uint8Array[] = [];
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

  addHeaders(fields: readonly HttpHeader[], dropped: boolean): void {
    if (dropped) this.truncated = true;
    if (this.headers) {
      this.trailers.push(...fields.filter((f) => !f.name.startsWith(':')));
      return;
    }
    const pseudo = new Map<string, string>();
    const regular: HttpHeader[] = [];
    for (const f of fields) {
      if (f.name.startsWith(':')) pseudo.set(f.name, f.value);
      else regular.push(f);
    }
    const status = Number(pseudo.get(':status'));
    if (this.kind === 'response' && status >= 100 && status < 200) return; // interim (100-continue, 103)
    this.pseudo = pseudo;
    this.headers = regular;
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
    this.parts.push(piece);
    this.kept += piece.length;
  }

  /** Undefined when no usable head was seen (no headers, or a request without :method). */
  toParsed(ns: bigint, cut: boolean): ParsedMessage | undefined {
    const from = this.upgradedFrom;
    if (from) return from.head.kind === 'request' ? asHttp2(from, from.head) : undefined;
    if (!this.headers) return undefined;
    const head = this.head(this.headers);
    if (!head) return undefined;
    const complete = this.ended;
    const parts = this.parts;
    let joined: Uint8Array | undefined;
    return {
      head,
      bodyParts: parts,
      get body(): Uint8Array {
        joined ??= parts.length === 1 ? parts[0] : Buffer.concat(parts);
        return joined;
      },
      bodySize: this.size,
      truncated: this.truncated || (cut && !complete),
      complete,
      bareLf: false,
      trailers: this.trailers,
      startNs: this.startNs,
      endNs: this.endNs > 0n ? this.endNs : ns,
    };
  }

  private head(headers: HttpHeader[]): MessageHead | undefined {
    if (this.kind === 'response') {
      const status = Number(this.pseudo.get(':status'));
      if (!Number.isInteger(status) || status < 100 || status > 999) return undefined;
      return { kind: 'response', status, reason: '', version: '2', headers };
    }
    const method = this.pseudo.get(':method');
    if (!method) return undefined;
    const authority = this.pseudo.get(':authority');
    // CONNECT names only the authority (RFC 9113 §8.5).
    const target = this.pseudo.get(':path') ?? authority ?? '';
    return { kind: 'request', method, target, version: '2', headers, ...(authority !== undefined ? { authority } : {}) };
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

// One traced connection as one process saw it: the two directions of bytes fed to two parsers,
// and requests paired with their responses in order (HTTP/1.x answers in order, pipelined or not).
import type { DataEvent, SocketTuple } from '../capture/events';
import { HttpStreamParser, type Desync, type ParsedMessage } from '../http/parser';
import { headerValue, type RequestHead, type ResponseHead } from '../http/head';
import { asksUpgrade } from '../http/framing';
import { Http2Session } from '../http2/session';
import type { EndpointSlot } from './sampler';

export interface Exchange {
  connection: Connection;
  request: ParsedMessage;
  /** Absent when the connection ended before an answer. */
  response?: ParsedMessage;
}

export interface ConnectionHooks {
  maxBody: number;
  onExchange: (exchange: Exchange) => void;
  onParseError: (reason: string) => void;
  onTruncated: () => void;
  /** One direction broke framing; the connection derives no more transactions (see parser.ts). */
  onDesync: (connection: Connection, side: 'request' | 'response', desync: Desync) => void;
}

const METHOD_START = /^[A-Z]{3,10} [^\s]/;

/** A server's first HTTP/2 frame: SETTINGS (not an ACK) on stream 0, as the kernel checks it (state.bpf.h). */
/** A 101 that switches to h2c (the answer names h2c, the request asked for it). */
function upgradesToH2c(request: RequestHead, response: ResponseHead): boolean {
  const names = (headers: RequestHead['headers']): string[] => (headerValue(headers, 'upgrade') ?? '').toLowerCase().split(',').map((v) => v.trim());
  return response.status === 101 && names(response.headers).includes('h2c') && names(request.headers).includes('h2c');
}

function isServerSettings(b: Uint8Array): boolean {
  return b.length >= 9 && b[0] === 0 && ((b[1] << 8) | b[2]) % 6 === 0 && b[3] === 0x04 && b[4] === 0 && b[5] === 0 && b[6] === 0 && b[7] === 0 && b[8] === 0;
}

export class Connection {
  role: 'client' | 'server' | undefined;
  tuple: SocketTuple | undefined;
  tls = false;
  lastSeenNs = 0n;
  /** The local process at the other end, when the kernel saw both ends (OpenEvent.peer). */
  peer: { pid: number; comm: string } | undefined;
  /** Not HTTP (or encrypted without plaintext): ignored from now on. */
  ignored = false;
  /** Framing broke (a desync was reported): exchanges already framed still pair, nothing new is derived. */
  desynced = false;
  /** The sensor's own endpoint (pipeline.ts isOwnTraffic): nothing of it is ever reported. */
  own = false;
  /** The sampler's last decision input on this connection (pipeline.ts sampled): its endpoint, Host and slot in one window. */
  sampling: { window: number; tuple: SocketTuple | undefined; head: RequestHead; method: string; target: string; endpoint: string; host: string | undefined; slot: EndpointSlot | undefined } | undefined;
  private requestParser: HttpStreamParser | undefined;
  /** Set when the first bytes were HTTP/2's connection preface (h2 over TLS or h2c with prior knowledge). */
  private h2: Http2Session | undefined;
  private responseParser: HttpStreamParser | undefined;
  private readonly methods: string[] = [];
  private readonly requests: ParsedMessage[] = [];
  private readonly responses: ParsedMessage[] = [];

  constructor(
    readonly id: string,
    readonly pid: number,
    public comm: string,
    private readonly hooks: ConnectionHooks,
  ) {}

  data(event: DataEvent): void {
    this.lastSeenNs = event.timestampNs;
    if (this.ignored) return;
    if (event.tls) {
      this.tls = true;
    } else if (this.tls) {
      return; // ciphertext of a connection whose plaintext comes from the SSL uprobes
    }
    if (event.role && !this.role) this.role = event.role;
    if (event.tuple && !this.tuple) this.tuple = event.tuple;
    if (event.data.length === 0 && event.originalLength === 0) return;
    const outgoing = event.direction === 'write';
    if (!this.requestParser && !this.h2) {
      if (!this.start(event.data, outgoing, event.tls)) return;
    }
    if (this.h2) {
      const fromClient = (this.role === 'client') === outgoing;
      this.h2.feed(fromClient ? 'client' : 'server', event.data, event.timestampNs, Math.max(0, event.originalLength - event.data.length));
      return;
    }
    const isRequest = (this.role === 'client') === outgoing;
    const parser = isRequest ? this.requestParser : this.responseParser;
    parser?.feed(event.data, event.timestampNs, Math.max(0, event.originalLength - event.data.length));
  }

  /** Decide from the first bytes whether this is HTTP and which side we are on. */
  private start(first: Uint8Array, outgoing: boolean, tls: boolean): boolean {
    const head = Buffer.from(first.buffer, first.byteOffset, Math.min(first.length, 16)).toString('latin1');
    if (!tls && first[0] === 0x16 && first[1] === 0x03) {
      // A TLS handshake on the socket: the plaintext, if any, arrives through the uprobes.
      return false;
    }
    if (head.startsWith('PRI * HTTP/2')) {
      // The client's preface, whatever ALPN said: over TLS the uprobes hand us the plaintext.
      if (!this.role) this.role = outgoing ? 'client' : 'server';
      this.startHttp2();
      return true;
    }
    if (isServerSettings(first)) {
      // The server's SETTINGS written before it read the preface (Go, node): the server side.
      if (!this.role) this.role = outgoing ? 'server' : 'client';
      this.startHttp2();
      return true;
    }
    let requestOutgoing: boolean;
    if (METHOD_START.test(head)) requestOutgoing = outgoing;
    else if (head.startsWith('HTTP/1.')) requestOutgoing = !outgoing;
    else {
      this.ignored = true;
      return false;
    }
    const inferred = requestOutgoing ? 'client' : 'server';
    // The kernel's role wins when it had one; first bytes decide otherwise.
    if (!this.role) this.role = inferred;
    this.requestParser = new HttpStreamParser({
      kind: 'request',
      maxBody: this.hooks.maxBody,
      onMessage: (m) => {
        if (m.truncated) this.hooks.onTruncated();
        this.requests.push(m);
        this.pair();
      },
      onHead: (h) => this.methods.push((h as RequestHead).method),
      onError: (r) => this.hooks.onParseError(r),
      onDesync: (d) => this.desync('request', d),
    });
    this.responseParser = new HttpStreamParser({
      kind: 'response',
      maxBody: this.hooks.maxBody,
      requestMethod: (i) => this.methods[i - this.answeredOffset],
      onMessage: (m) => {
        if (m.head.kind === 'response' && m.head.status >= 100 && m.head.status < 200 && m.head.status !== 101) return; // interim
        // Answers to requests that were never framed (after a desync) have nothing to pair with.
        if (this.desynced && this.requests.length === 0) return;
        if (m.truncated) this.hooks.onTruncated();
        this.responses.push(m);
        this.pair();
      },
      onTunnel: (rest) => this.switched(rest),
      onError: (r) => this.hooks.onParseError(r),
      onDesync: (d) => this.desync('response', d),
    });
    return true;
  }

  private startHttp2(): void {
    this.h2 = new Http2Session({
      maxBody: this.hooks.maxBody,
      onExchange: (request, response) => this.hooks.onExchange(response ? { connection: this, request, response } : { connection: this, request }),
      onError: (r) => this.hooks.onParseError(r),
      onTruncated: () => this.hooks.onTruncated(),
    });
  }

  /**
   * After a 101: h2c (RFC 7540 §3.2) goes on as HTTP/2, with the upgrade request as stream 1 and
   * the bytes either side already sent past the switch as the session's first; any other protocol
   * is not followed.
   */
  private switched(rest: Uint8Array): void {
    const held = this.requestParser?.tunnel() ?? new Uint8Array(0);
    const request = this.upgradeToH2;
    if (!request) return;
    this.upgradeToH2 = undefined;
    this.startHttp2();
    this.h2?.upgraded(request);
    if (held.length > 0) this.h2?.feed('client', held, request.endNs, 0);
    if (rest.length > 0) this.h2?.feed('server', rest, request.endNs, 0);
  }

  /** The request whose 101 switches the connection to h2c, until the switch. */
  private upgradeToH2: ParsedMessage | undefined;

  /** Methods already answered are dropped from `methods`; indexes given by the parser are absolute. */
  private answeredOffset = 0;

  private desync(side: 'request' | 'response', d: Desync): void {
    if (this.desynced) return;
    this.desynced = true;
    // Responses without framing cannot be paired with anything: stop reading requests too.
    if (side === 'response') this.requestParser?.tunnel();
    this.hooks.onDesync(this, side, d);
  }

  private pair(): void {
    let resume = false;
    while (this.requests.length > 0 && this.responses.length > 0) {
      const request = this.requests.shift();
      const response = this.responses.shift();
      if (!request || !response) break;
      this.methods.shift();
      this.answeredOffset++;
      // An upgrade that was declined: the requests the client sent after it are HTTP again.
      if (request.head.kind === 'request' && asksUpgrade(request.head) && response.head.kind === 'response' && response.head.status !== 101) resume = true;
      if (request.head.kind === 'request' && response.head.kind === 'response' && upgradesToH2c(request.head, response.head)) {
        // Its answer comes as HTTP/2 on stream 1 (switched()): one exchange, not a 101 and another.
        this.upgradeToH2 = request;
        continue;
      }
      this.hooks.onExchange({ connection: this, request, response });
    }
    if (resume && this.requestParser?.paused) this.requestParser.resume();
  }

  close(ns: bigint): void {
    this.h2?.close(ns);
    this.requestParser?.end(ns);
    this.responseParser?.end(ns);
    for (const request of this.requests.splice(0)) this.hooks.onExchange({ connection: this, request });
    this.responses.length = 0;
  }
}

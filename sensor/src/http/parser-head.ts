// The head step of the HTTP/1.x stream parser: find a head's end, check and parse it
// (head-lines.ts) or reuse the parse of the last clean head when this one repeats it byte for
// byte (repeat-head.ts), frame its body (framing.ts), and enter the state that reads the body.
import { latin1 } from './bytes';
import { requestFraming, responseFraming, type Framing } from './framing';
import type { MessageHead } from './head';
import { isHeadFailure } from './head-lines';
import { BodySteps } from './parser-body';

// Local on purpose: a constant imported from another module is a property read per use under tsx.
const LF = 10;
const CR = 13;

export abstract class HeadSteps extends BodySteps {
  protected stepHead(buf: Uint8Array, pos: number, ns: bigint): number {
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
        this.desyncAt('head-too-large', `a message head over ${this.maxHeadBytes} bytes`, '', buf, pos);
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
      else this.desyncAt(parsed.rule, parsed.reason, text, buf, end);
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
      this.desyncAt(framing.rule, framing.reason, text, buf, end);
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
      this.desyncAt(framing.rule, framing.reason, r.text, buf, end);
      return end;
    }
    return this.begin(head, r.text, r.bareLf, framing, buf, end, ns);
  }

  /** A head framed: its body (if any) follows from `end`. */
  private begin(head: MessageHead, text: string, bareLf: boolean, framing: Framing, buf: Uint8Array, end: number, ns: bigint): number {
    this.startMessage(head, text, bareLf);
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
}

// The body states of the HTTP/1.x stream parser: a Content-Length body, and a chunked body's
// size lines, data, the CRLF after each chunk, and its trailer section (checked like a head).
// The chunk-line checks themselves are in framing.ts, the field-line checks in head-lines.ts.
import { latin1 } from './bytes';
import { readChunkSizeLine } from './framing';
import { ParserState } from './parser-state';

// Local on purpose: a constant imported from another module is a property read per use under tsx.
const LF = 10;
const CR = 13;

export abstract class BodySteps extends ParserState {
  protected stepBodyBytes(buf: Uint8Array, pos: number, ns: bigint, state: 'length' | 'chunk-data'): number {
    const n = Math.min(this.remaining, buf.length - pos);
    this.body.take(buf, pos, pos + n);
    this.remaining -= n;
    if (this.remaining === 0) {
      if (state === 'length') this.finish(true, ns);
      else this.state = 'chunk-crlf';
    }
    return pos + n;
  }

  protected stepChunkSize(buf: Uint8Array, pos: number): number {
    const line = readChunkSizeLine(buf, pos, this.bareLf);
    if (line === undefined) return -1;
    if (line.kind === 'error') {
      this.chunkDesync(line.reason, buf, pos);
      return line.next;
    }
    return this.chunkSize(line.size, line.next);
  }

  private chunkSize(size: number, next: number): number {
    if (size === 0) {
      this.state = 'trailers';
      this.scanner.reset(true, this.bareLf);
    } else {
      this.remaining = size;
      this.state = 'chunk-data';
    }
    return next;
  }

  protected stepChunkCrlf(buf: Uint8Array, pos: number): number {
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
    this.body.truncated = true;
    this.desyncAt('chunk-line', reason, this.headText, buf, pos);
  }

  /** The trailer section, as a whole once its blank line is in: checked like a head. */
  protected stepTrailers(buf: Uint8Array, pos: number, ns: bigint): number {
    const end = this.scanner.scan(buf, pos);
    if (end < 0) {
      if (buf.length - pos <= this.maxHeadBytes) return -1;
      this.desync('trailers', `a trailer section over ${this.maxHeadBytes} bytes`, this.headText);
      return buf.length;
    }
    const text = latin1(buf, pos, end);
    this.trailers = [];
    const problem = this.scanner.fieldsInto(text, this.trailers);
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
}

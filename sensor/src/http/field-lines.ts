// An HTTP/1.x head as the scanner found it: the start line read in place, the field lines kept as
// offsets into the head's text. Most exchanges are only counted (sampled out, or the sensor's own),
// never built into a transaction: framing, pairing and the sampler look up a few fields by name,
// and the HttpHeader objects are made only when a transaction asks for them all.
import type { HttpHeader } from '../../../core/src/protocol/transaction';
import { equalsLower, listsOption, type RequestHead, type ResponseHead } from './head';

const SP = 32;
const HTAB = 9;
const QUESTION = 63;

/** One bit per name length up to 30, one for all longer names. */
export function nameLengthBit(length: number): number {
  return length < 31 ? 1 << length : 1 << 31;
}

export class FieldLines {
  private built: HttpHeader[] | undefined;
  /** The bounds of the value `trim` read last. */
  private from = 0;
  private to = 0;

  /**
   * `marks` holds three offsets into `text` per field: name start, the colon, line end (before
   * CR); `lengths` has the `nameLengthBit` of every name's length.
   */
  constructor(
    readonly text: string,
    private readonly marks: readonly number[],
    private readonly lengths: number,
  ) {}

  /**
   * Every field, in order (built once, on first use). Frozen, fields and list: a head that repeats
   * byte for byte is shared by the messages it heads (repeat-head.ts), so its headers reach every
   * transaction built from them, and one that changed them in place would change the others.
   */
  headers(): HttpHeader[] {
    if (this.built) return this.built;
    const out: HttpHeader[] = [];
    for (let m = 0; m < this.marks.length; m += 3) out.push(Object.freeze({ name: this.text.slice(this.marks[m], this.marks[m + 1]), value: this.valueAt(m) }));
    this.built = Object.freeze(out) as HttpHeader[];
    return this.built;
  }

  /** Offset in `marks` of the first field named `lower` (lower case) at or after `from`, or -1. */
  private find(lower: string, from: number): number {
    if ((this.lengths & nameLengthBit(lower.length)) === 0) return -1;
    const { text, marks } = this;
    for (let m = from; m < marks.length; m += 3) if (equalsLower(text, marks[m] ?? 0, marks[m + 1] ?? 0, lower)) return m;
    return -1;
  }

  /** The value of the field at `m` without the whitespace around it, as llhttp trims it: its bounds in `from` and `to`. */
  private trim(m: number): void {
    const text = this.text;
    const name = this.marks[m] ?? 0;
    const colon = this.marks[m + 1] ?? 0;
    let from = colon + 1;
    let to = this.marks[m + 2] ?? 0;
    while (from < to && (text.charCodeAt(from) === SP || text.charCodeAt(from) === HTAB)) from++;
    // A trailing tab is kept in the framing fields, so that `Content-Length: 5\t` fails and
    // `Connection: keep-alive\t` does not count, as in llhttp.
    const n = colon - name;
    const framingField = n === 14 ? equalsLower(text, name, colon, 'content-length') : n === 17 ? equalsLower(text, name, colon, 'transfer-encoding') : n === 10 && equalsLower(text, name, colon, 'connection');
    while (to > from && (text.charCodeAt(to - 1) === SP || (text.charCodeAt(to - 1) === HTAB && !framingField))) to--;
    this.from = from;
    this.to = to;
  }

  private valueAt(m: number): string {
    this.trim(m);
    return this.text.slice(this.from, this.to);
  }

  count(lower: string): number {
    let n = 0;
    for (let m = this.find(lower, 0); m >= 0; m = this.find(lower, m + 3)) n++;
    return n;
  }

  /** The first value of `lower`. */
  value(lower: string): string | undefined {
    const m = this.find(lower, 0);
    return m < 0 ? undefined : this.valueAt(m);
  }

  /** Is the first value of `lower` exactly `expected` (undefined: is there no such field)? No string made. */
  valueIs(lower: string, expected: string | undefined): boolean {
    const m = this.find(lower, 0);
    if (m < 0 || expected === undefined) return m < 0 && expected === undefined;
    this.trim(m);
    return this.to - this.from === expected.length && this.text.startsWith(expected, this.from);
  }

  /** Every value of `lower`, in order. */
  values(lower: string): string[] {
    const out: string[] = [];
    for (let m = this.find(lower, 0); m >= 0; m = this.find(lower, m + 3)) out.push(this.valueAt(m));
    return out;
  }

  /** Does a `lower` field (e.g. Connection) list `option` (lower case) among its comma-separated elements? */
  listsOption(lower: string, option: string): boolean {
    for (let m = this.find(lower, 0); m >= 0; m = this.find(lower, m + 3)) {
      this.trim(m);
      if (listsOption(this.text, this.from, this.to, option)) return true;
    }
    return false;
  }
}

/** An HTTP/1.x request head whose fields stay in its text until `headers` is read. */
export class ScannedRequestHead implements RequestHead {
  readonly kind = 'request';

  constructor(
    readonly method: string,
    readonly target: string,
    readonly version: '1.0' | '1.1',
    readonly fields: FieldLines,
    /** Where the target starts in the head's text. */
    private readonly targetStart: number,
  ) {}

  get headers(): HttpHeader[] {
    return this.fields.headers();
  }

  /** `METHOD path` (the target without its query), the sampler's key: one slice of the start line when one space separates them. */
  endpoint(): string {
    const q = this.target.indexOf('?');
    const pathLength = q < 0 ? this.target.length : q;
    if (this.targetStart === this.method.length + 1) return this.fields.text.slice(0, this.targetStart + pathLength);
    return `${this.method} ${this.target.slice(0, pathLength)}`;
  }

  /** Is `endpoint()` exactly `endpoint` (one made from an earlier head)? No string made when one space separates method and target. */
  hasEndpoint(endpoint: string): boolean {
    if (this.targetStart !== this.method.length + 1) return this.endpoint() === endpoint;
    const text = this.fields.text;
    const e = endpoint.length;
    // `endpoint` holds no '?' past the method (it ends where the path does): the path here ends at e too.
    if (e <= this.targetStart || e > this.targetStart + this.target.length || !text.startsWith(endpoint)) return false;
    const c = text.charCodeAt(e);
    return e === this.targetStart + this.target.length || c === QUESTION;
  }
}

/** An HTTP/1.x response head whose fields stay in its text until `headers` is read. */
export class ScannedResponseHead implements ResponseHead {
  readonly kind = 'response';

  constructor(
    readonly status: number,
    readonly reason: string,
    readonly version: '1.0' | '1.1',
    readonly fields: FieldLines,
  ) {}

  get headers(): HttpHeader[] {
    return this.fields.headers();
  }
}

// An HTTP/1.x head as the scanner found it: the start line read in place, the field lines kept as
// offsets into the head's text. Most exchanges are only counted (sampled out, or the sensor's own),
// never built into a transaction: framing, pairing and the sampler look up a few fields by name,
// and the HttpHeader objects are made only when a transaction asks for them all.
import type { HttpHeader } from '../../../core/src/protocol/transaction';
import { equalsLower, listsOption, type RequestHead, type ResponseHead } from './head';

export class FieldLines {
  private built: HttpHeader[] | undefined;

  /**
   * `marks` holds four offsets into `text` per field: name start, the colon, value start, value
   * end (the value trimmed as the scanner trims it).
   */
  constructor(
    readonly text: string,
    private readonly marks: readonly number[],
  ) {}

  /** Every field, in order (built once, on first use). */
  headers(): HttpHeader[] {
    if (this.built) return this.built;
    const out: HttpHeader[] = [];
    const { text, marks } = this;
    for (let m = 0; m < marks.length; m += 4) out.push({ name: text.slice(marks[m], marks[m + 1]), value: text.slice(marks[m + 2], marks[m + 3]) });
    this.built = out;
    return out;
  }

  /** Offset in `marks` of the first field named `lower` (lower case) at or after `from`, or -1. */
  private find(lower: string, from: number): number {
    const { text, marks } = this;
    for (let m = from; m < marks.length; m += 4) if (equalsLower(text, marks[m] ?? 0, marks[m + 1] ?? 0, lower)) return m;
    return -1;
  }

  count(lower: string): number {
    let n = 0;
    for (let m = this.find(lower, 0); m >= 0; m = this.find(lower, m + 4)) n++;
    return n;
  }

  /** The first value of `lower`. */
  value(lower: string): string | undefined {
    const m = this.find(lower, 0);
    return m < 0 ? undefined : this.text.slice(this.marks[m + 2], this.marks[m + 3]);
  }

  /** Every value of `lower`, in order. */
  values(lower: string): string[] {
    const out: string[] = [];
    for (let m = this.find(lower, 0); m >= 0; m = this.find(lower, m + 4)) out.push(this.text.slice(this.marks[m + 2], this.marks[m + 3]));
    return out;
  }

  /** Does a `lower` field (e.g. Connection) list `option` (lower case) among its comma-separated elements? */
  listsOption(lower: string, option: string): boolean {
    for (let m = this.find(lower, 0); m >= 0; m = this.find(lower, m + 4)) if (listsOption(this.text, this.marks[m + 2] ?? 0, this.marks[m + 3] ?? 0, option)) return true;
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
  ) {}

  get headers(): HttpHeader[] {
    return this.fields.headers();
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

// The entries of a HAR file, one at a time, from its bytes in chunks of any size.
//
// A byte scan finds where each value of `log.entries` begins and ends — strings are skipped with
// a native search for their closing quote, so a body of megabytes costs a few calls, not a loop
// over its bytes — and each entry's bytes go to JSON.parse on their own. The JSON around the
// entries (`{"log":{"version":…,"creator":…,"entries":[…]}}`) is checked by the scan itself, and
// every other value in it is parsed too, so a truncated or malformed file is an error that says
// where. An entry that is not valid JSON but whose brackets balance is reported and skipped; the
// entries after it are still read. Memory is one entry (plus `pages`, `creator` and the like,
// parsed whole: they are small).
//
// Hand-written rather than a streaming JSON library because the library's tokenizer looked at
// every byte in JavaScript: 2.1–2.4× the CPU of JSON.parse on the whole file
// (`bench/har-stream.ts`), where this scan is measured against the same baseline.

/** What the scanner hands on: each entry parsed (or why not), and the log's version. */
export interface HarEntriesHost {
  entry(value: unknown, index: number): void;
  badEntry(index: number, message: string): void;
  version(value: unknown): void;
}

/** An entry larger than this is skipped (and reported) rather than held in memory. */
export const MAX_ENTRY_BYTES = 256 * 1024 * 1024;

/** Keys of the JSON around the entries are short; a longer one is an error, not a buffer without end. */
const MAX_KEY_BYTES = 64 * 1024;
const BOM = [0xef, 0xbb, 0xbf];
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const enum State {
  Start, // before the top-level `{`
  Key, // expecting a key (or `}` where the object may end)
  InKey,
  Colon,
  Value,
  InValue,
  AfterValue, // expecting `,` or the container's end
  Element, // in `entries`: expecting an element (or `]` where the array may end)
  Done,
}

/** Nesting the scanner follows: 1 the top object, 2 `log`, 3 `log.entries`. */
type Level = 1 | 2 | 3;

export class HarEntryScanner {
  /** Entries found so far (valid or not). */
  entries = 0;
  /** A `log.entries` array was found. */
  sawEntries = false;
  private state = State.Start;
  private level: Level = 1;
  /** Whether the current object or array has had a member yet (`{}` and `[]` may end at once). */
  private empty = true;
  private offset = 0;
  private key = '';
  private keyBytes: Uint8Array[] = [];
  private keyLength = 0;
  // The value being captured: where it began in the current chunk, its bytes so far (earlier
  // chunks), nesting, string state.
  private captureStart = 0;
  private pieces: Uint8Array[] = [];
  private pieceBytes = 0;
  private depth = 0;
  private inString = false;
  /** Backslashes that ended the previous chunk inside a string (an odd count escapes the next byte). */
  private trailingBackslashes = 0;
  private scalar = false;
  private oversize = false;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  constructor(
    private readonly host: HarEntriesHost,
    private readonly maxEntryBytes = MAX_ENTRY_BYTES,
  ) {}

  write(chunk: Uint8Array): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case State.InValue:
          i = this.scanValue(chunk, i);
          continue;
        case State.InKey: {
          const q = this.closingQuote(chunk, i);
          if (q < 0) {
            this.keyBytes.push(chunk.slice(i));
            this.keyLength += n - i;
            if (this.keyLength > MAX_KEY_BYTES) throw new Error(`the HAR file is not valid JSON: a key longer than ${MAX_KEY_BYTES} bytes at byte ${this.offset + i}`);
            i = n;
            continue;
          }
          this.keyBytes.push(chunk.subarray(i, q));
          this.keyLength += q - i;
          this.key = this.parseKey();
          this.state = State.Colon;
          i = q + 1;
          continue;
        }
        default:
          i = this.structure(chunk, i);
      }
    }
    this.offset += n;
    // A value that goes on in the next chunk keeps what it has so far (a copy: the caller may
    // reuse the chunk).
    if (this.state === State.InValue && !this.oversize) this.keep(chunk.slice(this.captureStart));
    this.captureStart = 0;
  }

  /** Throws when the file ended before its JSON did. */
  end(): void {
    if (this.state !== State.Done) throw new Error(`the HAR file ended inside its JSON (after ${this.entries} entries)`);
  }

  /** One byte of the JSON around the entries. Returns the next index. */
  private structure(chunk: Uint8Array, i: number): number {
    const b = chunk[i]!;
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) return i + 1;
    switch (this.state) {
      case State.Start:
        // A UTF-8 byte order mark (its three bytes may come in separate chunks).
        if (this.offset + i < 3 && b === BOM[this.offset + i]) return i + 1;
        if (b !== 0x7b) this.fail(b, i, 'a JSON object');
        this.state = State.Key;
        this.empty = true;
        return i + 1;
      case State.Key:
        if (b === 0x7d && this.empty) return this.close(i);
        if (b !== QUOTE) this.fail(b, i, 'a key');
        this.keyBytes = [];
        this.keyLength = 0;
        this.trailingBackslashes = 0;
        this.state = State.InKey;
        return i + 1;
      case State.Colon:
        if (b !== 0x3a) this.fail(b, i, '":"');
        this.state = State.Value;
        return i + 1;
      case State.Value:
        if (this.level === 1 && this.key === 'log' && b === 0x7b) return this.enter(2, State.Key, i);
        if (this.level === 2 && this.key === 'entries' && b === 0x5b) {
          this.sawEntries = true;
          return this.enter(3, State.Element, i);
        }
        return this.startValue(chunk, i);
      case State.Element:
        if (b === 0x5d && this.empty) return this.close(i);
        return this.startValue(chunk, i);
      case State.AfterValue:
        if (b === 0x2c) {
          this.state = this.level === 3 ? State.Element : State.Key;
          this.empty = false;
          return i + 1;
        }
        if (b === (this.level === 3 ? 0x5d : 0x7d)) return this.close(i);
        return this.fail(b, i, this.level === 3 ? '"," or "]"' : '"," or "}"');
      case State.Done:
        return this.fail(b, i, 'the end of the file');
      default:
        return i + 1;
    }
  }

  private enter(level: Level, state: State, i: number): number {
    this.level = level;
    this.state = state;
    this.empty = true;
    return i + 1;
  }

  /** The current object or array ends at `i`. */
  private close(i: number): number {
    if (this.level === 1) {
      this.state = State.Done;
    } else {
      this.level = (this.level - 1) as Level;
      // `entries` and `log` are the values of their parent's key: what follows is `,` or its end.
      this.state = State.AfterValue;
    }
    return i + 1;
  }

  private startValue(chunk: Uint8Array, i: number): number {
    this.state = State.InValue;
    this.captureStart = i;
    this.pieces = [];
    this.pieceBytes = 0;
    this.oversize = false;
    this.depth = 0;
    this.inString = false;
    this.trailingBackslashes = 0;
    this.scalar = false;
    const b = chunk[i]!;
    if (b === QUOTE) {
      this.inString = true;
      return i + 1;
    }
    if (b === 0x7b || b === 0x5b) {
      this.depth = 1;
      return i + 1;
    }
    if (b === 0x7d || b === 0x5d || b === 0x2c || b === 0x3a) return this.fail(b, i, 'a value');
    this.scalar = true;
    return i;
  }

  /** Scans the value being captured from `i`; returns where the scan stopped. */
  private scanValue(chunk: Uint8Array, i: number): number {
    const n = chunk.length;
    while (i < n) {
      if (this.inString) {
        const q = this.closingQuote(chunk, i);
        if (q < 0) return n;
        this.inString = false;
        i = q + 1;
        if (this.depth === 0) return this.finishValue(chunk, i);
        continue;
      }
      const b = chunk[i]!;
      if (this.scalar) {
        if (b === 0x2c || b === 0x7d || b === 0x5d || b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) return this.finishValue(chunk, i);
        i++;
        continue;
      }
      if (b === QUOTE) this.inString = true;
      else if (b === 0x7b || b === 0x5b) this.depth++;
      else if ((b === 0x7d || b === 0x5d) && --this.depth === 0) return this.finishValue(chunk, i + 1);
      i++;
    }
    return n;
  }

  /**
   * The index of the quote that closes the string the scan is in, from `i`, or −1 when it is not
   * in this chunk (then the backslashes ending the chunk are remembered). A quote after an odd run
   * of backslashes is escaped.
   */
  private closingQuote(chunk: Uint8Array, i: number): number {
    const n = chunk.length;
    let from = i;
    for (;;) {
      const q = chunk.indexOf(QUOTE, from);
      if (q < 0) {
        let run = 0;
        while (run < n - i && chunk[n - 1 - run] === BACKSLASH) run++;
        this.trailingBackslashes = run === n - i ? this.trailingBackslashes + run : run;
        return -1;
      }
      let run = 0;
      while (q - 1 - run >= i && chunk[q - 1 - run] === BACKSLASH) run++;
      if (q - run === i) run += this.trailingBackslashes;
      this.trailingBackslashes = 0;
      if (run % 2 === 0) return q;
      from = q + 1;
    }
  }

  private keep(piece: Uint8Array): void {
    this.pieceBytes += piece.length;
    if (this.pieceBytes > this.maxEntryBytes) {
      this.oversize = true;
      this.pieces = [];
      return;
    }
    this.pieces.push(piece);
  }

  /** The value ended before index `end` of this chunk. */
  private finishValue(chunk: Uint8Array, end: number): number {
    const last = chunk.subarray(this.captureStart, end);
    this.state = State.AfterValue;
    const inEntries = this.level === 3;
    const where = inEntries ? `$.log.entries[${this.entries}]` : this.level === 2 ? `$.log.${this.key}` : `$.${this.key}`;
    if (inEntries) this.entries++;
    if (this.oversize || this.pieceBytes + last.length > this.maxEntryBytes) {
      this.pieces = [];
      if (!inEntries) throw new Error(`the HAR file's ${where} is larger than ${sizeText(this.maxEntryBytes)}`);
      this.host.badEntry(this.entries - 1, `larger than ${sizeText(this.maxEntryBytes)}: left out`);
      return end;
    }
    const text = this.pieces.length === 0 ? this.decoder.decode(last) : this.decoder.decode(concat(this.pieces, last, this.pieceBytes));
    this.pieces = [];
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (!inEntries) throw new Error(`the HAR file is not valid JSON at ${where}: ${message}`);
      this.host.badEntry(this.entries - 1, `not JSON: ${message}`);
      return end;
    }
    if (inEntries) this.host.entry(value, this.entries - 1);
    else if (this.level === 2 && this.key === 'version') this.host.version(value);
    return end;
  }

  private parseKey(): string {
    const bytes = this.keyBytes.length === 1 ? this.keyBytes[0]! : concat(this.keyBytes, new Uint8Array(0), this.keyLength);
    this.keyBytes = [];
    const raw = this.decoder.decode(bytes);
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch {
      throw new Error(`the HAR file is not valid JSON: a key that is not a JSON string ("${raw.slice(0, 40)}")`);
    }
  }

  private fail(byte: number, i: number, expected: string): never {
    const shown = byte >= 0x20 && byte < 0x7f ? `"${String.fromCharCode(byte)}"` : `byte 0x${byte.toString(16)}`;
    const inside = this.level === 3 ? ' in $.log.entries' : this.level === 2 ? ' in $.log' : '';
    throw new Error(`the HAR file is not valid JSON: ${shown} at byte ${this.offset + i}${inside}, where ${expected} was expected (after ${this.entries} entries)`);
  }
}

function concat(pieces: readonly Uint8Array[], last: Uint8Array, before: number): Uint8Array {
  const out = new Uint8Array(before + last.length);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  out.set(last, at);
  return out;
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MiB` : `${bytes} bytes`;
}

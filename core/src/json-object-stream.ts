// A stream of JSON objects back to back — the Kubernetes API's watch answers (one event per line)
// and `kubectl get -o json --watch` (pretty-printed, one object after another) — split into its
// objects as chunks arrive. The scan is incremental: each character is looked at once, however
// the chunks fall. Text between objects is skipped; an object that does not parse is dropped; one
// longer than the limit throws (the caller restarts its stream).

export class JsonObjectStream {
  private buffer = '';
  /** Where the scan stopped in `buffer`. */
  private at = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Index in `buffer` of the current object's `{`, or -1 between objects. */
  private start = -1;

  constructor(private readonly maxObjectChars = 16 * 1024 * 1024) {}

  /** Feeds a chunk; returns the objects it completed, in order. */
  push(chunk: string): unknown[] {
    this.buffer += chunk;
    const out: unknown[] = [];
    for (; this.at < this.buffer.length; this.at++) {
      const ch = this.buffer[this.at];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (ch === '\\') this.escaped = true;
        else if (ch === '"') this.inString = false;
        continue;
      }
      if (this.start < 0) {
        if (ch === '{') {
          this.start = this.at;
          this.depth = 1;
        }
        continue;
      }
      if (ch === '"') this.inString = true;
      else if (ch === '{') this.depth++;
      else if (ch === '}' && --this.depth === 0) {
        const text = this.buffer.slice(this.start, this.at + 1);
        this.start = -1;
        try {
          out.push(JSON.parse(text));
        } catch {
          // Not JSON after all: dropped, the next object starts after it.
        }
      }
    }
    this.compact();
    return out;
  }

  private compact(): void {
    // One object larger than any answer we accept: the stream cannot be trusted past it.
    if (this.start >= 0 && this.buffer.length - this.start > this.maxObjectChars) throw new Error(`a JSON object in the stream is longer than ${this.maxObjectChars} characters`);
    const keepFrom = this.start >= 0 ? this.start : this.buffer.length;
    this.buffer = this.buffer.slice(keepFrom);
    this.at -= keepFrom;
    if (this.start >= 0) this.start = 0;
  }
}

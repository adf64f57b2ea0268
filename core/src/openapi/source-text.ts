// Offsets ↔ line/character for one source text. Findings and diagnostics carry both: offsets for
// edits, zero-based line/character (LSP convention) for editors, CLI output and SARIF.

export interface TextPosition {
  line: number;
  character: number;
}

export interface TextRange {
  start: TextPosition;
  end: TextPosition;
}

/** A span of a source text as UTF-16 offsets, end exclusive. */
export interface OffsetRange {
  start: number;
  end: number;
}

export class LineIndex {
  private readonly starts: number[];

  constructor(text: string) {
    // indexOf is far faster than a per-character loop on multi-megabyte documents.
    const starts = [0];
    let at = text.indexOf('\n');
    while (at !== -1) {
      starts.push(at + 1);
      at = text.indexOf('\n', at + 1);
    }
    this.starts = starts;
  }

  positionAt(offset: number): TextPosition {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - (starts[lo] ?? 0) };
  }

  offsetAt(position: TextPosition): number {
    const start = this.starts[Math.min(position.line, this.starts.length - 1)] ?? 0;
    return start + position.character;
  }

  rangeOf(range: OffsetRange): TextRange {
    return { start: this.positionAt(range.start), end: this.positionAt(range.end) };
  }
}

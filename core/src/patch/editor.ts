// The edit primitives the fix planner needs, one implementation per format. Each returns the
// splices it makes (in the editor's text, non-overlapping); segments are decoded JSON pointer
// segments. Returning splices rather than new text keeps each edit as small as what it inserts.

export interface Splice {
  start: number;
  end: number;
  text: string;
}

export interface DocumentEditor {
  readonly text: string;
  /** Sets the value at segs, creating missing parent mappings. */
  setIn(segs: readonly string[], value: unknown): Splice[];
  /** Appends to the sequence at segs, creating it when missing. */
  append(segs: readonly string[], value: unknown): Splice[];
  /** Removes the first sequence item at segs for which `match` is true; removes the key when it was the only one. */
  removeItem(segs: readonly string[], match: (item: unknown) => boolean): Splice[];
  /** Removes the mapping entry at segs. */
  removeKey(segs: readonly string[]): Splice[];
  /** Replaces the entry `key` of the mapping at segs by `newKey: value`, in place. */
  replaceEntry(segs: readonly string[], key: string, newKey: string, value: unknown): Splice[];
  /** The plain value at segs, undefined when missing. */
  valueAt(segs: readonly string[]): unknown;
}

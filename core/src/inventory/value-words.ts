// Words a service uses as values of some parameter, and where else they appear as literals.
//
// A developer's traffic names the same few resources through many routes: `my-group-42` below
// `resourceGroups/` and again below `deployments/my-group-42/…`. Once a word is known as a value at
// one position (it was folded into a parameter there), its literal occurrences under other parents
// are evidence that those positions hold values too. The trie asks for them to be judged again
// (structure-evidence.ts weighs the share of siblings known as values); nothing is folded here.
//
// Only words that could not be vocabulary count: not ids (those are values on sight anyway), not
// words shaped like API vocabulary, not words real descriptions use as literals (`default`, `me`).

import { isValueSegment } from './segment-kind';
import { isKnownPathWord, isVocabulary, valueShape } from './structure-evidence';

/** Value words remembered per service (memory bound); past it, new ones are not learned. */
const MAX_WORDS = 10_000;
/** Segments remembered as not name-like (a cache; cleared when full). */
const MAX_REJECTED = 4096;
/** Parents remembered per word (each judged again when the word becomes a value). */
const MAX_HOLDERS = 64;
/** Words whose holders are judged again per observed path; the rest wait for the next one. */
const PER_OBSERVE = 256;

export class ValueWords<Holder> {
  private readonly words = new Set<string>();
  /** Positions holding a word as a literal child. Entries may be stale: the caller checks. */
  private readonly holders = new Map<string, Holder[]>();
  private readonly rejected = new Set<string>();
  private pending: string[] = [];
  /** New holders of words already known as values, and those words. */
  private newHolders: Holder[] = [];
  private newHolderWords: string[] = [];

  /** For judgements: whether a sibling's segment is a value elsewhere in the service. */
  readonly has = (segment: string): boolean => this.words.has(segment);

  /** `holder` got `segment` as a new literal child. */
  noteLiteral(segment: string, holder: Holder): void {
    // Already a value elsewhere: the new holder is judged with that evidence (a new position's
    // ancestors are judged anyway, but not the new positions below it).
    if (this.words.has(segment)) {
      this.newHolders.push(holder);
      this.newHolderWords.push(segment);
    }
    const list = this.holders.get(segment);
    if (list === undefined) this.holders.set(segment, [holder]);
    else if (list.length < MAX_HOLDERS) list.push(holder);
  }

  /** `segment` was templated as a value of a parameter (position `index`, after `previous`). */
  markValue(segment: string, index = 1, previous?: string): void {
    if (segment.length < 3 || startsWithDigit(segment) || this.words.has(segment) || this.words.size >= MAX_WORDS || this.rejected.has(segment)) return;
    if (!couldBeNamed(segment, index, previous)) {
      // Ids arrive at a parameter position again and again: judged once.
      if (this.rejected.size >= MAX_REJECTED) this.rejected.clear();
      this.rejected.add(segment);
      return;
    }
    this.words.add(segment);
    this.pending.push(segment);
  }

  /** Calls `judge` for the holders of words that became values since the last call. */
  drain(judge: (holder: Holder, segment: string) => void): void {
    if (this.newHolders.length > 0) {
      const holders = this.newHolders;
      const words = this.newHolderWords;
      this.newHolders = [];
      this.newHolderWords = [];
      for (let i = 0; i < holders.length; i++) judge(holders[i]!, words[i]!);
    }
    if (this.pending.length === 0) return;
    const now = this.pending.length > PER_OBSERVE ? this.pending.splice(0, PER_OBSERVE) : this.pending;
    if (now === this.pending) this.pending = [];
    for (const segment of now) for (const holder of this.holders.get(segment) ?? []) judge(holder, segment);
  }
}

function startsWithDigit(segment: string): boolean {
  const c = segment.charCodeAt(0);
  return c >= 48 && c <= 57;
}

/** A word a person could have chosen as a name: not an id, not API vocabulary, not a known path word. */
function couldBeNamed(segment: string, index: number, previous: string | undefined): boolean {
  // Cheapest first: the shape and vocabulary tests are cached, the classifier's regexes are not.
  return valueShape(segment) >= 0 && !isVocabulary(segment) && !isKnownPathWord(segment) && !isValueSegment(segment, index, previous);
}

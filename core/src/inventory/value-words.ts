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
/** Distinct literal words whose positions are remembered (memory bound, merged positions included). */
const MAX_HELD_WORDS = 50_000;
/** Parents remembered per word (each judged again when the word becomes a value). */
const MAX_HOLDERS = 64;
/** Positions waiting to be judged again, at most. */
const MAX_QUEUE = 20_000;
/** Positions judged again per observed path; the rest wait for the next one. */
const JUDGE_BUDGET = 128;

export class ValueWords<Holder> {
  private readonly words = new Set<string>();
  /** Positions holding a word as a literal child. Entries may be stale: the caller checks. */
  private readonly holders = new Map<string, Holder[]>();
  private readonly rejected = new Set<string>();
  /** Positions to judge again, and the word that sends them (parallel arrays, a queue from `next`). */
  private queue: Holder[] = [];
  private queueWords: string[] = [];
  private next = 0;

  /** For judgements: whether a sibling's segment is a value elsewhere in the service. */
  readonly has = (segment: string): boolean => this.words.has(segment);

  /** `holder` got `segment` as a new literal child. */
  noteLiteral(segment: string, holder: Holder): void {
    // Already a value elsewhere: the new holder is judged with that evidence (a new position's
    // ancestors are judged anyway, but not the new positions below it).
    if (this.words.has(segment)) this.enqueue(holder, segment);
    const list = this.holders.get(segment);
    if (list === undefined) {
      // Entries outlive merged positions (stale, checked on use): bounded, not pruned.
      if (this.holders.size < MAX_HELD_WORDS) this.holders.set(segment, [holder]);
    } else if (list.length < MAX_HOLDERS) list.push(holder);
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
    for (const holder of this.holders.get(segment) ?? []) this.enqueue(holder, segment);
  }

  /**
   * Calls `judge` for positions holding words that became values, at most JUDGE_BUDGET per call
   * (a merge can make a thousand words values at once); the rest wait for the next observed path.
   */
  drain(judge: (holder: Holder, segment: string) => void): void {
    const end = Math.min(this.queue.length, this.next + JUDGE_BUDGET);
    while (this.next < end) {
      const i = this.next++;
      judge(this.queue[i]!, this.queueWords[i]!);
    }
    if (this.next === this.queue.length) {
      this.queue = [];
      this.queueWords = [];
      this.next = 0;
    }
  }

  private enqueue(holder: Holder, segment: string): void {
    // Hostile traffic could queue faster than it drains: past the bound, evidence is dropped.
    if (this.queue.length - this.next >= MAX_QUEUE) return;
    this.queue.push(holder);
    this.queueWords.push(segment);
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

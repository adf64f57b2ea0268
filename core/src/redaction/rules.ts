// The built-in redaction rules: which header and parameter names hold secrets, and which
// patterns in free text are secrets or personal data. Pure functions, no I/O.
import type { RedactionKind } from '../protocol/transaction';
import { credentialRules } from './detectors';
import { namedPhoneRule, namedSecretRule } from './named-secrets';

export type BuiltInRuleId =
  | 'authorization'
  | 'cookie'
  | 'set-cookie'
  | 'api-key-header'
  | 'api-key-query'
  | 'secret-body-field'
  | 'jwt'
  | 'email'
  | 'card-number'
  | 'national-id'
  | 'private-key'
  | 'aws-access-key-id'
  | 'gcp-api-key'
  | 'gcp-oauth-token'
  | 'azure-storage-key'
  | 'azure-client-secret'
  | 'github-token'
  | 'gitlab-token'
  | 'slack-token'
  | 'slack-webhook'
  | 'stripe-key'
  | 'iban'
  | 'phone'
  | 'generic-secret';

export const BUILT_IN_RULES: readonly BuiltInRuleId[] = [
  'authorization', 'cookie', 'set-cookie', 'api-key-header', 'api-key-query', 'secret-body-field', 'jwt', 'email', 'card-number', 'national-id',
  'private-key', 'aws-access-key-id', 'gcp-api-key', 'gcp-oauth-token', 'azure-storage-key', 'azure-client-secret', 'github-token', 'gitlab-token',
  'slack-token', 'slack-webhook', 'stripe-key', 'iban', 'phone', 'generic-secret',
];

export function marker(kind: RedactionKind): string {
  return `[REDACTED:${kind}]`;
}

/** Header names that carry credentials whole (the scheme word of Authorization is kept). */
export const AUTHORIZATION_HEADERS = new Set(['authorization', 'proxy-authorization']);

/** Header names that look like they hold API keys or tokens. */
export const API_KEY_HEADER = /(?:^|[-_])(?:api[-_]?key|apikey|api[-_]?token|auth[-_]?token|access[-_]?token|refresh[-_]?token|id[-_]?token|session[-_]?token|csrf[-_]?token|xsrf[-_]?token|private[-_]?token|security[-_]?token|secret|client[-_]?secret|password|passwd|signature|credentials?)$|^x-(?:api|auth|access|amz-security|goog-api|functions)[-_]?(?:key|token)$|^token$/i;

/** Query (and form) parameter names that look like they hold secrets. */
export const SECRET_PARAM = /^(?:api[-_]?key|apikey|token|access[-_]?token|refresh[-_]?token|id[-_]?token|auth|auth[-_]?token|secret|client[-_]?secret|password|passwd|pwd|sig|signature|x-amz-signature|x-amz-security-token|x-amz-credential|session[-_]?id|sessionid|private[-_]?token)$/i;

/** JSON body field names whose values are secrets, whatever they look like. */
const SECRET_FIELD_NAMES = 'password|passwd|pwd|secret|client[-_]?secret|api[-_]?key|apikey|access[-_]?token|refresh[-_]?token|id[-_]?token|token|private[-_]?key|authorization|session[-_]?token|otp|pin|cvv|cvc';
export const SECRET_FIELD = new RegExp(`^(?:${SECRET_FIELD_NAMES})$`, 'i');
/** One scan of a JSON text: does any built-in secret field name appear as a key? */
export const SECRET_FIELD_KEY = new RegExp(`"(?:${SECRET_FIELD_NAMES})"\\s*:`, 'i');

/**
 * Headers whose values are protocol metadata, never personal data or secrets: the free-text
 * patterns are not run on them (they are most of every message's headers).
 */
export const PLAIN_HEADERS = new Set([
  'accept', 'accept-encoding', 'accept-language', 'accept-ranges', 'age', 'cache-control', 'connection', 'content-encoding',
  'content-language', 'content-length', 'content-type', 'date', 'etag', 'expect', 'expires', 'host', 'if-modified-since',
  'if-none-match', 'keep-alive', 'last-modified', 'pragma', 'server', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'user-agent', 'vary', 'via', 'sec-fetch-dest', 'sec-fetch-mode', 'sec-fetch-site', 'sec-ch-ua', 'sec-ch-ua-mobile', 'sec-ch-ua-platform',
]);

export interface TextRule {
  id: string;
  kind: RedactionKind;
  /** Must be global (`g`). */
  pattern: RegExp;
  /** A further check of a match (e.g. Luhn), when the pattern alone would over-match. */
  accept?: (match: string) => boolean;
  /**
   * For patterns that capture context around the secret: the kept text either side of the marker
   * (undefined: not a secret after all). Without it the whole match is replaced.
   */
  replace?: (groups: readonly string[]) => { before: string; after: string } | undefined;
  /** A cheap necessary condition: when false the pattern cannot match and is not run. `digits`: how many ASCII digits the text holds. */
  quick?: (text: string, digits: number) => boolean;
  /**
   * A necessary condition as a (non-global) pattern: the rule runs only where it matches. The hints
   * of all rules are first tried as one pattern, so a text that none can match costs one scan.
   */
  hint?: RegExp;
}

export function digitCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

// Issuer prefixes of the card networks (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay,
// Maestro, Mir): a millisecond timestamp or an order number passing Luhn by chance starts otherwise.
const CARD_PREFIX = /^(?:4|5[1-5]|222[1-9]|22[3-9]|2[3-6]|27[01]|2720|3[47]|6011|64[4-9]|65|35(?:2[89]|[3-8])|30[0-5]|3[689]|62|5[06-9]|6[0-9]|220[0-4])/;

function cardLike(match: string): boolean {
  const digits = match.replace(/[ -]/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  if (/^(\d)\1+$/.test(digits)) return false; // 0000… passes Luhn but is nobody's card
  return CARD_PREFIX.test(digits) && luhnValid(digits);
}

/** Built-in free-text rules, in the order they run (JWT before e-mail: a JWT never contains '@', but order keeps counts stable). */
export function builtInTextRules(): TextRule[] {
  const [privateKey, ...credentials] = credentialRules();
  const personal = credentials.filter((r) => r.kind === 'iban' || r.kind === 'phone');
  return [
    // PEM blocks first: their base64 must not be cut into pieces by the rules after.
    ...(privateKey ? [privateKey] : []),
    ...credentials.filter((r) => !personal.includes(r)),
    { id: 'jwt', kind: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, hint: /eyJ/ },
    { id: 'email', kind: 'email', pattern: /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}\b/g, hint: /@/ },
    { id: 'card-number', kind: 'card-number', pattern: /(?<![\d.])\d(?:[ -]?\d){12,18}(?![\d.])/g, accept: cardLike, quick: (_t, digits) => digits >= 13 },
    // US Social Security numbers in their usual written form, excluding never-issued ranges.
    { id: 'national-id', kind: 'national-id', pattern: /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b/g, quick: (t, digits) => digits >= 9 && t.includes('-') },
    ...personal,
    namedPhoneRule(),
    namedSecretRule(),
  ];
}

export interface TextResult {
  text: string;
  /** Per rule kind, how many values were replaced (empty when none). */
  counts: ReadonlyMap<RedactionKind, number>;
}

const NO_COUNTS: ReadonlyMap<RedactionKind, number> = new Map();

/** Per rule list, its hints as one pattern (case-insensitive when any is: a looser test, still necessary). */
const anyHints = new WeakMap<readonly TextRule[], { rules: number; pattern: RegExp | undefined }>();

function anyHint(rules: readonly TextRule[]): RegExp | undefined {
  const known = anyHints.get(rules);
  if (known && known.rules === rules.length) return known.pattern;
  const hints = rules.flatMap((r) => (r.hint ? [r.hint] : []));
  const pattern = hints.length === 0 ? undefined : new RegExp(hints.map((h) => `(?:${h.source})`).join('|'), hints.some((h) => h.ignoreCase) ? 'i' : '');
  anyHints.set(rules, { rules: rules.length, pattern });
  return pattern;
}

export function redactText(text: string, rules: readonly TextRule[]): TextResult {
  let counts: Map<RedactionKind, number> | undefined;
  let out = text;
  // Replacements only remove digits: the count of the original text stays a valid upper bound.
  const digits = digitCount(text);
  // While nothing is replaced the text is the original: where no hint matches it, no hinted rule runs.
  const hinted = anyHint(rules)?.test(text) ?? false;
  for (const rule of rules) {
    if (rule.hint && ((counts === undefined && !hinted) || !rule.hint.test(out))) continue;
    if (rule.quick && !rule.quick(out, digits)) continue;
    rule.pattern.lastIndex = 0;
    out = out.replace(rule.pattern, (m: string, ...rest: unknown[]) => {
      if (m.startsWith('[REDACTED:')) return m;
      if (rule.accept && !rule.accept(m)) return m;
      let replaced = marker(rule.kind);
      if (rule.replace) {
        // The callback gets the groups, then the offset (the first number).
        const end = rest.findIndex((g) => typeof g === 'number');
        const groups = rest.slice(0, end < 0 ? 0 : end).map((g) => (typeof g === 'string' ? g : ''));
        const parts = rule.replace(groups);
        if (!parts || parts.after.startsWith('[REDACTED:')) return m;
        replaced = `${parts.before}${replaced}${parts.after}`;
      }
      counts ??= new Map();
      counts.set(rule.kind, (counts.get(rule.kind) ?? 0) + 1);
      return replaced;
    });
  }
  return { text: out, counts: counts ?? NO_COUNTS };
}

// Secrets known by their name rather than their shape: a random-looking value under a name that
// says "secret" (`webhook_signing_secret`, `SecretAccessKey`, `X-Service-Token`). The name is
// split into words, so `author` is not `auth`, and a last word that describes the secret
// (`token_type`, `password_min_length`, `token_expires_at`) marks metadata, not the secret.
import type { TextRule } from './rules';

/** A cheap necessary condition for a secret-like name (and for a `name=value` in text). */
export const NAMED_HINT = /secret|token|passw|pwd|passphrase|credential|signature|sig|auth|key|sess|sid|jwt|bearer|csrf|xsrf/i;

const SECRET_WORDS = new Set([
  'secret', 'secrets', 'token', 'tokens', 'password', 'passwd', 'pwd', 'passphrase', 'credential', 'credentials',
  'signature', 'sig', 'auth', 'apikey', 'sessionid', 'sid', 'session', 'sess', 'jwt', 'bearer', 'csrf', 'xsrf',
]);
/** Two-word names where each word alone is harmless (`key`, `access`). */
const SECRET_PAIRS = new Set(['api key', 'access key', 'private key', 'signing key', 'secret key', 'account key', 'encryption key', 'master key', 'client secret', 'shared key', 'license key']);
/** A last word saying the value describes a secret instead of being one. */
const METADATA_WORDS = new Set([
  'type', 'types', 'length', 'len', 'min', 'max', 'count', 'expires', 'expiry', 'expiration', 'at', 'in', 'url', 'uri', 'endpoint',
  'method', 'methods', 'name', 'enabled', 'required', 'hint', 'format', 'policy', 'ttl', 'lifetime', 'scope', 'scopes', 'header',
  'algorithm', 'alg', 'version', 'status', 'reset', 'changed', 'updated', 'created', 'strength', 'rules', 'last4', 'prefix', 'fingerprint',
]);

export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

// Names repeat (the same headers, fields and parameters on every exchange): judged once each.
const judged = new Map<string, boolean>();

/** True for names that hold secrets when their value looks random. */
export function secretLikeName(name: string): boolean {
  if (!NAMED_HINT.test(name)) return false;
  const known = judged.get(name);
  if (known !== undefined) return known;
  const verdict = judgeName(name);
  if (judged.size >= 4096) judged.clear();
  judged.set(name, verdict);
  return verdict;
}

function judgeName(name: string): boolean {
  const words = nameWords(name);
  if (words.length === 0 || words.length > 8) return false;
  const last = words[words.length - 1] ?? '';
  if (METADATA_WORDS.has(last) || words.includes('public')) return false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    if (SECRET_WORDS.has(w)) return true;
    if (i > 0 && SECRET_PAIRS.has(`${words[i - 1] ?? ''} ${w}`)) return true;
  }
  return false;
}

const PHONE_WORDS = new Set(['phone', 'mobile', 'msisdn', 'tel', 'telephone', 'fax', 'cell']);

const PHONE_HINT = /phone|mobile|msisdn|tel|fax|cell/i;

export function phoneLikeName(name: string): boolean {
  if (!PHONE_HINT.test(name)) return false;
  const words = nameWords(name);
  const last = words[words.length - 1] ?? '';
  return words.some((w) => PHONE_WORDS.has(w)) && !METADATA_WORDS.has(last) && last !== 'verified';
}

/** Shannon entropy in bits per character. */
function entropy(s: string): number {
  const freq = new Map<string, number>();
  for (const ch of s) freq.set(ch, (freq.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of freq.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * A value that looks generated: at least 16 characters without spaces, with digits, mixing
 * character classes, and not a date. Words, numbers and timestamps under secret-like names stay.
 */
export function looksRandom(value: string): boolean {
  // What an earlier pass left (`…[REDACTED:jwt]`) is not randomness: a second pass changes nothing.
  const v = value.trim();
  if (v.includes('[REDACTED:')) return false;
  if (v.length < 16 || v.length > 8192 || /\s/.test(v)) return false;
  if (/^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) return false;
  // Generated secrets (hex, base64, passwords with rules) carry digits; identifiers made of words do not.
  if (/^\d+$/.test(v) || !/\d/.test(v)) return false;
  const classes = Number(/[a-z]/.test(v)) + Number(/[A-Z]/.test(v)) + Number(/\d/.test(v)) + Number(/[^A-Za-z0-9]/.test(v));
  if (classes < 2) return false;
  return entropy(v) >= 3.5;
}

/** A name (`something_secret=`, `"Token": "`) directly before a value, in free text. */
const NAMED_VALUE = /([A-Za-z][A-Za-z0-9_.-]{0,63})(["']?\s*[:=]\s*["']?)([A-Za-z0-9+/_.~=%-]{16,})/g;

/** Free-text rule: `name=value` / `name: value` / `"name": "value"` where the name says secret. */
export function namedSecretRule(): TextRule {
  return {
    id: 'generic-secret',
    kind: 'api-key',
    pattern: NAMED_VALUE,
    hint: NAMED_HINT,
    replace: (groups) => {
      const [name = '', sep = '', value = ''] = groups;
      if (!secretLikeName(name) || !looksRandom(value)) return undefined;
      return { before: `${name}${sep}`, after: '' };
    },
  };
}

const NAMED_PHONE_VALUE = /([A-Za-z][A-Za-z0-9_.-]{0,63})(["']?\s*[:=]\s*["']?)(\+?[\d(][\d ()./-]{5,22}\d)/g;

/** Free-text rule: `mobile=0170 1234567`, `"phone": "…"` — national numbers known by their name. */
export function namedPhoneRule(): TextRule {
  return {
    id: 'phone',
    kind: 'phone',
    pattern: NAMED_PHONE_VALUE,
    hint: PHONE_HINT,
    replace: (groups) => {
      const [name = '', sep = '', value = ''] = groups;
      return namedPhone(name, value) ? { before: `${name}${sep}`, after: '' } : undefined;
    },
  };
}

/** The same rule for a name and value already apart (headers, parameters, JSON fields, cookies). */
export function namedSecret(name: string, value: string): boolean {
  // `?key=…` is how Google and others pass API keys; as a config name it holds words, not randomness.
  return value.length >= 16 && (secretLikeName(name) || /^key$/i.test(name)) && looksRandom(value);
}

export function namedPhone(name: string, value: string): boolean {
  if (!phoneLikeName(name)) return false;
  let digits = 0;
  for (const ch of value) if (ch >= '0' && ch <= '9') digits++;
  return digits >= 7 && digits <= 15;
}

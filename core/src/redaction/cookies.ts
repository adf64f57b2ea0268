// Per-cookie redaction: a `Cookie` header carries a session id next to `theme=dark`; only the
// cookies that hold secrets (by name, by a random-looking value, or by a text rule) lose their
// value. Names always stay: a spec's apiKey-in-cookie and cookie parameters are matched by name.
import type { RedactionKind } from '../protocol/transaction';
import { looksRandom, namedPhone, secretLikeName } from './named-secrets';

/** Cookie names frameworks give sessions, written as one word (JSESSIONID, PHPSESSID, connect.sid). */
const SESSION_COOKIE = /sess(?:ion)?(?:id)?$|(?:^|[._-])sid$|^remember[_-]?(?:me|token|user)|^(?:_|__host-|__secure-)?(?:auth|login)$/i;

/**
 * Cookies holding secrets by their name. A cookie whose value looks generated is taken for a
 * session id whatever its name (see `redactPair`).
 */
export function secretCookieName(name: string): boolean {
  return SESSION_COOKIE.test(name) || secretLikeName(name);
}

export interface CookieRedaction {
  value: string;
  /** Kinds of the values replaced, one entry per cookie. */
  kinds: RedactionKind[];
}

function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * `pair` is one `name=value`; `textRule` runs the free-text rules on the decoded value and tells
 * whether they found something (and the kind).
 */
function redactPair(pair: string, kind: RedactionKind, mark: (k: RedactionKind) => string, textRule: (v: string) => RedactionKind | undefined): { text: string; kind?: RedactionKind } {
  const eq = pair.indexOf('=');
  if (eq < 0) return { text: pair };
  const name = pair.slice(0, eq).trim();
  const raw = pair.slice(eq + 1).trim();
  if (raw === '') return { text: pair };
  const value = decoded(raw.startsWith('"') && raw.endsWith('"') && raw.length > 1 ? raw.slice(1, -1) : raw);
  const found = secretCookieName(name) || looksRandom(value) ? kind : namedPhone(name, value) ? 'phone' : textRule(value);
  if (found === undefined) return { text: pair };
  return { text: `${name}=${mark(found)}`, kind: found };
}

/** A request's `Cookie: a=1; b=2`. */
export function redactCookieHeader(value: string, mark: (k: RedactionKind) => string, textRule: (v: string) => RedactionKind | undefined): CookieRedaction {
  const kinds: RedactionKind[] = [];
  const parts = value.split(';').map((p) => {
    const r = redactPair(p.trim(), 'cookie', mark, textRule);
    if (r.kind) kinds.push(r.kind);
    return r.text;
  });
  return { value: kinds.length === 0 ? value : parts.filter((p) => p !== '').join('; '), kinds };
}

/** A response's `Set-Cookie: name=value; Path=/; HttpOnly` (attributes are never secret). */
export function redactSetCookie(value: string, mark: (k: RedactionKind) => string, textRule: (v: string) => RedactionKind | undefined): CookieRedaction {
  const semi = value.indexOf(';');
  const first = semi < 0 ? value : value.slice(0, semi);
  const r = redactPair(first.trim(), 'set-cookie', mark, textRule);
  if (!r.kind) return { value, kinds: [] };
  return { value: semi < 0 ? r.text : `${r.text}${value.slice(semi)}`, kinds: [r.kind] };
}

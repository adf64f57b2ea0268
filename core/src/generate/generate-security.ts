// Security schemes from the credentials requests carried. Values are redacted by the sensor; the
// header or parameter name (and the scheme word it keeps, `Bearer [redacted]`) says which kind.
// Each operation gets the combinations it was called with, plus `{}` when it also answered with
// success to requests without any credentials (optional authentication, not a missing check).

import { credentialsOf } from '../diff/rules-security';
import { header, isSuccess } from '../diff/observation';
import type { Transaction } from '../protocol/transaction';

const API_KEY_HEADER = /^(?:x-)?(?:api[-_]?key|apikey|auth[-_]?token|access[-_]?token|api[-_]?token)$/i;
// What the diff counts as a credential in the query (rules-security's SECRET_QUERY) plus the inventory's own list.
const SECRET_QUERY = /^(api[_-]?key|apikey|access[_-]?token|auth[_-]?token|token|secret|client[_-]?secret|password|passwd|pwd|key|session[_-]?id|jwt)$/i;
const CREDENTIAL_REDACTIONS = new Set(['authorization', 'api-key', 'jwt']);

export interface SchemeUse {
  /** Stable key: `http:bearer`, `header:x-api-key`, `query:api_key`. */
  key: string;
  definition: Record<string, unknown>;
  /** Base for the component name. */
  name: string;
}

/** The schemes one request used; header/query names of api keys are reported as seen. */
export function schemesOf(tx: Transaction): SchemeUse[] {
  const out = new Map<string, SchemeUse>();
  const auth = header(tx.request.headers, 'authorization');
  if (auth !== undefined) {
    const word = /^\s*([A-Za-z][A-Za-z0-9-]*)\s/.exec(auth)?.[1]?.toLowerCase();
    if (word === 'bearer' || word === 'basic' || word === 'digest') {
      out.set(`http:${word}`, { key: `http:${word}`, name: `${word}Auth`, definition: { type: 'http', scheme: word, ...(word === 'bearer' ? { bearerFormat: 'JWT' } : {}) } });
    } else {
      // `token …`, a bare redaction marker, or a vendor scheme: describe it as an opaque header.
      out.set('header:authorization', { key: 'header:authorization', name: 'authorizationHeader', definition: { type: 'apiKey', in: 'header', name: 'Authorization' } });
    }
  }
  const addKey = (where: 'header' | 'query', name: string): void => {
    const key = `${where}:${where === 'header' ? name.toLowerCase() : name}`;
    if (key === 'header:authorization' || out.has(key)) return;
    out.set(key, { key, name: where === 'header' ? 'apiKeyHeader' : 'apiKeyQuery', definition: { type: 'apiKey', in: where, name } });
  };
  for (const h of tx.request.headers) if (API_KEY_HEADER.test(h.name)) addKey('header', h.name);
  for (const q of tx.request.queryParams) if (SECRET_QUERY.test(q.name)) addKey('query', q.name);
  for (const r of tx.redactions) {
    if (!CREDENTIAL_REDACTIONS.has(r.kind) || !r.name) continue;
    if (r.location === 'request.header' && r.name.toLowerCase() !== 'authorization' && r.name.toLowerCase() !== 'cookie') addKey('header', r.name);
    if (r.location === 'request.query') addKey('query', r.name);
  }
  return [...out.values()];
}

export interface SecurityPlan {
  /** Component name → definition, for `components.securitySchemes`. */
  schemes: Record<string, Record<string, unknown>>;
  /** Per endpoint (same order as given): the operation's `security`, or undefined for none. */
  requirements: (Record<string, string[]>[] | undefined)[];
  /** `in:name` of parameters that a scheme describes (not to be documented again as parameters). */
  schemeParameters: Set<string>;
}

export function planSecurity(endpoints: readonly (readonly Transaction[])[]): SecurityPlan {
  const uses = endpoints.map((txs) => txs.map(schemesOf));
  const byKey = new Map<string, SchemeUse>();
  for (const perEndpoint of uses) for (const perTx of perEndpoint) for (const u of perTx) if (!byKey.has(u.key)) byKey.set(u.key, u);
  // Names: the plain one when only one scheme wants it, else suffixed by the parameter name.
  const keys = [...byKey.keys()].sort();
  const wanted = new Map<string, number>();
  for (const k of keys) wanted.set(byKey.get(k)?.name ?? '', (wanted.get(byKey.get(k)?.name ?? '') ?? 0) + 1);
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const k of keys) {
    const u = byKey.get(k);
    if (!u) continue;
    let name = u.name;
    if ((wanted.get(u.name) ?? 0) > 1) name = `${u.name}_${String(u.definition.name ?? k).replace(/[^A-Za-z0-9._-]/g, '_')}`;
    while (taken.has(name)) name += '_';
    taken.add(name);
    names.set(k, name);
  }
  const schemes: Record<string, Record<string, unknown>> = {};
  const schemeParameters = new Set<string>();
  for (const k of keys) {
    const u = byKey.get(k);
    const name = names.get(k);
    if (!u || !name) continue;
    schemes[name] = u.definition;
    if (u.definition.type === 'apiKey') schemeParameters.add(`${String(u.definition.in)}:${String(u.definition.name).toLowerCase()}`);
  }
  const requirements = endpoints.map((txs, i) => {
    const combos = new Map<string, Record<string, string[]>>();
    let optional = false;
    txs.forEach((tx, j) => {
      const used = (uses[i]?.[j] ?? []).map((u) => names.get(u.key) ?? '').filter((n) => n !== '').sort();
      if (used.length > 0) {
        combos.set(used.join('+'), Object.fromEntries(used.map((n) => [n, []])));
        return;
      }
      // The diff's own reading decides whether a request counts as "without credentials".
      if (isSuccess(tx) && !credentialsOf(tx, []).any) optional = true;
    });
    if (combos.size === 0) return undefined;
    const list = [...combos.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([, r]) => r);
    return optional ? [...list, {}] : list;
  });
  return { schemes, requirements, schemeParameters };
}

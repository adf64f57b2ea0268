// auth-not-enforced, undocumented-auth, credentials-in-query, sensitive-data-exposed,
// error-details-leaked.

import { appendPointer } from '../openapi/json-pointer';
import type { OperationModel, SecurityRequirement, SecuritySchemeModel } from '../openapi/model';
import { isRecord } from '../openapi/refs';
import type { Transaction } from '../protocol/transaction';
import type { DiffContext, DraftFinding } from './context';
import type { FixData } from './finding';
import { bodyText, findStatus, header, isSuccess } from './observation';

const COMMON_KEY_HEADERS = ['x-api-key', 'api-key', 'x-auth-token', 'x-access-token', 'apikey'];
const SECRET_QUERY = /^(api[_-]?key|apikey|access[_-]?token|auth[_-]?token|token|secret|client[_-]?secret|password|passwd|pwd|key|session[_-]?id|jwt)$/i;
const SENSITIVE_KINDS = new Set(['email', 'card-number', 'national-id', 'credential', 'private-key', 'iban', 'phone', 'jwt', 'api-key', 'authorization', 'custom']);
const MARK_KEYS = ['x-sensitive', 'x-pii', 'x-sensitive-data', 'x-tapline-sensitive'];

const LEAK_PATTERNS: [string, RegExp][] = [
  ['stack trace (JavaScript)', /\n\s+at [\w$.<>[\] ]+ \(?[^\s()]+:\d+:\d+\)?/],
  ['stack trace (Java)', /\n\s*at [\w$.]+\([\w$]+\.(java|kt|scala):\d+\)/],
  ['traceback (Python)', /Traceback \(most recent call last\)|File "[^"]+", line \d+, in /],
  ['stack trace (Go)', /goroutine \d+ \[[\w ]+\]:|panic: .+\n/],
  ['stack trace (.NET)', /\bat [\w.`<>]+\([^)]*\) in [^\n]+:line \d+/],
  ['stack trace (Ruby)', /\.rb:\d+:in `/],
  ['stack trace (PHP)', /(Fatal error|Stack trace:)[\s\S]*#\d+ \//],
  ['exception text', /\b[A-Z][\w.]*(Exception|Error): [^\n]+\n\s+at /],
  ['SQL error', /SQLSTATE\[|syntax error at or near|ORA-\d{5}|You have an error in your SQL syntax/],
];

/** Which credentials a request carries; redacted values still count as present. */
export interface Credentials {
  authorization?: string;
  apiKeyHeaders: string[];
  queryKeys: string[];
  /** Authorization, API-key headers/query parameters or redacted credentials. */
  explicit: boolean;
  /** `explicit`, or a Cookie header (session auth). */
  any: boolean;
}

export function credentialsOf(tx: Transaction, schemes: Iterable<SecuritySchemeModel>): Credentials {
  const auth = header(tx.request.headers, 'authorization');
  const names = new Set(COMMON_KEY_HEADERS);
  for (const s of schemes) if (s.type === 'apiKey' && s.in === 'header' && s.paramName) names.add(s.paramName.toLowerCase());
  const apiKeyHeaders = tx.request.headers.map((h) => h.name.toLowerCase()).filter((n) => names.has(n));
  const queryKeys = tx.request.queryParams.map((q) => q.name).filter((n) => SECRET_QUERY.test(n));
  const redacted = tx.redactions.some((r) => r.location.startsWith('request.') && ['authorization', 'api-key', 'jwt'].includes(r.kind));
  const authorization = auth === undefined ? undefined : /^\s*(\w+)\s/.exec(auth)?.[1]?.toLowerCase() ?? 'unknown';
  const explicit = !!authorization || apiKeyHeaders.length > 0 || queryKeys.length > 0 || redacted;
  return { authorization, apiKeyHeaders, queryKeys, explicit, any: explicit || header(tx.request.headers, 'cookie') !== undefined };
}

export function securityRules(ctx: DiffContext, op: OperationModel | undefined, txs: readonly Transaction[], pathShown: string): void {
  const schemes = [...ctx.model.securitySchemes.values()];
  const method = op ? op.method.toUpperCase() : undefined;
  const opAt = op ? { uri: op.ref.uri, pointer: op.ref.pointer } : { uri: ctx.model.rootUri, pointer: '/paths' };
  const raw = op ? ctx.operationValue(op) : undefined;
  // Point at the `security` that applies: the operation's own, else the document's.
  const rootRaw = ctx.rootValue;
  const securityAt =
    op && isRecord(raw) && raw.security !== undefined
      ? { uri: op.ref.uri, pointer: appendPointer(op.ref.pointer, 'security') }
      : isRecord(rootRaw) && rootRaw.security !== undefined
        ? { uri: ctx.model.rootUri, pointer: '/security' }
        : opAt;
  const requiresAuth = !!op && op.security.length > 0 && !op.security.some((r) => Object.keys(r).length === 0);
  for (const tx of txs) {
    const base: Omit<DraftFinding, 'code' | 'detail' | 'message'> = {
      method: method ?? tx.request.method.toUpperCase(),
      path: pathShown,
      service: tx.service,
      operation: op,
      at: opAt,
      tx,
    };
    const label = op ? op.key : `${base.method} ${pathShown}`;
    const creds = credentialsOf(tx, schemes);
    if (op && requiresAuth && isSuccess(tx) && !creds.any) {
      ctx.emit({ ...base, code: 'auth-not-enforced', detail: '', at: securityAt, message: `${label} requires ${describe(op.security)} but answered ${tx.response?.status ?? ''} to requests without credentials` });
    }
    if (op && op.security.length === 0 && creds.explicit) {
      const fix = securityFix(ctx, opAt, creds, schemes);
      ctx.emit({ ...base, code: 'undocumented-auth', detail: '', message: `${label} receives credentials (${credsLabel(creds)}) but describes no security requirement`, fixes: fix ? [fix] : [] });
    }
    const queryCreds = new Set(creds.queryKeys);
    for (const r of tx.redactions) if (r.location === 'request.query' && r.name && r.kind !== 'email') queryCreds.add(r.name);
    for (const name of queryCreds) {
      const param = op?.parameters.find((p) => p.in === 'query' && p.name === name);
      ctx.emit({ ...base, code: 'credentials-in-query', detail: name, at: param?.ref ?? opAt, message: `${label} carries a credential in the query string ('${name}'), where it ends up in logs and browser history` });
    }
    const status = tx.response?.status ?? 0;
    const response = op && tx.response ? findStatus(op.responses, status) : undefined;
    const exposed = tx.response ? tx.redactions.filter((r) => r.location.startsWith('response.') && SENSITIVE_KINDS.has(r.kind)) : [];
    if (exposed.length > 0 && !marked(ctx, raw, response?.ref)) {
      for (const r of exposed) {
        ctx.emit({ ...base, code: 'sensitive-data-exposed', detail: `${r.kind}|${r.location}|${r.name ?? ''}`, at: response?.ref ?? opAt, message: `${label} returned ${r.kind} data in the ${r.location.replace('response.', 'response ')}${r.name ? ` (${r.name})` : ''}, which the description does not mark as sensitive` });
      }
    }
    if (status >= 500 && tx.response) {
      const text = bodyText(tx.response.body);
      const leak = LEAK_PATTERNS.find(([, re]) => re.test(text));
      if (leak) ctx.emit({ ...base, code: 'error-details-leaked', detail: leak[0], at: response?.ref ?? opAt, message: `${label} returned ${status} with a ${leak[0]} in the body` });
    }
  }
}

function marked(ctx: DiffContext, opRaw: unknown, responseRef: { uri: string; pointer: string } | undefined): boolean {
  const r = responseRef ? ctx.resolver.valueAt(responseRef.uri, responseRef.pointer) : undefined;
  return [opRaw, r].some((v) => isRecord(v) && MARK_KEYS.some((k) => v[k] !== undefined && v[k] !== false));
}

function describe(reqs: SecurityRequirement[]): string {
  return reqs.map((r) => Object.keys(r).join(' + ')).join(' or ');
}

function credsLabel(c: Credentials): string {
  const parts: string[] = [];
  if (c.authorization) parts.push(`Authorization: ${c.authorization}`);
  parts.push(...c.apiKeyHeaders, ...c.queryKeys.map((q) => `?${q}`));
  return parts.join(', ') || 'cookie';
}

function securityFix(ctx: DiffContext, operation: { uri: string; pointer: string }, c: Credentials, schemes: SecuritySchemeModel[]): FixData | undefined {
  const legacy = ctx.model.version === '2.0';
  if (c.authorization) {
    const want = c.authorization;
    const found = schemes.find((s) =>
      want === 'basic' ? s.type === 'basic' || (s.type === 'http' && s.scheme === 'basic') : (s.type === 'http' && s.scheme === want) || s.type === 'oauth2' || s.type === 'openIdConnect',
    );
    if (found) return { kind: 'add-security', operation, requirement: { [found.name]: [] } };
    if (want === 'basic') return { kind: 'add-security', operation, requirement: { basicAuth: [] }, newScheme: { name: 'basicAuth', definition: legacy ? { type: 'basic' } : { type: 'http', scheme: 'basic' } } };
    const def = legacy ? { type: 'apiKey', in: 'header', name: 'Authorization' } : { type: 'http', scheme: want === 'unknown' ? 'bearer' : want };
    return { kind: 'add-security', operation, requirement: { bearerAuth: [] }, newScheme: { name: 'bearerAuth', definition: def } };
  }
  const h = c.apiKeyHeaders[0];
  const q = c.queryKeys[0];
  const where = h ? { in: 'header', name: h } : q ? { in: 'query', name: q } : undefined;
  if (!where) return undefined;
  const found = schemes.find((s) => s.type === 'apiKey' && s.in === where.in && s.paramName?.toLowerCase() === where.name.toLowerCase());
  if (found) return { kind: 'add-security', operation, requirement: { [found.name]: [] } };
  return { kind: 'add-security', operation, requirement: { apiKeyAuth: [] }, newScheme: { name: 'apiKeyAuth', definition: { type: 'apiKey', ...where } } };
}

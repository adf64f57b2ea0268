// Applies the redaction rules to a Transaction before it leaves the sensor: headers, query,
// path, bodies (text only; binary bodies are not inspected). Every replacement is listed in
// `redactions` (kind, where, header/parameter name or JSON pointer, count); values never are.
import type { CapturedBody, HttpHeader, QueryParam, Redaction, RedactionKind, RedactionLocation, Transaction } from '../protocol/transaction';
import type { RedactionConfig } from './config';
import { redactCookieHeader, redactSetCookie } from './cookies';
import { redactJsonText } from './json-text';
import { redactMultipart } from './multipart';
import { NAMED_HINT, namedPhone, namedSecret } from './named-secrets';
import { API_KEY_HEADER, AUTHORIZATION_HEADERS, PLAIN_HEADERS, SECRET_FIELD, SECRET_FIELD_KEY, SECRET_PARAM, builtInTextRules, marker, redactText, type BuiltInRuleId, type TextRule } from './rules';

class Tally {
  private readonly map = new Map<string, Redaction>();
  add(kind: RedactionKind, location: RedactionLocation, name: string | undefined, count = 1): void {
    if (count <= 0) return;
    const key = `${kind}\u0000${location}\u0000${name ?? ''}`;
    const found = this.map.get(key);
    if (found) found.count += count;
    else this.map.set(key, name === undefined ? { kind, location, count } : { kind, location, name, count });
  }
  list(): Redaction[] {
    return [...this.map.values()];
  }
}

export class Redactor {
  private readonly off: Set<string>;
  private readonly extraHeaders: Set<string>;
  private readonly extraParams: Set<string>;
  private readonly extraFields: Set<string>;
  private readonly textRules: TextRule[];

  constructor(config: RedactionConfig = {}) {
    this.off = new Set((config.disable ?? []).map((s) => s.toLowerCase()));
    this.extraHeaders = new Set((config.headers ?? []).map((s) => s.toLowerCase()));
    this.extraParams = new Set((config.queryParams ?? []).map((s) => s.toLowerCase()));
    this.extraFields = new Set((config.bodyFields ?? []).map((s) => s.toLowerCase()));
    this.textRules = builtInTextRules().filter((r) => this.on(r.id, r.kind));
    for (const p of config.patterns ?? []) {
      if (this.off.has(p.id.toLowerCase())) continue;
      this.textRules.push({ id: p.id, kind: p.kind ?? 'custom', pattern: new RegExp(p.pattern, `g${p.flags ?? ''}`) });
    }
  }

  private on(id: string, kind?: RedactionKind): boolean {
    return !this.off.has(id) && (kind === undefined || !this.off.has(kind));
  }

  redact(t: Transaction): Transaction {
    const tally = new Tally();
    for (const r of t.redactions) tally.add(r.kind, r.location, r.name, r.count);
    const req = t.request;
    const path = this.text(req.path, 'request.path', undefined, tally);
    const query = this.query(req.query, req.queryParams, 'request.query', tally);
    const request = {
      ...req,
      path,
      query: query.raw,
      queryParams: query.params,
      target: query.raw === '' ? path : `${path}?${query.raw}`,
      headers: this.headers(req.headers, 'request.header', tally),
    };
    if (path === req.path && query.raw === req.query) request.target = req.target;
    if (req.body) request.body = this.body(req.body, 'request.body', tally);
    let response = t.response;
    if (response) {
      response = { ...response, headers: this.headers(response.headers, 'response.header', tally) };
      if (response.body) response.body = this.body(response.body, 'response.body', tally);
    }
    const out: Transaction = { ...t, request, redactions: tally.list() };
    if (response) out.response = response;
    return out;
  }

  /**
   * Raw bytes quoted outside a transaction (desync events, raw-message.ts) go through the same
   * rules, one header, target or text at a time. Counts are not kept: such quotes have no
   * `redactions` list; their markers say what was removed.
   */
  redactHeaderField(h: HttpHeader, location: 'request.header' | 'response.header'): HttpHeader {
    return this.header(h, location, new Tally());
  }

  redactTarget(target: string): string {
    const q = target.indexOf('?');
    const path = this.text(q < 0 ? target : target.slice(0, q), 'request.path', undefined, new Tally());
    return q < 0 ? path : `${path}?${this.query(target.slice(q + 1), [], 'request.query', new Tally()).raw}`;
  }

  redactFreeText(text: string): string {
    return this.text(text, 'request.body', undefined, new Tally());
  }

  private text(value: string, location: RedactionLocation, name: string | undefined, tally: Tally): string {
    if (value === '' || this.textRules.length === 0) return value;
    const r = redactText(value, this.textRules);
    for (const [kind, n] of r.counts) tally.add(kind, location, name, n);
    return r.text;
  }

  private headers(headers: readonly HttpHeader[], location: 'request.header' | 'response.header', tally: Tally): HttpHeader[] {
    let changed = false;
    const out = headers.map((h) => {
      const next = this.header(h, location, tally);
      if (next !== h) changed = true;
      return next;
    });
    return changed ? out : (headers as HttpHeader[]);
  }

  private header(h: HttpHeader, location: 'request.header' | 'response.header', tally: Tally): HttpHeader {
    const lower = h.name.toLowerCase();
    if (AUTHORIZATION_HEADERS.has(lower) && this.on('authorization')) {
      tally.add('authorization', location, lower);
      // Keep the scheme (Bearer, Basic…): the IDE compares it with the spec's security schemes.
      const space = h.value.indexOf(' ');
      return { name: h.name, value: space > 0 ? `${h.value.slice(0, space)} ${marker('authorization')}` : marker('authorization') };
    }
    if ((lower === 'cookie' && this.on('cookie')) || (lower === 'set-cookie' && this.on('set-cookie'))) {
      const judge = (v: string): RedactionKind | undefined => this.textKind(v);
      const r = lower === 'cookie' ? redactCookieHeader(h.value, marker, judge) : redactSetCookie(h.value, marker, judge);
      for (const k of r.kinds) tally.add(k, location, lower);
      return r.kinds.length === 0 ? h : { name: h.name, value: r.value };
    }
    // CORS response headers name credentials (`Access-Control-Allow-Credentials: true`,
    // `…-Allow-Headers: Authorization`) but never carry any.
    if (lower.startsWith('access-control-') || PLAIN_HEADERS.has(lower)) return h;
    if ((this.extraHeaders.has(lower) || API_KEY_HEADER.test(lower) || namedSecret(h.name, h.value)) && this.on('api-key-header', 'api-key')) {
      tally.add('api-key', location, lower);
      return { name: h.name, value: marker('api-key') };
    }
    const r = this.named(h.name, h.value, false, 'api-key-header');
    if (!r) return h;
    for (const k of r.kinds) tally.add(k, location, lower);
    return { name: h.name, value: r.value };
  }

  /** The first kind the text rules find in a value, if any (for values redacted whole). */
  private textKind(value: string): RedactionKind | undefined {
    const r = redactText(value, this.textRules);
    for (const k of r.counts.keys()) return k;
    return undefined;
  }

  /** A value judged together with its name: secret fields and parameters, phone fields, then the text rules. */
  private named(name: string, value: string, secretName: boolean, secretRule: BuiltInRuleId = 'api-key-query'): { value: string; kinds: RedactionKind[] } | undefined {
    if (value === '') return undefined;
    const whole = this.namedWhole(name, value, secretName, secretRule);
    if (whole) return { value: marker(whole), kinds: [whole] };
    const r = redactText(value, this.textRules);
    if (r.counts.size === 0) return undefined;
    const kinds = [...r.counts.entries()].flatMap(([k, n]) => Array<RedactionKind>(n).fill(k));
    // The text rules remove digits: a `Mobile` value holding a JWT chain (too many digits for a
    // phone number) can hold a phone number's worth once the JWTs are out. Judged again here, it
    // goes now rather than on a second pass (one pass must be a fixed point).
    const after = this.namedWhole(name, r.text, false, secretRule);
    if (after) return { value: marker(after), kinds: [...kinds, after] };
    return { value: r.text, kinds };
  }

  /** The kind a value is redacted whole as because of its name (a secret or a phone field), if any. */
  private namedWhole(name: string, value: string, secretName: boolean, secretRule: BuiltInRuleId): RedactionKind | undefined {
    if ((secretName || namedSecret(name, value)) && this.on(secretRule, 'api-key')) return 'api-key';
    if (namedPhone(name, value) && this.on('phone')) return 'phone';
    return undefined;
  }

  private isSecretParam(name: string): boolean {
    return this.extraParams.has(name.toLowerCase()) || SECRET_PARAM.test(name);
  }

  /** Redacts a raw `a=1&b=2` string and its decoded pairs together, so the two never disagree. */
  private query(raw: string, params: readonly QueryParam[], location: RedactionLocation, tally: Tally): { raw: string; params: QueryParam[] } {
    if (raw === '') return { raw, params: [...params] };
    const outParams: QueryParam[] = [];
    const parts = raw.split('&').map((part) => {
      const eq = part.indexOf('=');
      const rawName = eq < 0 ? part : part.slice(0, eq);
      const rawValue = eq < 0 ? '' : part.slice(eq + 1);
      const name = decodeComponent(rawName);
      const value = decodeComponent(rawValue);
      const r = eq >= 0 ? this.named(name, value, this.isSecretParam(name)) : undefined;
      const next = r ? r.value : value;
      for (const k of r?.kinds ?? []) tally.add(k, location, name);
      if (part !== '') outParams.push({ name, value: next });
      return next === value ? part : `${rawName}=${encodeComponent(next)}`;
    });
    return { raw: parts.join('&'), params: outParams.length === params.length || params.length === 0 ? outParams : [...params] };
  }

  private body(body: CapturedBody, location: 'request.body' | 'response.body', tally: Tally): CapturedBody {
    if (body.encoding !== 'text' || body.text === undefined || body.text === '') return body;
    const type = (body.contentType ?? '').toLowerCase();
    if (type.includes('x-www-form-urlencoded')) {
      const form = this.query(body.text, [], location, tally);
      return { ...body, text: form.raw };
    }
    const original = body.text;
    if (type.includes('multipart/form-data')) {
      const parts = redactMultipart(original, (name, value) => this.named(name, value, this.isSecretParam(name) || this.isSecretField(name)));
      for (const [name, kinds] of parts.found) for (const k of kinds) tally.add(k, location, name);
      return parts.found.size === 0 ? body : { ...body, text: parts.text };
    }
    const scan = redactText(original, this.textRules);
    const json = type.includes('json') || /^\s*[{[]/.test(original);
    if (json && (scan.counts.size > 0 || original.includes('\\') || this.mayHoldNamedValue(original))) {
      const r = redactJsonText(original, (key, value, isString) => this.jsonValue(key, value, isString));
      // A scan that stopped early (nesting deeper than it follows) must not leave a secret: the
      // text rules then run over the whole text, even if that cuts through JSON syntax.
      const text = !r.complete && scan.counts.size > 0 ? redactText(r.text, this.textRules).text : r.text;
      if (r.found.size === 0 && text === original) return body;
      if (body.truncated) {
        for (const kinds of r.found.values()) for (const k of kinds) tally.add(k, location, undefined);
      } else {
        for (const [ptr, kinds] of r.found) for (const k of kinds) tally.add(k, location, ptr);
      }
      return { ...body, text };
    }
    // Most bodies hold nothing to redact: then they are not parsed again at all.
    if (scan.counts.size === 0) return body;
    for (const [kind, n] of scan.counts) tally.add(kind, location, undefined, n);
    return { ...body, text: scan.text };
  }

  /** A cheap test on a whole JSON text: could any field name make its value a secret? */
  private mayHoldNamedValue(text: string): boolean {
    if (!text.includes('"')) return false;
    if (this.extraFields.size > 0 || SECRET_FIELD_KEY.test(text) || NAMED_HINT.test(text)) return true;
    return /phone|mobile|msisdn|tel|fax/i.test(text);
  }

  private jsonValue(key: string | undefined, value: string, isString: boolean): { value: string; kinds: RedactionKind[] } | undefined {
    if (key !== undefined && this.isSecretField(key) && this.on('secret-body-field', 'api-key') && value !== '') return { value: marker('api-key'), kinds: ['api-key'] };
    if (key !== undefined) {
      const r = this.named(key, value, false);
      if (r) return r;
      return undefined;
    }
    if (!isString) return undefined;
    const r = redactText(value, this.textRules);
    if (r.counts.size === 0) return undefined;
    return { value: r.text, kinds: [...r.counts.entries()].flatMap(([k, n]) => Array<RedactionKind>(n).fill(k)) };
  }

  private isSecretField(key: string): boolean {
    return this.extraFields.has(key.toLowerCase()) || SECRET_FIELD.test(key);
  }
}

function decodeComponent(s: string): string {
  // Most names and values are plain: nothing to decode, no exception to catch.
  if (s.indexOf('%') < 0 && s.indexOf('+') < 0) return s;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

function encodeComponent(s: string): string {
  return encodeURIComponent(s).replace(/%5B/g, '[').replace(/%5D/g, ']').replace(/%3A/g, ':');
}

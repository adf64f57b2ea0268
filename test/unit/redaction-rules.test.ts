import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redactor } from '../../core/src/redaction/redactor';
import { luhnValid, redactText, builtInTextRules } from '../../core/src/redaction/rules';
import { validateRedactionConfig } from '../../core/src/redaction/config';
import type { Transaction } from '../../core/src/protocol/transaction';

function tx(over: Partial<Transaction['request']> = {}, response?: Transaction['response']): Transaction {
  const t: Transaction = {
    id: 't1', startedAt: 1, durationMs: 1, origin: 'ebpf', service: 'svc',
    client: { address: '127.0.0.1', port: 5000 }, server: { address: '127.0.0.1', port: 80 },
    tls: false, httpVersion: '1.1',
    request: { method: 'GET', target: '/', path: '/', query: '', queryParams: [], headers: [], ...over },
    redactions: [],
  };
  if (response) t.response = response;
  return t;
}

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

test('Luhn', () => {
  assert.equal(luhnValid('4111111111111111'), true);
  assert.equal(luhnValid('4111111111111112'), false);
});

test('free text: JWT, e-mail, Luhn-valid cards only, SSN', () => {
  const r = redactText(`t=${JWT} mail bob@example.com card 4111 1111 1111 1111 not 4111 1111 1111 1112 ssn 123-45-6789 id 1234567890123`, builtInTextRules());
  assert.equal(r.text, 't=[REDACTED:jwt] mail [REDACTED:email] card [REDACTED:card-number] not 4111 1111 1111 1112 ssn [REDACTED:national-id] id 1234567890123');
  assert.equal(r.counts.get('card-number'), 1);
});

test('headers: Authorization keeps its scheme, only secret cookies lose their value, API keys go whole', () => {
  const out = new Redactor().redact(tx({
    headers: [
      { name: 'Authorization', value: 'Bearer abc.def' },
      { name: 'Cookie', value: 'sid=123; theme=dark' },
      { name: 'X-API-Key', value: 'k-123' },
      { name: 'Accept', value: 'application/json' },
    ],
  }, { status: 200, headers: [{ name: 'Set-Cookie', value: 'sid=999; Path=/; HttpOnly' }] }));
  assert.deepEqual(out.request.headers.map((h) => h.value), ['Bearer [REDACTED:authorization]', 'sid=[REDACTED:cookie]; theme=dark', '[REDACTED:api-key]', 'application/json']);
  assert.equal(out.response?.headers[0]?.value, 'sid=[REDACTED:set-cookie]; Path=/; HttpOnly');
  assert.deepEqual(out.redactions, [
    { kind: 'authorization', location: 'request.header', name: 'authorization', count: 1 },
    { kind: 'cookie', location: 'request.header', name: 'cookie', count: 1 },
    { kind: 'api-key', location: 'request.header', name: 'x-api-key', count: 1 },
    { kind: 'set-cookie', location: 'response.header', name: 'set-cookie', count: 1 },
  ]);
});

test('query: secret params and e-mails redacted in raw query, params and target alike', () => {
  const out = new Redactor().redact(tx({
    target: '/users?api_key=s3cr3t&email=a%40b.io&page=2', path: '/users', query: 'api_key=s3cr3t&email=a%40b.io&page=2',
    queryParams: [{ name: 'api_key', value: 's3cr3t' }, { name: 'email', value: 'a@b.io' }, { name: 'page', value: '2' }],
  }));
  assert.equal(out.request.query, 'api_key=[REDACTED:api-key]&email=[REDACTED:email]&page=2');
  assert.equal(out.request.target, '/users?api_key=[REDACTED:api-key]&email=[REDACTED:email]&page=2');
  assert.deepEqual(out.request.queryParams.map((p) => p.value), ['[REDACTED:api-key]', '[REDACTED:email]', '2']);
});

test('JSON bodies: values redacted in place with JSON pointers, formatting kept', () => {
  const text = '{\n  "user": {"email": "x@y.org", "password": "hunter2"},\n  "cards": ["4111111111111111"], "n": 1\n}';
  const out = new Redactor().redact(tx({}, { status: 200, headers: [], body: { size: text.length, truncated: false, encoding: 'text', contentType: 'application/json', text } }));
  assert.equal(out.response?.body?.text, '{\n  "user": {"email": "[REDACTED:email]", "password": "[REDACTED:api-key]"},\n  "cards": ["[REDACTED:card-number]"], "n": 1\n}');
  assert.deepEqual(out.redactions.map((r) => `${r.kind}@${r.location}${r.name}`).sort(), ['api-key@response.body/user/password', 'card-number@response.body/cards/0', 'email@response.body/user/email']);
});

test('config: disable a rule, add header, add pattern; bad configs are explained', () => {
  const cfg = validateRedactionConfig({ disable: ['email'], headers: ['x-internal'], patterns: [{ id: 'emp', pattern: 'EMP-\\d{4}' }] });
  assert.ok(cfg.ok);
  const r = new Redactor(cfg.value);
  const out = r.redact(tx({ headers: [{ name: 'X-Internal', value: 'v' }, { name: 'X-Who', value: 'a@b.io EMP-1234' }] }));
  assert.deepEqual(out.request.headers.map((h) => h.value), ['[REDACTED:api-key]', 'a@b.io [REDACTED:custom]']);
  const bad = validateRedactionConfig({ patterns: [{ id: 'x', pattern: '(' }], nope: 1 });
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.deepEqual(bad.problems.map((p) => p.path).sort(), ['$.nope', '$.patterns[0].pattern']);
});

test('detectors: IBAN checksum, card issuer prefixes, phone digit counts', () => {
  const r = (s: string): string => redactText(s, builtInTextRules()).text;
  assert.equal(r('pay to DE89 3704 0044 0532 0130 00 now'), 'pay to [REDACTED:iban] now');
  assert.equal(r('ref DE89 3704 0044 0532 0130 01'), 'ref DE89 3704 0044 0532 0130 01');
  // 1733148000006 passes Luhn but no card network issues numbers starting with 1.
  assert.equal(r('at 1733148000006 ms'), 'at 1733148000006 ms');
  assert.equal(r('call +1 415 555 0132 or (415) 555-0199, not +1.50 or 10.0.19045.2604'), 'call [REDACTED:phone] or [REDACTED:phone], not +1.50 or 10.0.19045.2604');
});

test('JSON: escaped values are decoded before the rules run, and re-encoded', () => {
  const text = '{"contact":"bob\\u0040example.com","note":"ok","pin":1234}';
  const out = new Redactor().redact(tx({}, { status: 200, headers: [], body: { size: text.length, truncated: false, encoding: 'text', contentType: 'application/json', text } }));
  assert.equal(out.response?.body?.text, '{"contact":"[REDACTED:email]","note":"ok","pin":"[REDACTED:api-key]"}');
  assert.deepEqual(out.redactions.map((r) => `${r.kind}@${r.name}`).sort(), ['api-key@/pin', 'email@/contact']);
});

test('CORS headers that name credentials are left alone', () => {
  const out = new Redactor().redact(tx({}, { status: 200, headers: [{ name: 'Access-Control-Allow-Credentials', value: 'true' }, { name: 'Access-Control-Allow-Headers', value: 'Authorization, X-API-Key' }] }));
  assert.deepEqual(out.redactions, []);
});

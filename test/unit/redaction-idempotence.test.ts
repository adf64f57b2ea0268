// One redaction pass is a fixed point: a second pass over its output changes nothing. Each case
// is a minimised input the redaction fuzz target (test/fuzz/redaction.ts) found where it did not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redactor } from '../../core/src/redaction/redactor';
import type { Transaction } from '../../core/src/protocol/transaction';

function tx(request: Partial<Transaction['request']>, body?: { type: string; text: string }): Transaction {
  const t: Transaction = {
    id: 't1', startedAt: 1, durationMs: 1, origin: 'ebpf', service: 'svc',
    client: { address: '127.0.0.1', port: 5000 }, server: { address: '127.0.0.1', port: 80 },
    tls: false, httpVersion: '1.1',
    request: { method: 'POST', target: '/', path: '/', query: '', queryParams: [], headers: [], ...request },
    redactions: [],
  };
  if (body) t.response = { status: 200, headers: [], body: { size: body.text.length, truncated: false, encoding: 'text', contentType: body.type, text: body.text } };
  return t;
}

const redactor = new Redactor();

function once(t: Transaction): Transaction {
  const first = redactor.redact(t);
  const second = redactor.redact({ ...first, redactions: [] });
  assert.deepEqual({ ...second, redactions: [] }, { ...first, redactions: [] }, 'a second pass redacted more');
  return first;
}

// Too many digits for a phone number until the JWTs (which carry digits) are replaced.
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
const MOBILE_WITH_JWTS = `${JWT} ${JWT} 0170 1234567`;

test('a phone-named value is judged again once the text rules took digits out (form body, the 10⁶ run\'s inputs)', () => {
  // The fuzz input: a JSON text labelled as a form, so its first `=` splits it into a name holding
  // `Mobile` and a value of JWTs with a few digits besides.
  const text = `{"Mobile":"-----END PRIVATE KEY-----AccountKey=whsec_4111 AIzaxoxb-\\\\+1\\\\u0040--b","b":"${'eyJhbGciOiJIUzI1NiJ9.'.repeat(40)}"}`;
  const out = once(tx({}, { type: 'application/x-www-form-urlencoded', text }));
  assert.equal(out.response?.body?.text, '{"Mobile":"-----END PRIVATE KEY-----AccountKey=[REDACTED:phone]');
});

test('a phone-named query parameter, header and JSON field holding JWTs and a national number goes whole in one pass', () => {
  const out = once(tx({
    query: `mobile=${encodeURIComponent(MOBILE_WITH_JWTS)}`,
    queryParams: [{ name: 'mobile', value: MOBILE_WITH_JWTS }],
    headers: [{ name: 'X-Mobile', value: MOBILE_WITH_JWTS }],
  }, { type: 'application/json', text: JSON.stringify({ phone: MOBILE_WITH_JWTS }) }));
  assert.equal(out.request.query, 'mobile=[REDACTED:phone]');
  assert.deepEqual(out.request.queryParams, [{ name: 'mobile', value: '[REDACTED:phone]' }]);
  assert.deepEqual(out.request.headers, [{ name: 'X-Mobile', value: '[REDACTED:phone]' }]);
  assert.equal(out.response?.body?.text, '{"phone":"[REDACTED:phone]"}');
  // Counted as what it held: two JWTs and the phone number around them.
  assert.deepEqual(out.redactions.find((r) => r.location === 'request.header'), { kind: 'jwt', location: 'request.header', name: 'x-mobile', count: 2 });
  assert.ok(out.redactions.some((r) => r.kind === 'phone' && r.location === 'request.header'));
});

test('a value with too many digits for a phone number and nothing else to redact stays', () => {
  const out = once(tx({ headers: [{ name: 'X-Mobile', value: '0170 1234567 0170 1234567' }] }));
  assert.deepEqual(out.request.headers, [{ name: 'X-Mobile', value: '0170 1234567 0170 1234567' }]);
});

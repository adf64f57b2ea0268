// Robustness of the redactor (core/src/redaction) on attacker-controlled values: random text,
// long runs of the fragments its patterns look for (prefixes, separators, digits, PEM armour,
// escapes — the shapes that make a backtracking pattern slow), in every place a transaction
// carries text. Properties: never throws; redacting twice changes nothing more (markers are
// never redacted again); a JSON body stays JSON when it was JSON (and not labelled a form).
// Run: node --import tsx test/fuzz/redaction.ts --runs N [--seed S]
import fc from 'fast-check';
import { Redactor } from '../../core/src/redaction/redactor';
import type { Transaction } from '../../core/src/protocol/transaction';
import { count, fuzz, main, type FuzzOptions, type FuzzSummary } from './harness';

const FRAGMENTS = [
  'a', '9', '0', '-', ' ', '+1', '(', ')', '.', '=', ':', '"', '\\u0040', '\\', '@', 'x@y.io', 'AKIA', 'AIza', 'ghp_', 'github_pat_', 'glpat-', 'xoxb-',
  'sk_live_', 'whsec_', 'eyJ', 'eyJhbGciOiJIUzI1NiJ9.', 'DE89', '-----BEGIN PRIVATE KEY-----', '-----END PRIVATE KEY-----', '\n', 'token=', 'secret: ',
  'AccountKey=', 'Q~', 'phone=', '4111 ', 'hooks.slack.com/services/', '[REDACTED:email]', 'Content-Disposition: form-data; name="a"\r\n\r\n', '--b\r\n', '%', '%zz',
];
const text = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 }).map((a) => a.join('')),
  fc.tuple(fc.constantFrom(...FRAGMENTS), fc.integer({ min: 1, max: 3000 }), fc.constantFrom('', ...FRAGMENTS)).map(([f, n, tail]) => f.repeat(n) + tail),
);
const contentType = fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=b', 'text/html', undefined);

const input = fc.record({ name: fc.oneof(fc.constantFrom('X-Api-Token', 'Cookie', 'Set-Cookie', 'X-Secret-Key', 'X-Note', 'Mobile'), fc.string({ maxLength: 20 })), value: text, body: text, json: fc.jsonValue({ maxDepth: 4 }), type: contentType, asJson: fc.boolean() });

function tx(i: { name: string; value: string; body: string; json: unknown; type: string | undefined; asJson: boolean }): Transaction {
  const body = i.asJson ? JSON.stringify({ [i.name]: i.value, v: i.json, b: i.body }) : i.body;
  return {
    id: 'f', startedAt: 1, durationMs: 1, origin: 'ebpf', service: 'svc', client: { address: '127.0.0.1', port: 1 }, server: { address: '127.0.0.1', port: 2 }, tls: false, httpVersion: '1.1',
    request: { method: 'POST', target: '/', path: `/${i.value.slice(0, 40)}`, query: `${encodeURIComponent(i.name)}=${encodeURIComponent(i.value)}`, queryParams: [{ name: i.name, value: i.value }], headers: [{ name: i.name, value: i.value.replace(/[\r\n]/g, ' ') }] },
    response: { status: 200, headers: [{ name: 'Set-Cookie', value: `${i.name}=${i.value.replace(/[;\r\n]/g, '')}` }], body: { size: body.length, truncated: false, encoding: 'text', ...(i.type ? { contentType: i.type } : {}), text: body } },
    redactions: [],
  };
}

const redactor = new Redactor();

export function run(opts: FuzzOptions): FuzzSummary {
  return fuzz('redaction', opts, input, (i, counts) => {
    const t = tx(i);
    const once = redactor.redact(t);
    const twice = redactor.redact({ ...once, redactions: [] });
    if (JSON.stringify({ ...twice, redactions: [] }) !== JSON.stringify({ ...once, redactions: [] })) throw new Error('a second pass redacted more');
    if (i.asJson && !/form/.test(i.type ?? '')) {
      try {
        JSON.parse(once.response?.body?.text ?? '');
      } catch {
        throw new Error('a JSON body is no longer JSON after redaction');
      }
    }
    count(counts, once.redactions.length > 0 ? 'redacted' : 'untouched');
  });
}

if (require.main === module) main(run, process.argv.slice(2));

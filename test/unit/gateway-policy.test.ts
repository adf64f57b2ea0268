// The policy file: parsed with clear errors, and its JSON Schema (what VS Code completes and
// checks) agrees with the parser on valid and invalid files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { parsePolicyText } from '../../core/src/gateway/policy';

const ROOT = path.resolve(import.meta.dirname, '../..');
const schema = JSON.parse(readFileSync(path.join(ROOT, 'schemas/tapline-gateway.schema.json'), 'utf8')) as object;
const validateSchema = new Ajv({ allErrors: true, strict: false }).compile(schema);

const VALID: Record<string, string> = {
  'the test fixture': readFileSync(path.join(ROOT, 'test/fixtures/gateway/tapline-gateway.yaml'), 'utf8'),
  empty: '',
  'deny only': 'deny: ["DELETE /pets/{petId}"]\n',
  'every kind': `mode: report
block:
  - ip: [10.0.0.0/8, "2001:db8::/32"]
  - name: key
    header: { name: X-Api-Key, values: [abc.DEF_123-~] }
    operations: '*'
  - jwtSub: ["auth0|5f7c"]
    operations: ["GET /me", "PATCH /me"]
`,
  json: '{"block":[{"ip":["127.0.0.1"]}]}',
};

const INVALID: Record<string, { text: string; message: RegExp }> = {
  'unknown key': { text: 'blocks: []\n', message: /unknown key 'blocks'/ },
  'bad mode': { text: 'mode: audit\n', message: /enforce' or 'report/ },
  'two selectors': { text: 'block:\n  - ip: [1.2.3.4]\n    jwtSub: [a]\n', message: /exactly one of ip, header, jwtSub/ },
  'no selector': { text: 'block:\n  - name: x\n', message: /exactly one of/ },
  'bad ip': { text: 'block:\n  - ip: [10.0.0.0/40]\n', message: /not an IPv4\/IPv6 address/ },
  'unsafe value': { text: 'block:\n  - jwtSub: ["a b"]\n', message: /characters a gateway value may not hold/ },
  'nginx variable in a value': { text: 'block:\n  - header: { name: X-Key, values: ["$host"] }\n', message: /may not hold/ },
  'header name with underscore': { text: 'block:\n  - header: { name: X_Key, values: [a] }\n', message: /not a header name nginx reads/ },
  'operation without method': { text: 'deny: ["/pets"]\n', message: /not an operation like/ },
  'lower-case method': { text: 'deny: ["get /pets"]\n', message: /not an operation like/ },
  'duplicate names': { text: 'block:\n  - { name: a, ip: [1.1.1.1] }\n  - { name: a, ip: [2.2.2.2] }\n', message: /used twice/ },
  'empty list': { text: 'block:\n  - ip: []\n', message: /non-empty list/ },
};

test('valid policy files parse and validate against the JSON Schema', () => {
  for (const [name, text] of Object.entries(VALID)) {
    const parsed = parsePolicyText(text);
    assert.ok(parsed.ok, `${name}: ${parsed.ok ? '' : JSON.stringify(parsed.problems)}`);
    assert.equal(validateSchema(parseYaml(text) ?? {}), true, `${name}: ${JSON.stringify(validateSchema.errors)}`);
  }
  const every = parsePolicyText(VALID['every kind'] ?? '');
  assert.ok(every.ok);
  assert.equal(every.policy.mode, 'report');
  assert.deepEqual(every.policy.blocks.map((b) => [b.name, b.selector.kind, b.operations]), [
    ['block-1', 'ip', '*'],
    ['key', 'header', '*'],
    ['block-3', 'jwtSub', ['GET /me', 'PATCH /me']],
  ]);
});

test('invalid policy files give a clear error with the JSON path, and the schema rejects them too', () => {
  for (const [name, { text, message }] of Object.entries(INVALID)) {
    const parsed = parsePolicyText(text);
    assert.equal(parsed.ok, false, name);
    if (parsed.ok) continue;
    assert.match(parsed.problems.map((p) => `${p.path}: ${p.message}`).join('\n'), message, name);
    if (name !== 'duplicate names') assert.equal(validateSchema(parseYaml(text)), false, `${name}: the schema should reject it too`);
  }
  const notYaml = parsePolicyText('block: [\n');
  assert.equal(notYaml.ok, false);
  const notMap = parsePolicyText('- a\n');
  assert.ok(!notMap.ok && /must be a mapping/.test(notMap.problems[0]?.message ?? ''));
});

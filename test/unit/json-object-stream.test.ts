// Objects back to back, however the chunks fall: one per line (the API's watch), pretty-printed
// (kubectl --watch), braces and escaped quotes inside strings, junk between objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonObjectStream } from '../../core/src/json-object-stream';

test('splits objects at any chunk boundary, strings may hold braces and escaped quotes', () => {
  const text = '{"a":1}\n{\n  "b": "}{\\"",\n  "c": {"d": [1, {"e": 2}]}\n}junk{"f":"\\\\"}';
  const expected = [{ a: 1 }, { b: '}{"', c: { d: [1, { e: 2 }] } }, { f: '\\' }];
  for (const size of [1, 2, 3, 5, 8, text.length]) {
    const stream = new JsonObjectStream();
    const out: unknown[] = [];
    for (let i = 0; i < text.length; i += size) out.push(...stream.push(text.slice(i, i + size)));
    assert.deepEqual(out, expected, `chunks of ${size}`);
  }
});

test('an object that does not parse is dropped; one past the limit throws', () => {
  assert.deepEqual(new JsonObjectStream().push('{bad} {"ok":true}'), [{ ok: true }]);
  const stream = new JsonObjectStream(16);
  assert.throws(() => stream.push('{"long": "0123456789abcdef"'), /longer than 16 characters/);
});

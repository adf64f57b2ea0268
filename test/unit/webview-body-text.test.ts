import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CapturedBody } from '../../core/src/protocol/transaction';
import { displayBody, indentJson, MAX_DISPLAY_CHARS, splitRedactions } from '../../webview/src/body-text';

const text = (t: string, over: Partial<CapturedBody> = {}): CapturedBody => ({ size: t.length, truncated: false, encoding: 'text', text: t, contentType: 'application/json', ...over });

test('JSON is indented without being parsed: exact digits, duplicate keys, escapes kept', () => {
  const src = '{"a":1.50,"a":2,"s":"x, {y}: \\"z\\"","n":[],"o":{},"l":[1,{"b":null}]}';
  assert.equal(indentJson(src), [
    '{',
    '  "a": 1.50,',
    '  "a": 2,',
    '  "s": "x, {y}: \\"z\\"",',
    '  "n": [],',
    '  "o": {},',
    '  "l": [',
    '    1,',
    '    {',
    '      "b": null',
    '    }',
    '  ]',
    '}',
  ].join('\n'));
  // Indenting is stable: indenting the result again changes nothing.
  assert.equal(indentJson(indentJson(src)), indentJson(src));
  assert.deepEqual(JSON.parse(indentJson('{"k":[1,2,{"x":"y"}]}')), { k: [1, 2, { x: 'y' }] });
});

test('a body cut in the middle still indents', () => {
  assert.equal(indentJson('{"items":[{"id":1},{"id":'), '{\n  "items": [\n    {\n      "id": 1\n    },\n    {\n      "id": ');
});

test('displayBody: JSON, text, binary, empty, truncated', () => {
  const json = displayBody(text('{"ok":true}'));
  assert.equal(json.kind, 'json');
  assert.equal(json.text, '{\n  "ok": true\n}');
  assert.ok(json.notes.includes('application/json'));

  const html = displayBody(text('[not json] <b>hi</b>', { contentType: 'text/html' }));
  assert.equal(html.kind, 'text');
  assert.equal(html.text, '[not json] <b>hi</b>');

  const plain = displayBody(text('hello', { contentType: 'text/plain' }));
  assert.equal(plain.kind, 'text');

  const bin = displayBody({ size: 2048, truncated: false, encoding: 'base64', base64: 'AAAA', contentType: 'image/png' });
  assert.equal(bin.kind, 'binary');
  assert.equal(bin.text, '');
  assert.ok(bin.notes.includes('2.0 KB'));

  assert.equal(displayBody(undefined).kind, 'empty');
  assert.deepEqual(displayBody({ size: 10, truncated: false, encoding: 'none' }).notes, ['10 B not captured']);

  const cut = displayBody(text('{"a":1', { truncated: true, contentEncoding: 'gzip' }));
  assert.ok(cut.notes.includes('truncated by the sensor'));
  assert.ok(cut.notes.includes('decoded from gzip'));

  const huge = displayBody(text('x'.repeat(MAX_DISPLAY_CHARS + 10), { contentType: 'text/plain' }));
  assert.equal(huge.text.length, MAX_DISPLAY_CHARS);
  assert.ok(huge.notes.some((n) => n.startsWith('first ')));
});

test('redaction markers are split out with their kind', () => {
  assert.deepEqual(splitRedactions('Bearer [REDACTED:authorization]'), [
    { text: 'Bearer ' },
    { text: '[REDACTED:authorization]', redacted: 'authorization' },
  ]);
  assert.deepEqual(splitRedactions('{"a":"[REDACTED:email]","b":"[redacted: card-number]x"}'), [
    { text: '{"a":"' },
    { text: '[REDACTED:email]', redacted: 'email' },
    { text: '","b":"' },
    { text: '[redacted: card-number]', redacted: 'card-number' },
    { text: 'x"}' },
  ]);
  assert.deepEqual(splitRedactions('[REDACTED:jwt][REDACTED:jwt]').map((s) => s.redacted), ['jwt', 'jwt']);
});

test('text without markers is one segment; look-alikes are not markers', () => {
  assert.deepEqual(splitRedactions('plain'), [{ text: 'plain' }]);
  assert.deepEqual(splitRedactions(''), [{ text: '' }]);
  assert.deepEqual(splitRedactions('[REDACTED:]').map((s) => s.redacted), [undefined]);
  assert.deepEqual(splitRedactions('<img src=x onerror=alert(1)>'), [{ text: '<img src=x onerror=alert(1)>' }]);
});

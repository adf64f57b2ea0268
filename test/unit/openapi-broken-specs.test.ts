// Broken OpenAPI documents through the loader the language server uses (core/src/openapi/load.ts):
// each gets a diagnostic or a clear message, never an exception or a frozen loader. The server's
// side (it keeps answering while such a document is open) is in
// test/integration/language-server.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DOCUMENT_CHARS, loadSpec } from '../../core/src/openapi/load';
import { yamlLibraryParser } from '../../core/src/openapi/parse';
import type { LoadedSpec } from '../../core/src/openapi/model';

const ROOT = 'file:///ws/openapi.yaml';

async function load(text: string, uri = ROOT, files: Record<string, string> = {}): Promise<LoadedSpec> {
  return loadSpec(uri, (u) => (u === uri ? text : files[u]));
}

const codes = (s: LoadedSpec): string[] => s.diagnostics.map((d) => d.code);

const HEAD = 'openapi: 3.0.3\ninfo:\n  title: t\n  version: "1"\n';

test('YAML and JSON syntax errors: a diagnostic with a range, no model crash', async () => {
  const yaml = await load(`${HEAD}paths:\n  /a:\n    get: [unclosed\n`);
  assert.ok(yaml.diagnostics.some((d) => d.severity === 'error' && d.code.startsWith('yaml:')), codes(yaml).join());
  const json = await load('{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": }}}', 'file:///ws/openapi.json');
  assert.ok(json.diagnostics.some((d) => d.severity === 'error' && d.code.startsWith('json:')), codes(json).join());
  for (const d of [...yaml.diagnostics, ...json.diagnostics]) assert.ok(d.range.start.line >= 0 && d.message !== '');
});

test('wrong types where objects, lists and strings belong: a model (possibly empty), no exception', async () => {
  const variants = [
    `${HEAD}paths: 5\n`,
    `openapi: 3.0.3\ninfo: "just text"\npaths:\n  /a: [1, 2]\n`,
    `${HEAD}paths:\n  /a:\n    get:\n      parameters: "id"\n      responses: [200]\n`,
    `${HEAD}paths:\n  /a:\n    parameters: [{name: {toString: 1}, in: [query]}]\n    get: {responses: {"200": {description: 1, content: {"application/json": {schema: {type: {toString: 1}, enum: [{toString: 1}]}}}}}}\n`,
    `${HEAD}servers: {url: 1}\nsecurity: "all"\ncomponents: {schemas: [1], securitySchemes: {a: 5}}\npaths: {}\n`,
    'swagger: "2.0"\ninfo: {title: t, version: "1"}\nschemes: [{toString: 1}]\nconsumes: [{}]\npaths: {/a: {get: {parameters: [{in: body, name: {}, schema: 7}]}}}\n',
    'openapi: [3]\npaths: {}\n',
    'openapi: {toString: 1}\n',
  ];
  for (const v of variants) {
    const s = await load(v);
    assert.ok(s.model !== undefined || s.diagnostics.length > 0, v);
  }
});

test('circular and dangling $refs: the loader finishes, dangling ones are diagnosed', async () => {
  const text = `${HEAD}paths:
  /a:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/A"}
  /b:
    $ref: "#/paths/~1b"
  /c:
    get:
      parameters: [{$ref: "#/components/parameters/Nowhere"}]
      responses: {"200": {$ref: "#/components/responses/R"}}
components:
  schemas:
    A: {$ref: "#/components/schemas/B"}
    B: {type: object, properties: {a: {$ref: "#/components/schemas/A"}, self: {$ref: "#/components/schemas/B"}, gone: {$ref: "#/components/schemas/Gone"}}}
  responses:
    R: {$ref: "#/components/responses/R"}
`;
  const s = await load(text);
  assert.ok(s.model, 'a model in spite of the cycles');
  assert.ok(s.diagnostics.some((d) => d.code === 'ref:unresolved' && d.message.includes('Nowhere')), codes(s).join());
  const multi = await load(`${HEAD}paths:\n  /a: {$ref: "other.yaml#/Item"}\n  /b: {$ref: "missing.yaml#/X"}\n`, ROOT, { 'file:///ws/other.yaml': 'Item: {$ref: "openapi.yaml#/paths/~1a"}\n' });
  assert.ok(multi.diagnostics.some((d) => d.code === 'ref:missing-file' && d.message.includes('missing.yaml')), codes(multi).join());
});

test('a YAML alias bomb (10^9 expansions) loads without expanding, with both parsers', async () => {
  let y = `${HEAD}paths: {}\nx-a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n`;
  for (let i = 1; i <= 9; i++) y += `x-a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]\n`;
  const before = process.memoryUsage().heapUsed;
  const fast = await load(y);
  const library = await loadSpec(ROOT, () => y, { parser: yamlLibraryParser });
  assert.ok(fast.model && library.model);
  // Expanded, 10^9 strings would need tens of GiB; shared, the documents take kilobytes.
  assert.ok(process.memoryUsage().heapUsed - before < 256 * 2 ** 20);
});

test('a 100 MB document gets a clear message instead of minutes of parsing', async () => {
  const line = `  /r{i}:\n    get: {responses: {"200": {description: "${'x'.repeat(100)}"}}}\n`;
  const text = HEAD + 'paths:\n' + line.repeat(Math.ceil((100 * 2 ** 20) / line.length));
  assert.ok(text.length > MAX_DOCUMENT_CHARS);
  const s = await load(text);
  assert.equal(s.model, undefined);
  const d = s.diagnostics.find((x) => x.code === 'spec:too-large');
  assert.ok(d, codes(s).join());
  assert.match(d.message, /100\.\d MiB of text, more than the 32\.0 MiB/);
});

test('a document that changes while it loads: every read gives other bytes, the loader still answers', async () => {
  const versions = [`${HEAD}paths:\n  /a: {$ref: "part.yaml#/A"}\n`, `${HEAD}paths:\n  /a: {$ref: "part.yaml#/A"`, '', 'openapi: 3.0.3\npaths:\n  /b: {}\n'];
  const parts = ['A: {get: {responses: {"200": {description: ok}}}}\n', 'A: {get: {respo', '{"A": 1}', 'A: !!binary |\n  ???\n'];
  for (let i = 0; i < versions.length * parts.length; i++) {
    let reads = 0;
    const s = await loadSpec(ROOT, (u) => {
      reads++;
      return u === ROOT ? versions[(i + reads) % versions.length] : parts[(i * 3 + reads) % parts.length];
    });
    assert.ok(s.model !== undefined || s.diagnostics.length > 0 || versions[(i + 1) % versions.length] === '', `variant ${i}`);
  }
  // A file that disappears between the index and the read.
  const gone = await loadSpec(ROOT, (u) => (u === ROOT ? `${HEAD}paths:\n  /a: {$ref: "part.yaml#/A"}\n` : undefined));
  assert.ok(gone.diagnostics.some((d) => d.code === 'ref:missing-file'));
  // A reader that throws (EIO, permission revoked) mid-load.
  const broken = await loadSpec(ROOT, (u) => {
    if (u !== ROOT) throw new Error('EIO');
    return `${HEAD}paths:\n  /a: {$ref: "part.yaml#/A"}\n`;
  });
  assert.ok(broken.diagnostics.some((d) => d.code === 'ref:missing-file'));
});

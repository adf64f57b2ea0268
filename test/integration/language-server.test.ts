// The built language server (dist/server.js) as a real process over stdio.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspTestClient } from './lsp-client';

const PETSTORE_DIR = join(__dirname, '..', 'fixtures', 'workspaces', 'petstore');

test('initializes, finds the OpenAPI documents of the workspace, ignores other YAML', async (t) => {
  const client = new LspTestClient();
  t.after(() => client.kill());
  const folder = pathToFileURL(PETSTORE_DIR).toString();
  const result = await client.initialize([{ uri: folder, name: 'petstore' }]);
  assert.equal(result.serverInfo?.name, 'tapline-language-server');
  await client.logged(/language server ready/);
  const indexed = await client.logged(/^indexed .*openapi\.yaml/);
  assert.match(indexed, /3 operations, 1 files, 0 problems/);

  await client.open('file:///ws/ci.yaml', 'yaml', 'name: build\non: push\n');
  await client.open('file:///ws/openapi.yaml', 'yaml', readFileSync(join(PETSTORE_DIR, 'openapi.yaml'), 'utf8'));
  await client.logged(/OpenAPI document: file:\/\/\/ws\/openapi\.yaml \(openapi 3\.0\.0\)/);
  assert.ok(!client.logs.some((l) => l.includes('ci.yaml')), 'a non-OpenAPI YAML file is not reported');
  await client.shutdown();
});

test('a malformed document gets a diagnostic at the error, and the server survives and recovers', async (t) => {
  const client = new LspTestClient();
  t.after(() => client.kill());
  await client.initialize();
  const uri = 'file:///ws/broken.yaml';
  const good = readFileSync(join(PETSTORE_DIR, 'openapi.yaml'), 'utf8');
  // Line 10 (0-based 9) gets an unclosed flow mapping.
  const lines = good.split('\n');
  lines[9] = '  /pets: {get: [';
  await client.open(uri, 'yaml', lines.join('\n'));
  await client.until(() => (client.diagnostics.get(uri) ?? []).some((d) => d.severity === 1));
  const errors = client.diagnostics.get(uri)!.filter((d) => d.severity === 1);
  assert.ok(errors.every((d) => d.source === 'tapline'));
  assert.ok(errors.some((d) => d.range.start.line >= 9), `an error at or after the broken line: ${JSON.stringify(errors)}`);

  await client.change(uri, good, 2);
  await client.until(() => (client.diagnostics.get(uri) ?? []).every((d) => d.severity !== 1));
  await client.shutdown();
});

test('broken documents (alias bomb, 100 MB, circular refs) get diagnostics while the server keeps answering', async (t) => {
  const client = new LspTestClient();
  t.after(() => client.kill());
  await client.initialize();
  const head = 'openapi: 3.0.3\ninfo:\n  title: t\n  version: "1"\n';
  let bomb = `${head}paths: {}\nx-a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n`;
  for (let i = 1; i <= 9; i++) bomb += `x-a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]\n`;
  await client.open('file:///ws/bomb.yaml', 'yaml', bomb);
  await client.open('file:///ws/cycles.yaml', 'yaml', `${head}paths:\n  /a: {$ref: "#/paths/~1a"}\ncomponents:\n  schemas:\n    A: {$ref: "#/components/schemas/B"}\n    B: {properties: {a: {$ref: "#/components/schemas/A"}, x: {$ref: "#/nowhere"}}}\n`);
  const line = `  /r:\n    get: {responses: {"200": {description: "${'x'.repeat(100)}"}}}\n`;
  await client.open('file:///ws/huge.yaml', 'yaml', head + 'paths:\n' + line.repeat(Math.ceil((100 * 2 ** 20) / line.length)));
  await client.until(() => (client.diagnostics.get('file:///ws/huge.yaml') ?? []).some((d) => d.code === 'spec:too-large'), 'the too-large diagnostic of the 100 MB document');
  await client.until(() => client.diagnostics.has('file:///ws/bomb.yaml') && client.diagnostics.has('file:///ws/cycles.yaml'), 'diagnostics for the alias bomb and the cycles');
  // The server still answers requests about an ordinary document opened after them.
  const uri = 'file:///ws/openapi.yaml';
  await client.open(uri, 'yaml', readFileSync(join(PETSTORE_DIR, 'openapi.yaml'), 'utf8'));
  const hover = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
  assert.ok(hover === null || typeof hover === 'object');
  await client.shutdown();
});

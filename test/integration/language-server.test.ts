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

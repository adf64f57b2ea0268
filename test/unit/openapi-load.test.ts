import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSpec } from '../../core/src/openapi/load';
import { parseYaml } from '../../core/src/openapi/parse-yaml';
import { parseJson } from '../../core/src/openapi/parse-json';
import { resolveUri } from '../../core/src/openapi/uri';
import { fixtureUri, loadFixture, loadModel, memoryFs } from './openapi-helpers';

test('OpenAPI 3.0 petstore: operations, parameters, responses, servers, positions', async () => {
  const spec = await loadFixture('oai/v3.0/petstore.yaml');
  assert.deepEqual(spec.diagnostics, []);
  const m = spec.model!;
  assert.equal(m.version, '3.0');
  assert.deepEqual(m.operations.map((o) => o.key), ['GET /pets', 'POST /pets', 'GET /pets/{petId}']);
  assert.equal(m.servers[0]?.host, 'petstore.swagger.io');
  assert.deepEqual(m.servers[0]?.basePaths, ['/v1']);
  const list = m.operations[0]!;
  assert.equal(list.operationId, 'listPets');
  assert.deepEqual(list.parameters.map((p) => [p.name, p.in, p.required]), [['limit', 'query', false]]);
  assert.deepEqual([...list.responses.keys()], ['200', 'default']);
  const ok = list.responses.get('200')!;
  assert.deepEqual([...ok.content.keys()], ['application/json']);
  assert.deepEqual(ok.headers, ['x-next']);
  // The operation's range starts at the line after `get:` (line 11, zero-based 10 → value on 11).
  assert.equal(list.ref.pointer, '/paths/~1pets/get');
  assert.equal(list.ref.location?.range.start.line, 11);
  assert.equal(ok.ref.location?.range.start.line, 25);
});

test('uspto: server variables expand, base path kept, form request body', async () => {
  const m = await loadModel('oai/v3.0/uspto.yaml');
  assert.equal(m.servers[0]?.host, 'developer.uspto.gov');
  assert.deepEqual(m.servers[0]?.basePaths, ['/ds-api']);
  const search = m.operations.find((o) => o.operationId === 'perform-search')!;
  assert.deepEqual([...search.requestBody!.content.keys()], ['application/x-www-form-urlencoded']);
  assert.deepEqual(search.parameters.map((p) => p.name).sort(), ['dataset', 'version']);
});

test('Swagger 2.0 multi-file: refs across files, body parameter → request body, locations in the target file', async () => {
  const spec = await loadFixture('oai/v2.0/petstore-separate/spec/swagger.json');
  assert.deepEqual(spec.diagnostics, []);
  assert.equal(spec.documents.size, 5);
  const m = spec.model!;
  assert.equal(m.version, '2.0');
  assert.deepEqual(m.servers[0]?.basePaths, ['/api']);
  assert.equal(m.servers[0]?.host, 'petstore.swagger.wordnik.com');
  const find = m.operations.find((o) => o.operationId === 'findPets')!;
  const tags = find.parameters.find((p) => p.name === 'tags')!;
  assert.ok(tags.ref.uri.endsWith('/spec/parameters.json'));
  assert.equal(tags.ref.pointer, '/tagsParam');
  assert.equal(tags.ref.location?.range.start.line, 1);
  assert.equal((tags.schema?.value as { type: string }).type, 'array');
  const add = m.operations.find((o) => o.operationId === 'addPet')!;
  assert.equal(add.requestBody?.required, true);
  assert.ok(add.requestBody?.content.has('application/json'));
});

test('OpenAPI 3.1 webhook example and callbacks are read; webhooks are not paths', async () => {
  const m31 = await loadModel('oai/v3.1/webhook-example.yaml');
  assert.equal(m31.version, '3.1');
  assert.deepEqual(m31.operations.map((o) => o.key), ['GET /pets']);
  const cb = await loadModel('oai/v3.0/callback-example.yaml');
  assert.deepEqual(cb.operations.map((o) => o.key), ['POST /streams']);
});

test('duplicate keys (the real petstore-expanded) give a diagnostic at the key, and the model still loads', async () => {
  const spec = await loadFixture('oai/v3.0/petstore-expanded.yaml');
  const dup = spec.diagnostics.filter((d) => d.code === 'yaml:DUPLICATE_KEY');
  assert.ok(dup.length >= 1, JSON.stringify(spec.diagnostics));
  assert.equal(dup[0]?.range.start.line, 34); // the second `operationId:`
  assert.equal(spec.model?.operations.length, 4);
});

test('malformed YAML and JSON give diagnostics at the error, never a throw', async () => {
  const y = parseYaml('mem:/a.yaml', 'openapi: 3.0.0\npaths:\n  /a:\n    get: [\n');
  assert.ok(y.diagnostics.length > 0);
  assert.ok(y.diagnostics[0]!.range.start.line >= 3);
  const j = parseJson('mem:/a.json', '{\n  "openapi": "3.0.0",\n  "paths": {\n    "/a": {\n  }\n');
  assert.ok(j.diagnostics.length > 0);
  assert.equal(j.diagnostics[0]!.severity, 'error');
  const spec = await loadSpec('mem:/a.yaml', memoryFs({ 'mem:/a.yaml': ': : :\n\t- x' }));
  assert.ok(spec.diagnostics.length > 0);
});

test('unresolvable and cyclic $refs are diagnostics; missing files are reported at the $ref', async () => {
  const files = {
    'mem:/api.yaml': [
      'openapi: 3.0.3',
      'info: {title: t, version: "1"}',
      'paths:',
      '  /a:',
      '    $ref: "#/x/loop"',
      '  /b:',
      '    get:',
      '      parameters:',
      '        - $ref: "#/components/parameters/Nope"',
      '        - $ref: "other.yaml#/P"',
      '      responses: {"200": {description: ok}}',
      'x:',
      '  loop: {$ref: "#/x/loop2"}',
      '  loop2: {$ref: "#/x/loop"}',
      '',
    ].join('\n'),
  };
  const spec = await loadSpec('mem:/api.yaml', memoryFs(files));
  const codes = spec.diagnostics.map((d) => d.code).sort();
  assert.deepEqual(codes, ['ref:missing-file', 'ref:unresolved', 'ref:unresolved', 'ref:unresolved']);
  const missing = spec.diagnostics.find((d) => d.code === 'ref:missing-file')!;
  assert.equal(missing.range.start.line, 9);
  assert.deepEqual(spec.model?.operations.map((o) => o.key), ['GET /b']);
});

test('relative URI resolution', () => {
  assert.equal(resolveUri('file:///a/b/spec.yaml', '../common/E.yaml'), 'file:///a/common/E.yaml');
  assert.equal(resolveUri('file:///a/b/spec.yaml', './x.json'), 'file:///a/b/x.json');
  assert.equal(resolveUri('/a/b/spec.yaml', 'c/d.yaml'), '/a/b/c/d.yaml');
  assert.ok(fixtureUri('x').startsWith('file:///'));
});

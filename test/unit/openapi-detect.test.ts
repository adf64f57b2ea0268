import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectOpenApi } from '../../core/src/openapi/detect';

test('detects OpenAPI 3 YAML, Swagger 2 JSON and ignores other documents', () => {
  assert.deepEqual(detectOpenApi('# petstore\nopenapi: 3.0.3\ninfo: {}\n'), { kind: 'openapi', version: '3.0.3' });
  assert.deepEqual(detectOpenApi('{\n  "swagger": "2.0",\n  "info": {}\n}'), { kind: 'swagger', version: '2.0' });
  assert.deepEqual(detectOpenApi('{"openapi":"3.1.0"}'), { kind: 'openapi', version: '3.1.0' });
  assert.equal(detectOpenApi('name: build\non: push\n'), undefined);
  assert.equal(detectOpenApi('  nested:\n    openapi: 3.0.0\n'), undefined, 'only a root-level key counts');
  assert.deepEqual(detectOpenApi('{\n  "info": {"title": "x"},\n  "openapi": "3.1.0"\n}'), { kind: 'openapi', version: '3.1.0' });
  assert.equal(detectOpenApi('x'.repeat(5000) + '\nopenapi: 3.0.0'), undefined, 'only the head is read');
});

test('a YAML key whose quotes do not pair up is not the openapi key (found by the openapi-loader fuzz at 10⁶)', () => {
  assert.equal(detectOpenApi('openapi": "3.0.0"\ninfo:\n  title: x\n'), undefined);
  assert.equal(detectOpenApi("'swagger: '2.0'\n"), undefined);
  assert.deepEqual(detectOpenApi('"openapi": "3.1.0"\n'), { kind: 'openapi', version: '3.1.0' });
  assert.deepEqual(detectOpenApi("'swagger': '2.0'\n"), { kind: 'swagger', version: '2.0' });
});

test('a lone carriage return does not start a line: YAML reads `\ropenapi` as the key (the same fuzz run)', () => {
  assert.equal(detectOpenApi('\ropenapi: 3.1.0\ninfo:\n  title: x\n'), undefined);
  assert.equal(detectOpenApi('x: 1\ropenapi: 3.1.0\n'), undefined);
  assert.deepEqual(detectOpenApi('info:\r\n  title: x\r\nopenapi: 3.1.0\r\n'), { kind: 'openapi', version: '3.1.0' });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSpec } from '../../core/src/openapi/load';
import type { LoadedSpec, SchemaRef } from '../../core/src/openapi/model';
import { SchemaValidator } from '../../core/src/schema/validator';
import { loadFixture, memoryFs } from './openapi-helpers';

function responseSchema(spec: LoadedSpec, key: string, status: string): SchemaRef {
  const op = spec.model!.operations.find((o) => o.key === key)!;
  return op.responses.get(status)!.content.get('application/json')!.schema!;
}

test('petstore: valid and invalid pets, errors located at the schema in the source', async () => {
  const spec = await loadFixture('oai/v3.0/petstore.yaml');
  const v = new SchemaValidator(spec.documents);
  const s = responseSchema(spec, 'GET /pets', '200');
  assert.deepEqual(v.validate(s, [{ id: 1, name: 'Rex' }], 'response'), []);
  const errs = v.validate(s, [{ id: 'one', name: 'Rex' }, { id: 2 }], 'response');
  const type = errs.find((e) => e.keyword === 'type')!;
  assert.equal(type.instancePath, '/0/id');
  assert.equal(type.schema.pointer, '/components/schemas/Pet/properties/id');
  assert.equal(type.value, 'one');
  const req = errs.find((e) => e.keyword === 'required')!;
  assert.equal(req.params.missingProperty, 'name');
  assert.equal(req.schema.pointer, '/components/schemas/Pet');
  // The format int64 of id is known; int32 range is checked.
  const err = responseSchema(spec, 'GET /pets', 'default');
  assert.equal(v.validate(err, { code: 2 ** 40, message: 'x' }, 'response')[0]?.keyword, 'format');
  assert.ok(v.compiledCount >= 2);
});

test('multi-file Swagger 2.0: schema in another file, error points there', async () => {
  const spec = await loadFixture('oai/v2.0/petstore-separate/spec/swagger.json');
  const v = new SchemaValidator(spec.documents);
  const op = spec.model!.operations.find((o) => o.operationId === 'find pet by id')!;
  const s = op.responses.get('200')!.content.get('application/json')!.schema!;
  const errs = v.validate(s, { id: 1, name: 5 }, 'response');
  assert.equal(errs.length, 1);
  assert.ok(errs[0]!.schema.uri.endsWith('/spec/Pet.json'));
  assert.equal(errs[0]!.schema.pointer, '/properties/name');
});

const DIALECT = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /x:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Thing"}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
components:
  schemas:
    Thing:
      type: object
      additionalProperties: false
      required: [id, secret, kind]
      properties:
        id: {type: integer, readOnly: true, minimum: 0, exclusiveMinimum: true}
        secret: {type: string, writeOnly: true}
        kind: {type: string, enum: [a, b], example: a}
        note: {type: string, nullable: true}
        child: {$ref: "#/components/schemas/Thing"}
`;

test('3.0 dialect: nullable, readOnly/writeOnly by direction, boolean exclusiveMinimum, enum, additionalProperties, cycles', async () => {
  const spec = await loadSpec('mem:/a.yaml', memoryFs({ 'mem:/a.yaml': DIALECT }));
  const v = new SchemaValidator(spec.documents);
  const op = spec.model!.operations[0]!;
  const req = op.requestBody!.content.get('application/json')!.schema!;
  const res = op.responses.get('200')!.content.get('application/json')!.schema!;
  assert.deepEqual(v.validate(req, { secret: 's', kind: 'a', note: null }, 'request'), [], 'id is readOnly: not required in requests');
  assert.deepEqual(v.validate(res, { id: 1, kind: 'b' }, 'response'), [], 'secret is writeOnly: not required in responses');
  const kw = (value: unknown) => v.validate(res, value, 'response').map((e) => e.keyword).sort();
  assert.deepEqual(kw({ id: 0, kind: 'a' }), ['exclusiveMinimum']);
  assert.deepEqual(kw({ id: 1, kind: 'c' }), ['enum']);
  assert.deepEqual(kw({ id: 1, kind: 'a', extra: 1 }), ['additionalProperties']);
  assert.deepEqual(kw({ id: 1, kind: 'a', child: { id: 2, kind: 'z' } }), ['enum'], 'recursive schema');
  const enumErr = v.validate(res, { id: 1, kind: 'c' }, 'response')[0]!;
  assert.equal(enumErr.schema.pointer, '/components/schemas/Thing/properties/kind');
  assert.equal(enumErr.value, 'c');
});

test('3.1 schemas validate as 2020-12 (type arrays, $ref siblings)', async () => {
  const doc = `openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /x:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/N"
                description: a number or null
components:
  schemas:
    N: {type: [integer, "null"], maximum: 5}
`;
  const spec = await loadSpec('mem:/b.yaml', memoryFs({ 'mem:/b.yaml': doc }));
  const v = new SchemaValidator(spec.documents);
  const s = spec.model!.operations[0]!.responses.get('200')!.content.get('application/json')!.schema!;
  assert.deepEqual(v.validate(s, null, 'response'), []);
  assert.equal(v.validate(s, 9, 'response')[0]?.keyword, 'maximum');
});

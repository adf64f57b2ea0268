import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffSpec } from '../../core/src/diff/diff';
import type { DiffFinding } from '../../core/src/diff/finding';
import type { Finding } from '../../core/src/messages/finding';
import { loadSpec } from '../../core/src/openapi/load';
import type { LoadedSpec } from '../../core/src/openapi/model';
import { conformingTx, tx } from './diff-helpers';
import { loadFixture, memoryFs } from './openapi-helpers';

const codes = (fs: DiffFinding[]): string[] => fs.map((f) => f.code).sort();

async function petstore(): Promise<LoadedSpec> {
  return loadFixture('oai/v3.0/petstore.yaml');
}

function allOps(spec: LoadedSpec) {
  return spec.model!.operations.map((op) => conformingTx(spec, op, '/v1'));
}

test('conforming traffic for every operation: no findings', async () => {
  const spec = await petstore();
  assert.deepEqual(diffSpec(spec, allOps(spec)), []);
});

test('undocumented-endpoint: templated, located at paths, with an add-operation fix inferred from samples', async () => {
  const spec = await petstore();
  const fs = diffSpec(spec, [
    ...allOps(spec),
    tx({ path: '/v1/orders/123', query: [['expand', 'items']], resBody: { id: 123, total: 9.5, status: 'open' } }),
    tx({ path: '/v1/orders/456', query: [['expand', 'all']], resBody: { id: 456, total: 3, status: 'open' } }),
  ]);
  assert.deepEqual(codes(fs), ['undocumented-endpoint']);
  const f = fs[0]!;
  assert.equal(f.path, '/orders/{orderId}');
  assert.equal(f.method, 'GET');
  assert.equal(f.count, 2);
  assert.equal(f.location?.range.start.line, 8, 'the `paths:` key');
  const fix = f.fixes[0]!;
  assert.equal(fix.kind, 'add-operation');
  if (fix.kind === 'add-operation') {
    assert.deepEqual(fix.operation.parameters.map((p) => [p.name, p.in, p.required, p.schema]), [
      ['orderId', 'path', true, { type: 'integer' }],
      ['expand', 'query', true, { type: 'string' }],
    ]);
    assert.deepEqual(fix.operation.responses[0]?.schema, {
      type: 'object',
      properties: { id: { type: 'integer' }, total: { type: 'number' }, status: { type: 'string' } },
      required: ['id', 'total', 'status'],
    });
  }
});

test('undocumented-method and unused-operation (with the observation window)', async () => {
  const spec = await petstore();
  const fs = diffSpec(spec, [tx({ path: '/v1/pets', resBody: [] }), tx({ method: 'DELETE', path: '/v1/pets/7', status: 204 })]);
  assert.deepEqual(codes(fs), ['undocumented-method', 'unused-operation', 'unused-operation']);
  const m = fs.find((f) => f.code === 'undocumented-method')!;
  assert.equal(m.path, '/pets/{petId}');
  assert.equal(m.fixes[0]?.kind, 'add-method');
  const u = fs.find((f) => f.code === 'unused-operation')!;
  assert.equal(u.severity, 'info');
  assert.match(u.message, /2 calls to this API were observed \(2023-/);
  assert.deepEqual(u.fixes.map((x) => x.kind), ['mark-deprecated', 'remove-operation']);
});

test('undocumented-status only when neither the code, a range nor default describes it', async () => {
  const spec = await petstore();
  // POST /pets has 201 + default: anything goes. The uspto GET /{dataset}/{version}/fields has 200 and 404 only.
  assert.deepEqual(diffSpec(spec, [tx({ method: 'POST', path: '/v1/pets', status: 500, resBody: { code: 1, message: 'x' } })]).filter((f) => f.code === 'undocumented-status'), []);
  const us = await loadFixture('oai/v3.0/uspto.yaml');
  const fs = diffSpec(us, [tx({ path: '/ds-api/oa_citations/v1/fields', status: 503, resBody: { error: 'down' } })]);
  const f = fs.find((x) => x.code === 'undocumented-status')!;
  assert.ok(f);
  assert.equal(f.fixes[0]?.kind, 'add-response');
  assert.equal(f.location?.range.start.line, 92, 'the `responses:` key of the operation');
});

test('response-body-mismatch: wrong type, missing required, with fixes and schema locations', async () => {
  const spec = await petstore();
  const fs = diffSpec(spec, [
    tx({ path: '/v1/pets', resBody: [{ id: 'x', name: 'a' }, { id: 'y', name: 'b' }, { id: 3 }] }),
  ]);
  const type = fs.find((f) => f.code === 'response-body-mismatch' && f.fixes[0]?.kind === 'widen-type')!;
  assert.equal(type.count, 2, 'same problem at /0/id and /1/id is one finding');
  assert.match(type.message, /is string, expected integer/);
  assert.equal(type.location?.range.start.line, 89, 'the `type:` of Pet.id');
  const req = fs.find((f) => f.fixes[0]?.kind === 'make-optional')!;
  assert.deepEqual(req.fixes[0], { kind: 'make-optional', schema: { uri: spec.rootUri, pointer: '/components/schemas/Pet' }, property: 'name' });
  assert.equal(req.severity, 'error');
});

const SMALL = `openapi: 3.0.3
info: {title: Orders, version: "1"}
servers: [{url: "https://api.example.com"}]
security: [{bearer: []}]
paths:
  /orders:
    post:
      parameters:
        - {name: X-Tenant, in: header, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              required: [sku]
              properties:
                sku: {type: string}
                kind: {type: string, enum: [normal, express]}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {type: object}
  /health:
    get:
      security: []
      responses:
        "200": {description: ok}
  /users/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
        "500": {description: oops}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
`;

async function small() {
  return loadSpec('mem:/orders.yaml', memoryFs({ 'mem:/orders.yaml': SMALL }));
}

test('request-body-mismatch, undocumented-parameter, missing-required-parameter, undocumented-content-type', async () => {
  const spec = await small();
  const auth: [string, string] = ['Authorization', 'Bearer [REDACTED]'];
  const fs = diffSpec(spec, [
    tx({ method: 'POST', path: '/orders', headers: [auth, ['X-Tenant', 't']], reqBody: { sku: 'a', kind: 'slow', gift: true }, status: 201, resBody: {} }),
    tx({ method: 'POST', path: '/orders', headers: [auth, ['X-Trace-Me', '1']], query: [['dryRun', 'true']], reqBody: { sku: 'b' }, status: 201, resBody: 'ok', resType: 'text/plain' }),
    tx({ path: '/health' }),
    tx({ path: '/users/1', headers: [auth], resBody: {} }),
  ]);
  const byCode = (c: string) => fs.filter((f) => f.code === c);
  assert.deepEqual(byCode('request-body-mismatch').map((f) => f.fixes[0]?.kind).sort(), ['add-enum-value', 'add-property']);
  const enumFix = byCode('request-body-mismatch').find((f) => f.fixes[0]?.kind === 'add-enum-value')!.fixes[0]!;
  assert.deepEqual(enumFix.kind === 'add-enum-value' && enumFix.value, 'slow');
  assert.deepEqual(byCode('undocumented-parameter').map((f) => f.id.split('|').slice(2).join('|')).sort(), ['header|x-trace-me', 'query|dryRun']);
  const q = byCode('undocumented-parameter').find((f) => f.id.endsWith('dryRun'))!.fixes[0]!;
  assert.deepEqual(q.kind === 'add-parameter' && q.parameter, { name: 'dryRun', in: 'query', required: false, schema: { type: 'boolean' } });
  assert.equal(byCode('missing-required-parameter').length, 1);
  assert.equal(byCode('missing-required-parameter')[0]!.location?.range.start.line, 8);
  const ct = byCode('undocumented-content-type');
  assert.equal(ct.length, 1);
  assert.deepEqual(ct[0]!.fixes[0], { kind: 'add-media-type', owner: { uri: 'mem:/orders.yaml', pointer: '/paths/~1orders/post/responses/201' }, mediaType: 'text/plain', schema: { type: 'string' } });
});

test('security: auth-not-enforced, undocumented-auth, credentials-in-query, sensitive-data-exposed, error-details-leaked', async () => {
  const spec = await small();
  const fs = diffSpec(spec, [
    tx({ path: '/users/1', resBody: { email: '[REDACTED]' }, redactions: [{ kind: 'email', location: 'response.body', name: '/email', count: 1 }] }),
    tx({ path: '/health', headers: [['X-API-Key', '[REDACTED]']] }),
    tx({ path: '/users/2', query: [['api_key', '[REDACTED]']], resBody: {} }),
    tx({ path: '/users/3', headers: [['Authorization', 'Bearer x']], status: 500, resType: 'text/plain', resBody: 'TypeError: Cannot read properties of undefined\n    at handler (/srv/app/users.js:42:13)\n    at process (node:internal/x:1:2)' }),
  ]);
  const got = codes(fs);
  for (const c of ['auth-not-enforced', 'undocumented-auth', 'credentials-in-query', 'sensitive-data-exposed', 'error-details-leaked']) assert.ok(got.includes(c), `${c} in ${got.join(',')}`);
  const ua = fs.find((f) => f.code === 'undocumented-auth')!;
  assert.deepEqual(ua.fixes[0], {
    kind: 'add-security',
    operation: { uri: 'mem:/orders.yaml', pointer: '/paths/~1health/get' },
    requirement: { apiKeyAuth: [] },
    newScheme: { name: 'apiKeyAuth', definition: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
  });
  const leak = fs.find((f) => f.code === 'error-details-leaked')!;
  assert.match(leak.message, /stack trace \(JavaScript\)/);
  assert.equal(fs.find((f) => f.code === 'auth-not-enforced')!.location?.range.start.line, 3, 'root `security:`');
});

test('severities are configurable per code, and off removes the code', async () => {
  const spec = await petstore();
  const fs = diffSpec(spec, [tx({ path: '/v1/pets', resBody: [] })], { severities: { 'unused-operation': 'off' } });
  assert.deepEqual(fs, []);
  const fs2 = diffSpec(spec, [tx({ path: '/v1/nope' })], { severities: { 'undocumented-endpoint': 'error' } });
  assert.equal(fs2.find((f) => f.code === 'undocumented-endpoint')?.severity, 'error');
});

test('a DiffFinding converts into the shared wire Finding', async () => {
  const { toFinding } = await import('../../core/src/diff/to-message');
  const spec = await petstore();
  const [f] = diffSpec(spec, [tx({ path: '/v1/nope', status: 404 })]).filter((x) => x.code === 'undocumented-endpoint');
  const wire: Finding = toFinding(f!);
  assert.equal(wire.severity, 'warning');
  assert.equal(wire.location?.range.start.line, 8);
  assert.deepEqual(wire.fixes, [{ title: 'Add GET /nope to the spec', kind: 'add-operation' }]);
  assert.equal(toFinding({ ...f!, severity: 'info' }).severity, 'information');
});

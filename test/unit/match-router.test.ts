import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadSpec } from '../../core/src/openapi/load';
import { Router } from '../../core/src/match/router';
import { loadModel, memoryFs, readUri } from './openapi-helpers';

async function inline(yaml: string) {
  const spec = await loadSpec('mem:/a.yaml', memoryFs({ 'mem:/a.yaml': yaml }));
  return new Router(spec.model!);
}

test('petstore: base path from servers, templates, methods', async () => {
  const r = new Router(await loadModel('oai/v3.0/petstore.yaml'));
  const m = r.match({ method: 'GET', path: '/v1/pets/42', service: 'petstore.swagger.io' });
  assert.equal(m.kind, 'operation');
  if (m.kind === 'operation') {
    assert.equal(m.operation.operationId, 'showPetById');
    assert.deepEqual(m.params, { petId: '42' });
    assert.equal(m.basePath, '/v1');
  }
  // Dev traffic often arrives without the public base path.
  const bare = r.match({ method: 'GET', path: '/pets', service: 'localhost:8080' });
  assert.equal(bare.kind === 'operation' && bare.operation.operationId, 'listPets');
  assert.equal(r.match({ method: 'DELETE', path: '/v1/pets/1' }).kind, 'method-not-documented');
  assert.equal(r.match({ method: 'GET', path: '/v1/owners' }).kind, 'no-path');
  assert.equal(r.match({ method: 'GET', path: '/v1/pets/' }).kind, 'operation', 'trailing slash');
  const enc = r.match({ method: 'GET', path: '/v1/pets/a%20b' });
  assert.deepEqual(enc.kind === 'operation' && enc.params, { petId: 'a b' });
});

test('precedence: concrete before partial before templated; first path with the method wins', async () => {
  const r = await inline(`openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /users/{id}:
    get: {responses: {"200": {description: ok}}}
    delete: {responses: {"204": {description: ok}}}
  /users/me:
    get: {responses: {"200": {description: ok}}}
  /users/{id}.json:
    get: {responses: {"200": {description: ok}}}
  /files/{name}.{ext}:
    get: {responses: {"200": {description: ok}}}
`);
  const me = r.match({ method: 'GET', path: '/users/me' });
  assert.equal(me.kind === 'operation' && me.pathItem.path, '/users/me');
  const del = r.match({ method: 'DELETE', path: '/users/me' });
  assert.equal(del.kind === 'operation' && del.pathItem.path, '/users/{id}', 'concrete path lacks DELETE → templated one');
  const js = r.match({ method: 'GET', path: '/users/7.json' });
  assert.equal(js.kind === 'operation' && js.pathItem.path, '/users/{id}.json');
  assert.deepEqual(js.kind === 'operation' && js.params, { id: '7' });
  const f = r.match({ method: 'GET', path: '/files/report.tar.gz' });
  assert.deepEqual(f.kind === 'operation' && f.params, { name: 'report', ext: 'tar.gz' });
  assert.equal(r.match({ method: 'GET', path: '/users' }).kind, 'no-path');
  assert.equal(r.match({ method: 'GET', path: '/users/1/2' }).kind, 'no-path');
});

test('Swagger 2.0 basePath and uspto server variables', async () => {
  const r2 = new Router(await loadModel('oai/v2.0/petstore-separate/spec/swagger.json'));
  const m = r2.match({ method: 'DELETE', path: '/api/pets/5' });
  assert.equal(m.kind === 'operation' && m.operation.operationId, 'deletePet');
  const us = new Router(await loadModel('oai/v3.0/uspto.yaml'));
  const root = us.match({ method: 'GET', path: '/ds-api/' });
  assert.equal(root.kind === 'operation' && root.operation.operationId, 'list-data-sets');
  const f = us.match({ method: 'GET', path: '/ds-api/oa_citations/v1/fields' });
  assert.deepEqual(f.kind === 'operation' && f.params, { dataset: 'oa_citations', version: 'v1' });
});

test('GitHub: every operation matches its own path with parameters filled in', async () => {
  const file = path.resolve(import.meta.dirname, '../../node_modules/@octokit/openapi/generated/api.github.com.json');
  const spec = await loadSpec(pathToFileURL(file).href, readUri);
  const r = new Router(spec.model!);
  let wrong = 0;
  for (const op of spec.model!.operations) {
    const concrete = op.path.replace(/\{([^}]+)\}/g, (_, n: string) => `x${n}1`);
    const m = r.match({ method: op.method, path: concrete, service: 'api.github.com' });
    // A concrete sibling may legitimately win (e.g. /user/{account_id} vs /user/emails): the
    // matched template must at least fit the path.
    if (m.kind !== 'operation' || m.operation.method !== op.method) wrong++;
  }
  assert.equal(wrong, 0);
  const repo = r.match({ method: 'GET', path: '/repos/octocat/hello-world/issues/12' });
  assert.equal(repo.kind === 'operation' && repo.operation.path, '/repos/{owner}/{repo}/issues/{issue_number}');
});

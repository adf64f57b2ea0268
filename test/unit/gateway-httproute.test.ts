// Generated HTTPRoutes validate against the Gateway API's published schema
// (@kubernetes-models/gateway-api), for the petstore and all of GitHub's REST description.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { resolvePolicy } from '../../core/src/gateway/decide';
import type { HttpRouteObject } from '../../core/src/gateway/httproute';
import { MAX_RULES_PER_ROUTE, generateHttpRoutes } from '../../core/src/gateway/httproute';
import { emptyPolicy } from '../../core/src/gateway/policy';
import { compileRoutes } from '../../core/src/gateway/routes';
import { loadSpec } from '../../core/src/openapi/load';
import { validateHttpRoute } from '../../server/src/cli/gateway-httproute';
import { runTapline } from '../support/cli';
import { readUri } from './openapi-helpers';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OPTS = { name: 'api', gateway: 'gw', service: 'api', port: 8080, hostnames: ['api.example.com'] };

async function routesOf(file: string) {
  const spec = await loadSpec(pathToFileURL(path.join(ROOT, file)).href, readUri);
  assert.ok(spec.model);
  const routes = compileRoutes(spec.model);
  return { model: spec.model, routes };
}

test("GitHub's 1,223 operations become schema-valid HTTPRoutes, one rule per operation, 16 rules per object", async () => {
  const { model, routes } = await routesOf('node_modules/@octokit/openapi/generated/api.github.com.json');
  const { objects, warnings } = generateHttpRoutes(routes, resolvePolicy(routes, emptyPolicy(), 'enforce'), OPTS);
  assert.deepEqual(warnings, []);
  const rules = objects.flatMap((o) => o.spec.rules);
  assert.equal(rules.length, model.operations.length);
  assert.ok(objects.every((o) => o.spec.rules.length <= MAX_RULES_PER_ROUTE));
  assert.equal(new Set(objects.map((o) => o.metadata.name)).size, objects.length);
  const problems: string[] = [];
  for (const o of objects) {
    const why = await validateHttpRoute(o);
    if (why) problems.push(`${o.metadata.name}: ${why}`);
  }
  assert.deepEqual(problems, []);
  const exact = rules.find((r) => r.matches[0]?.path.value === '/user');
  assert.deepEqual(exact?.matches[0], { method: 'GET', path: { type: 'Exact', value: '/user' } });
  const templated = rules.find((r) => r.matches[0]?.path.value === '^/repos/[^/]+/[^/]+$');
  assert.ok(templated, 'templated paths are regular-expression matches, one segment per parameter');
});

test('the schema check can fail: an invalid object is rejected', async () => {
  const bad = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'x', annotations: {} }, spec: { parentRefs: [{ name: 'gw' }], rules: [{ matches: [{ method: 'FETCH', path: { type: 'Exact', value: '/a' } }], backendRefs: [{ name: 'a', port: 70000 }] }] } };
  assert.ok(await validateHttpRoute(bad as unknown as HttpRouteObject));
});

test('tapline gateway httproute prints YAML objects; denied operations stay unrouted; client blocks are reported as not expressible', async () => {
  const { code, out, err } = await runTapline(['gateway', 'httproute', '--spec', 'test/fixtures/workspaces/petstore/openapi.yaml', '--service', 'pets', '--port', '8080', '--namespace', 'shop', '--deny', 'POST /pets', '--block-ip', '10.0.0.0/8']);
  assert.equal(code, 0, err);
  const docs = parseAllDocuments(out).map((d) => d.toJS() as HttpRouteObject);
  assert.equal(docs.length, 1);
  assert.equal(docs[0]?.metadata.namespace, 'shop');
  assert.deepEqual(docs[0]?.spec.rules.map((r) => `${r.matches[0]?.method} ${r.matches[0]?.path.value}`), ['GET /v1/pets', 'GET ^/v1/pets/[^/]+$']);
  assert.match(err, /not expressible in HTTPRoute/);
  assert.match(err, /denied operation\(s\) are left unrouted/);
});

test('--har with httproute reports what an HTTPRoute would route: 404 for the rest, client blocks not applied', async () => {
  const { code, out } = await runTapline(['gateway', 'httproute', '--spec', 'test/fixtures/workspaces/petstore/openapi.yaml', '--policy', 'test/fixtures/gateway/tapline-gateway.yaml', '--har', 'test/fixtures/gateway/petstore-gateway.har', '--format', 'json']);
  assert.equal(code, 1, 'documented requests sent without the base path are flagged');
  const report = JSON.parse(out) as { requests: { target: string; method: string; decision: string; status?: number }[] };
  const byTarget = (m: string, t: string) => report.requests.find((r) => r.method === m && r.target === t);
  assert.equal(byTarget('DELETE', '/v1/pets/3')?.status, 404, 'an unrouted method is a 404 in the Gateway API');
  assert.ok(report.requests.filter((r) => r.target === '/v1/pets' && r.method === 'GET').every((r) => r.decision === 'allow'), 'client blocks are not part of HTTPRoute');
});

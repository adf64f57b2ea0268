// Report mode blocks nothing and logs what enforce mode would have blocked (held against the
// policy report on the same HAR, request for request); `--snippet` + `--prelude` work inside a
// server block the user wrote; `deny` answers 403. Real nginx, real echo upstream.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import { REPO_ROOT, runTapline } from '../support/cli';
import { NJS_JWT_MODULE } from '../../core/src/gateway/jwt';
import type { Received } from '../support/nginx';
import { freePort, harEntries, nginxGate, nginxPrefix, replay, send, startEchoUpstream, startNginx, waitForLogLines } from '../support/nginx';

const POLICY = 'test/fixtures/gateway/tapline-gateway.yaml';
const HAR = 'test/fixtures/gateway/petstore-gateway.har';

async function cli(...argv: string[]): Promise<string> {
  const r = await runTapline(argv);
  assert.ok(r.code === 0 || (r.code === 1 && argv.includes('--har')), r.err);
  return r.out;
}

let upstream: { server: Server; port: number; received: Received[] } | undefined;

before(async () => {
  upstream = await startEchoUpstream();
});

after(async () => {
  await new Promise<void>((resolve) => (upstream ? upstream.server.close(() => resolve()) : resolve()));
});

test('report mode proxies everything and logs what enforce mode would block, as the policy report predicts', async (t) => {
  if (!nginxGate(t) || !upstream) return;
  const spec = 'test/fixtures/workspaces/petstore/openapi.yaml';
  const port = await freePort();
  const prefix = nginxPrefix();
  writeFileSync(prefix.njsFile, NJS_JWT_MODULE);
  const policy = ['--policy', POLICY, '--deny', 'POST /pets', '--mode', 'report'];
  writeFileSync(path.join(prefix.dir, 'gateway.conf'), await cli('gateway', 'nginx', '--spec', spec, ...policy, '--upstream', `http://127.0.0.1:${upstream.port}`, '--listen', `127.0.0.1:${port}`, '--log', prefix.logFile, '--njs-module', prefix.njsFile));
  const nginx = await startNginx(prefix.dir, port);
  try {
    const report = JSON.parse(await cli('gateway', 'nginx', '--spec', spec, ...policy, '--har', HAR, '--format', 'json')) as {
      mode: string;
      requests: { method: string; target: string; clientIp: string; decision: string; reason?: string }[];
    };
    assert.equal(report.mode, 'report');
    const entries = harEntries(path.join(REPO_ROOT, HAR));
    const statuses: number[] = [];
    const sent: string[] = [];
    for (const [i, entry] of entries.entries()) {
      const predicted = report.requests[i];
      assert.ok(predicted);
      const answer = await replay(port, entry, predicted.clientIp);
      statuses.push(answer.status);
      if (answer.status !== 400) sent.push(`${entry.request.method} ${answer.target}`);
    }
    const log = await waitForLogLines(prefix.logFile, entries.length);
    // nginx itself refuses a bad escape (400, before any location); everything else reaches the upstream.
    assert.deepEqual(statuses.map((s, i) => (s === 400 ? `#${i} 400` : s)), statuses.map((_, i) => (entries[i]?.request.url.includes('%zz') ? `#${i} 400` : 200)));
    assert.deepEqual(upstream.received.slice(-sent.length).map((r) => `${r.method} ${r.url}`), sent);
    const mismatches = log
      .map((l, i) => ({ l, p: report.requests[i] }))
      .filter(({ l, p }) => l.decision !== '' && (l.decision !== p?.decision || l.reason !== (p.reason ?? '')))
      .map(({ l, p }) => `${l.method} ${l.target}: nginx ${l.decision}/${l.reason}, report ${p?.decision}/${p?.reason ?? ''}`);
    assert.deepEqual(mismatches, []);
    const reasons = new Set(log.map((l) => l.reason));
    for (const r of ['path-not-documented', 'method-not-documented', 'ambiguous-path', 'operation-denied', 'client-blocked:scraper', 'client-blocked:leaked-key', 'client-blocked:mallory']) assert.ok(reasons.has(r), `logged: ${r}`);
    assert.ok(log.every((l) => l.decision === 'allow' || l.decision === 'would-block' || l.decision === ''), 'report mode never blocks');
  } finally {
    await nginx.stop();
  }
});

test('--snippet and --prelude inside a server block the user wrote; deny answers 403', async (t) => {
  if (!nginxGate(t) || !upstream) return;
  const spec = 'test/fixtures/openapi/oai/v3.0/petstore-expanded.yaml';
  const port = await freePort();
  const prefix = nginxPrefix();
  const args = ['--spec', spec, '--deny', 'DELETE /pets/{id}', '--upstream', `http://127.0.0.1:${upstream.port}`, '--listen', `127.0.0.1:${port}`, '--log', prefix.logFile];
  const prelude = await cli('gateway', 'nginx', ...args, '--prelude');
  const snippet = await cli('gateway', 'nginx', ...args, '--snippet');
  writeFileSync(path.join(prefix.dir, 'locations.conf'), snippet);
  writeFileSync(path.join(prefix.dir, 'gateway.conf'), `${prelude}\nserver {\n    listen 127.0.0.1:${port};\n    # the user's own settings\n    client_max_body_size 2m;\n    include ${path.join(prefix.dir, 'locations.conf')};\n}\n`);
  const nginx = await startNginx(prefix.dir, port);
  try {
    const list = await send(port, 'GET', '/v2/pets?tags=a');
    assert.deepEqual([list.status, list.headers['x-upstream']], [200, 'echo']);
    const one = await send(port, 'GET', '/v2/pets/7');
    assert.equal(one.status, 200);
    const del = await send(port, 'DELETE', '/v2/pets/7');
    assert.equal(del.status, 403);
    assert.deepEqual(JSON.parse(del.body), { error: 'forbidden', reason: 'operation-denied' });
    const undocumented = await send(port, 'GET', '/v2/pets/7/owner');
    assert.equal(undocumented.status, 404);
    const log = await waitForLogLines(prefix.logFile, 4);
    assert.deepEqual(log.map((l) => `${l.decision} ${l.reason} ${l.operation}`), ['allow  GET /pets', 'allow  GET /pets/{id}', 'block operation-denied DELETE /pets/{id}', 'block path-not-documented ']);
  } finally {
    await nginx.stop();
  }
});

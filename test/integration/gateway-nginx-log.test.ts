// The generated gateway's own access log read back: real nginx with the generated configuration
// (enforce mode), real curl requests (one from 127.0.0.2, the policy's blocked address), then
// `tapline diff --log` and `tapline gateway --traffic-log` on the file nginx wrote.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Server } from 'node:http';
import { runTapline } from '../support/cli';
import { NJS_JWT_MODULE } from '../../core/src/gateway/jwt';
import type { Received } from '../support/nginx';
import { freePort, nginxGate, nginxPrefix, startEchoUpstream, startNginx, waitForLogLines } from '../support/nginx';

const SPEC = 'test/fixtures/workspaces/petstore/openapi.yaml';
const POLICY = 'test/fixtures/gateway/tapline-gateway.yaml';

let upstream: { server: Server; port: number; received: Received[] } | undefined;

before(async () => {
  upstream = await startEchoUpstream();
});

after(async () => {
  await new Promise<void>((resolve) => (upstream ? upstream.server.close(() => resolve()) : resolve()));
});

/** curl, the target as given (--path-as-is); returns the status. Asynchronous: the upstream is in this process. */
async function curl(port: number, method: string, target: string, extra: string[] = []): Promise<number> {
  const { stdout } = await promisify(execFile)('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--path-as-is', '-X', method, ...extra, `http://127.0.0.1:${port}${target}`], { encoding: 'utf8' });
  return Number(stdout);
}

test("the gateway's own access log feeds tapline diff --log (the API's answers) and gateway --traffic-log (every request)", async (t) => {
  if (!nginxGate(t) || !upstream) return;
  const port = await freePort();
  const prefix = nginxPrefix();
  writeFileSync(prefix.njsFile, NJS_JWT_MODULE);
  const conf = await runTapline(['gateway', 'nginx', '--spec', SPEC, '--policy', POLICY, '--upstream', `http://127.0.0.1:${upstream.port}`, '--listen', `127.0.0.1:${port}`, '--log', prefix.logFile, '--njs-module', prefix.njsFile]);
  assert.equal(conf.code, 0, conf.err);
  writeFileSync(path.join(prefix.dir, 'gateway.conf'), conf.out);
  const nginx = await startNginx(prefix.dir, port);
  try {
    const sent: Array<[string, string, string[], number]> = [
      ['GET', '/v1/pets?limit=2', [], 200],
      ['GET', '/v1/pets/7', [], 200],
      ['POST', '/v1/pets', ['-H', 'content-type: application/json', '--data', '{"id":1,"name":"rex"}'], 200],
      ['GET', '/v1/admin', [], 404],
      ['PUT', '/v1/pets', [], 405],
      ['GET', '/v1/pets/%zz', [], 400],
      ['GET', '/v1/pets', ['--interface', '127.0.0.2'], 403],
    ];
    const statuses: number[] = [];
    for (const [method, target, extra] of sent) statuses.push(await curl(port, method, target, extra));
    assert.deepEqual(statuses, sent.map(([, , , status]) => status));
    const logged = await waitForLogLines(prefix.logFile, sent.length);
    assert.deepEqual(logged.map((l) => `${l.decision}/${l.reason}`), ['allow/', 'allow/', 'allow/', 'block/path-not-documented', 'block/method-not-documented', '/', 'block/client-blocked:scraper']);

    // diff: only what the API answered (the three allowed requests); the rest is left out, with why.
    const coverage = await runTapline(['diff', '--spec', SPEC, '--log', prefix.logFile, '--coverage', '--format', 'json']);
    assert.equal(coverage.code, 0, coverage.err);
    assert.match(coverage.err, /skipped 4 lines \(first: line 4: blocked by the gateway \(path-not-documented\), not answered by the API\)/);
    const report = JSON.parse(coverage.out) as { operations: Array<{ method: string; path: string; calls: number }> };
    const exercised = report.operations.filter((o) => o.calls > 0).map((o) => `${o.method} ${o.path} ${o.calls}`).sort();
    assert.deepEqual(exercised, ['GET /pets 1', 'GET /pets/{petId} 1', 'POST /pets 1']);
    const diff = await runTapline(['diff', '--spec', SPEC, '--log', prefix.logFile, '--format', 'json', '--fail-on', 'none']);
    assert.equal(diff.code, 0, diff.err);
    const findings = (JSON.parse(diff.out) as { findings: Array<{ code: string; path: string }> }).findings;
    assert.ok(!findings.some((f) => f.path.includes('admin') || f.code === 'undocumented-operation'), JSON.stringify(findings));

    // gateway --traffic-log: every request judged again, as nginx judged it (its own 400 for %zz
    // is the ambiguous path the policy refuses); then what a stricter policy would block.
    const judged = await runTapline(['gateway', 'nginx', '--spec', SPEC, '--policy', POLICY, '--traffic-log', prefix.logFile, '--format', 'json']);
    assert.ok(judged.code === 0 || judged.code === 1, judged.err);
    const requests = (JSON.parse(judged.out) as { requests: Array<{ target: string; clientIp: string; decision: string; reason?: string }> }).requests;
    assert.deepEqual(requests.map((r) => `${r.target} ${r.clientIp} ${r.decision}/${r.reason ?? ''}`), logged.map((l) => (l.decision === '' ? `/v1/pets/%zz ${l.client} block/ambiguous-path` : `${l.target} ${l.client} ${l.decision}/${l.reason}`)));
    const stricter = await runTapline(['gateway', 'nginx', '--spec', SPEC, '--policy', POLICY, '--deny', 'POST /pets', '--traffic-log', prefix.logFile, '--format', 'json']);
    const wouldBlock = (JSON.parse(stricter.out) as { requests: Array<{ target: string; decision: string; reason?: string }> }).requests;
    assert.deepEqual(wouldBlock.map((r) => r.reason ?? ''), ['', '', 'operation-denied', 'path-not-documented', 'method-not-documented', 'ambiguous-path', 'client-blocked:scraper']);
  } finally {
    await nginx.stop();
  }
});

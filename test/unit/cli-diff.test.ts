import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { runTapline } from '../support/cli';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SPEC = 'test/fixtures/openapi/oai/v3.0/petstore.yaml';
const HAR = 'test/fixtures/openapi/petstore-traffic.har';

const run = (...argv: string[]): ReturnType<typeof runTapline> => runTapline(argv);

test('json: findings with code, severity, method, path, message and 1-based locations; exit 1 on errors', async () => {
  const r = await run('diff', '--spec', SPEC, '--har', HAR, '--format', 'json');
  assert.equal(r.code, 1);
  const doc = JSON.parse(r.out) as { findings: { code: string; severity: string; method: string; path: string; message: string; location?: { file: string; line: number } }[] };
  assert.deepEqual(doc.findings.map((f) => `${f.severity} ${f.code} ${f.method} ${f.path}`), [
    'error response-body-mismatch GET /pets/{petId}',
    'error response-body-mismatch GET /pets/{petId}',
    'warning undocumented-endpoint GET /orders/{orderId}',
  ]);
  assert.equal(doc.findings[2]?.location?.file, SPEC);
  assert.equal(doc.findings[2]?.location?.line, 9);
  for (const f of doc.findings) assert.ok(f.message.length > 0);
});

test('--fail-on and --severity decide the exit code', async () => {
  assert.equal((await run('diff', '--spec', SPEC, '--har', HAR, '--fail-on', 'none')).code, 0);
  const relaxed = await run('diff', '--spec', SPEC, '--har', HAR, '--severity', 'response-body-mismatch=warning');
  assert.equal(relaxed.code, 0, relaxed.out);
  assert.equal((await run('diff', '--spec', SPEC, '--har', HAR, '--severity', 'response-body-mismatch=warning', '--fail-on=warning')).code, 1);
  const off = await run('diff', '--spec', SPEC, '--har', HAR, '--severity', 'response-body-mismatch=off', '--severity', 'undocumented-endpoint=off', '--fail-on', 'hint');
  assert.equal(off.code, 0);
  assert.match(off.out, /No findings\./);
});

test('text output: file:line:col severity code: message, and a summary', async () => {
  const r = await run('diff', '--spec', SPEC, '--har', HAR);
  assert.match(r.out, /^test\/fixtures\/openapi\/oai\/v3\.0\/petstore\.yaml:9:1 warning undocumented-endpoint: GET \/orders\/\{orderId\} is served/m);
  assert.match(r.out, /3 findings: 2 error\(s\), 1 warning\(s\), 0 info\n$/);
});

test('sarif: 2.1.0 log with rules, levels, relative artifact locations and regions', async () => {
  const r = await run('diff', '--spec', SPEC, '--har', HAR, '--format', 'sarif');
  const log = JSON.parse(r.out);
  assert.equal(log.version, '2.1.0');
  const run0 = log.runs[0];
  assert.equal(run0.tool.driver.name, 'tapline');
  assert.ok(run0.tool.driver.rules.some((x: { id: string }) => x.id === 'undocumented-endpoint'));
  const res = run0.results.find((x: { ruleId: string }) => x.ruleId === 'undocumented-endpoint');
  assert.equal(res.level, 'warning');
  assert.equal(res.locations[0].physicalLocation.artifactLocation.uri, SPEC);
  assert.equal(res.locations[0].physicalLocation.region.startLine, 9);
  assert.equal(run0.tool.driver.rules[res.ruleIndex].id, 'undocumented-endpoint');
  assert.ok(run0.originalUriBaseIds['%SRCROOT%'].uri.startsWith('file:///'));
});

test('bad input exits 2 with a clear message', async () => {
  let r = await run('diff', '--spec', 'nope.yaml', '--har', HAR);
  assert.equal(r.code, 2);
  assert.match(r.err, /cannot read the spec nope\.yaml/);
  r = await run('diff', '--spec', SPEC, '--har', 'missing.har');
  assert.equal(r.code, 2);
  assert.match(r.err, /cannot read the HAR file/);
  r = await run('diff', '--spec', SPEC, '--har', SPEC);
  assert.equal(r.code, 2);
  assert.match(r.err, /not a usable HAR file/);
  r = await run('diff', '--spec', HAR, '--har', HAR);
  assert.equal(r.code, 2);
  assert.match(r.err, /not an OpenAPI 3\.x or Swagger 2\.0 document/);
  r = await run('diff', '--spec', SPEC);
  assert.equal(r.code, 2);
  assert.match(r.err, /--har <file> or --sensor <ws-url> is required/);
  r = await run('diff', '--spec', SPEC, '--har', HAR, '--format', 'xml');
  assert.equal(r.code, 2);
  r = await run('lint');
  assert.equal(r.code, 2);
  assert.equal((await run('--help')).code, 0);
});

test('the real entry point sets the process exit code', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/src/cli/main.ts', 'diff', '--spec', SPEC, '--har', HAR, '--format', 'json'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  assert.equal(JSON.parse(r.stdout).findings.length, 3);
  const bad = spawnSync(process.execPath, ['--import', 'tsx', 'server/src/cli/main.ts', 'diff'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(bad.status, 2);
});

test('x-tapline-ignore: left out of text and JSON (and of the exit code), reported in SARIF as suppressed', async () => {
  const IGNORING = 'test/fixtures/openapi/ignore/petstore-ignore.yaml';
  const json = await run('diff', '--spec', IGNORING, '--har', HAR, '--format', 'json');
  assert.equal(json.code, 0, 'only the warning is left');
  const doc = JSON.parse(json.out) as { findings: { code: string }[] };
  assert.deepEqual(doc.findings.map((f) => f.code), ['undocumented-endpoint']);
  const sarif = await run('diff', '--spec', IGNORING, '--har', HAR, '--format', 'sarif');
  assert.equal(sarif.code, 0);
  const log = JSON.parse(sarif.out) as { runs: { results: { ruleId: string; suppressions?: { kind: string; justification?: string; properties: { pointer: string; file: string } }[] }[] }[] };
  const suppressed = log.runs[0]!.results.filter((r) => r.suppressions !== undefined);
  assert.equal(suppressed.length, 2);
  for (const r of suppressed) {
    assert.equal(r.ruleId, 'response-body-mismatch');
    assert.deepEqual(r.suppressions, [{ kind: 'inSource', status: 'accepted', justification: 'pets from the legacy store lack a tag', properties: { pointer: '/paths/~1pets~1{petId}/get', file: IGNORING } }]);
  }
  assert.equal(log.runs[0]!.results.filter((r) => r.suppressions === undefined).length, 1);
});

// `tapline diff --sensor`: the headless CLI takes live traffic from a real sensor through the
// engine's own connection code, and says why when the sensor refuses it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { petTrafficHar } from '../e2e/support/traffic-har';
import { runTapline as run } from '../support/cli';
import { startSensorProcess } from '../support/sensor-process';

const SPEC = 'test/fixtures/workspaces/petstore/openapi.yaml';

test('diff --sensor compares what a live sensor streams with the spec; a refused token is a clear error', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tapline-cli-sensor-'));
  const har = join(dir, 'traffic.har');
  writeFileSync(har, JSON.stringify(petTrafficHar()));
  const tokenFile = join(dir, 'token');
  const sensor = await startSensorProcess(tokenFile, ['--listen', '127.0.0.1:0', '--replay', har]);
  t.after(() => sensor.stop());

  const r = await run(['diff', '--spec', SPEC, '--sensor', sensor.url, '--token-file', tokenFile, '--count', '11', '--timeout', '20', '--format', 'json']);
  assert.match(r.err, /11 transactions from the sensor/);
  const doc = JSON.parse(r.out) as { findings: Array<{ code: string; method: string; path: string }> };
  assert.ok(doc.findings.some((f) => f.code === 'undocumented-endpoint' && f.path.includes('/orders/')), JSON.stringify(doc.findings));
  assert.equal(r.code, 0, 'undocumented endpoints are warnings: no failure at the default --fail-on error');

  const wrong = join(dir, 'wrong-token');
  writeFileSync(wrong, 'not-the-token');
  const refused = await run(['diff', '--spec', SPEC, '--sensor', sensor.url, '--token-file', wrong, '--timeout', '2']);
  assert.equal(refused.code, 2);
  assert.match(refused.err, /did not answer within 2 s: .*refused the token \(401\)/);
  assert.ok(!refused.err.includes('not-the-token'), 'the token is never printed');
});

// The diff as a stream (DiffStream; diffSpec is it over a list): counts, callers and unused
// operations are the same whichever window a transaction falls in, and what it holds between
// windows is bounded by the distinct endpoints and statuses, not by the number of transactions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIFF_WINDOW, DiffStream, diffSpec } from '../../core/src/diff/diff';
import { MAX_INFER_SAMPLES, MAX_UNDOCUMENTED_GROUPS } from '../../core/src/diff/aggregates';
import { templatePath } from '../../core/src/inventory/template';
import type { Transaction } from '../../core/src/protocol/transaction';
import { runTapline } from '../support/cli';
import { fromClient, tx } from './diff-helpers';
import { DEPRECATED_OLD, loadText, openapi30 } from './openapi-helpers';

const SPEC = openapi30('stream', `paths:
${DEPRECATED_OLD}  /items/{itemId}:
    get:
      parameters: [{ name: itemId, in: path, required: true, schema: { type: integer } }]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { type: object, required: [id], properties: { id: { type: integer } } }
  /late:
    get:
      responses:
        '200': { description: ok }
`);

/** 5 windows of traffic: every kind of aggregate spread over all of them, /late only in the last. */
function traffic(): Transaction[] {
  const out: Transaction[] = [];
  const n = DIFF_WINDOW * 5;
  for (let i = 0; i < n; i++) {
    if (i % 4 === 0) out.push(fromClient(tx({ path: '/old' }), `10.0.0.${i % 3}`, `agent-10.0.0.${i % 3}`));
    else if (i % 4 === 1) out.push(tx({ path: `/items/${i}`, status: 418, resBody: { id: i } }));
    else if (i % 4 === 2) out.push(tx({ path: `/items/${i}`, resBody: i % 8 === 2 ? { id: 'x' } : { id: i } }));
    else out.push(tx({ path: `/shadow/${i}`, resBody: { ok: true } }));
  }
  out.push(tx({ path: '/late' }));
  return out;
}

const spec = () => loadText(SPEC, 'mem:/s.yaml');

test('counts and callers add up across windows; an operation first called in the last window is not unused', async () => {
  const findings = diffSpec(await spec(), traffic());
  const by = (code: string) => findings.filter((f) => f.code === code);
  const n = DIFF_WINDOW * 5;
  assert.deepEqual(by('undocumented-status').map((f) => [f.count, f.message]), [[n / 4, `GET /items/{itemId} returned 418 (${n / 4}×), which is not described and there is no default response`]]);
  assert.deepEqual(by('undocumented-endpoint').map((f) => [f.path, f.count]), [['/shadow/{shadowId}', n / 4]]);
  assert.match(by('undocumented-endpoint')[0]!.message, new RegExp(`\\(${n / 4} calls to localhost:8080\\)`));
  const zombie = by('deprecated-operation-called');
  assert.equal(zombie.length, 1);
  assert.equal(zombie[0]!.count, n / 4);
  assert.equal(zombie[0]!.callers!.clients.reduce((s, c) => s + c.count, 0), n / 4);
  assert.deepEqual(zombie[0]!.callers!.clients.map((c) => c.value).sort(), ['10.0.0.0', '10.0.0.1', '10.0.0.2']);
  assert.match(zombie[0]!.message, new RegExp(`called ${n / 4} times by 3 clients`));
  const mismatch = by('response-body-mismatch');
  assert.equal(mismatch.length, 1);
  assert.equal(mismatch[0]!.count, n / 8);
  assert.deepEqual(by('unused-operation'), []);
  for (const f of findings) assert.ok(f.sampleIds.length >= 1 && f.sampleIds.length <= 5, f.id);
});

test('the same findings one transaction at a time as from the list, and the stream holds a bounded number of them', async () => {
  const loaded = await spec();
  const all = traffic();
  const stream = new DiffStream(loaded);
  let most = 0;
  for (const t of all) {
    stream.add(t);
    most = Math.max(most, stream.retainedTransactions);
  }
  // The window, plus at most MAX_INFER_SAMPLES per aggregate: the shadow endpoint, status 418 and the deprecated operation.
  assert.ok(most <= DIFF_WINDOW + 3 * MAX_INFER_SAMPLES, `held ${most} of ${all.length}`);
  assert.deepEqual(stream.finish(), diffSpec(loaded, all));
  assert.throws(() => stream.add(all[0]!), /after finish/);
});

test('the inferred fix of an aggregate reads its first transactions, as before', async () => {
  const loaded = await spec();
  const findings = diffSpec(loaded, traffic());
  const shadow = findings.find((f) => f.code === 'undocumented-endpoint')!;
  const fix = shadow.fixes[0]!;
  assert.equal(fix.kind, 'add-operation');
  if (fix.kind !== 'add-operation') return;
  assert.deepEqual(fix.operation.parameters.map((p) => [p.name, p.in, p.schema]), [['shadowId', 'path', { type: 'integer' }]]);
  assert.equal(fix.operation.responses[0]?.status, '200');
});

test("a scanner's thousands of distinct paths: the first MAX_UNDOCUMENTED_GROUPS are findings, calls to later new ones are counted; memory stays bounded", async () => {
  const loaded = await spec();
  const stream = new DiffStream(loaded, { severities: { 'unused-operation': 'off' } });
  const extra = 700;
  // Words, as a scanner tries them: paths that template to themselves, each its own endpoint.
  const paths: string[] = [];
  for (let i = 0; paths.length < MAX_UNDOCUMENTED_GROUPS + extra; i++) {
    const p = `/probe-${[...i.toString(26)].map((c) => String.fromCharCode(97 + parseInt(c, 26))).join('')}/admin`;
    if (templatePath(p) === p) paths.push(p);
  }
  let most = 0;
  for (const p of paths) {
    stream.add(tx({ path: p, status: 404 }));
    stream.add(tx({ path: p, status: 404 }));
    most = Math.max(most, stream.retainedTransactions);
  }
  const findings = stream.finish();
  assert.equal(findings.filter((f) => f.code === 'undocumented-endpoint').length, MAX_UNDOCUMENTED_GROUPS);
  assert.deepEqual(stream.leftOut, { undocumentedCalls: 2 * extra, findingCalls: 0 });
  assert.ok(most <= DIFF_WINDOW + 2 * MAX_UNDOCUMENTED_GROUPS, `held ${most}`);
});

test('tapline diff says on stderr how many calls went to undocumented endpoints past the cap', async () => {
  const lines: string[] = [];
  for (let i = 0; i < MAX_UNDOCUMENTED_GROUPS + 3; i++) {
    const word = [...i.toString(26)].map((c) => String.fromCharCode(97 + parseInt(c, 26))).join('');
    lines.push(JSON.stringify({ remote_addr: '10.0.0.9', request_method: 'GET', request_uri: `/wp-${word}/setup`, status: 404, host: 'petstore.swagger.io' }));
  }
  const r = await runTapline(['diff', '--spec', 'test/fixtures/workspaces/petstore/openapi.yaml', '--log', 'scan.log', '--format', 'json', '--fail-on', 'none'], { files: { 'scan.log': lines.join('\n') + '\n' } });
  assert.equal(r.code, 0, r.err);
  assert.equal((JSON.parse(r.out) as { findings: { code: string }[] }).findings.filter((f) => f.code === 'undocumented-endpoint').length, MAX_UNDOCUMENTED_GROUPS);
  assert.match(r.err, new RegExp(`tapline: 3 calls to undocumented endpoints first seen after the first ${MAX_UNDOCUMENTED_GROUPS} were counted, not listed`));
});

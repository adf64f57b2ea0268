import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffSpec } from '../../core/src/diff/diff';
import type { DiffFinding } from '../../core/src/diff/finding';
import { sunsetOf } from '../../core/src/diff/rules-zombie';
import { ignoreFix, readIgnore } from '../../core/src/diff/suppression';
import { planFix } from '../../core/src/patch/plan';
import { applyTextEdits } from '../../core/src/patch/text-edit';
import type { LoadedSpec } from '../../core/src/openapi/model';
import { fromClient, tx } from './diff-helpers';
import { DEPRECATED_OLD, loadText, openapi30 } from './openapi-helpers';

const SPEC = openapi30('zombies', `paths:
${DEPRECATED_OLD}  /sunset:
    get:
      x-sunset: '2024-06-01'
      responses:
        '200': { description: ok }
  /quiet:
    get:
      x-tapline-ignore: [undocumented-status]
      responses:
        '200': { description: ok }
  /muted:
    get:
      deprecated: true
      x-tapline-ignore: true
      responses:
        '200': { description: ok }
  /reasoned:
    get:
      x-tapline-ignore: { codes: [response-body-mismatch], reason: legacy clients }
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Thing' }
  /shared:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Thing' }
components:
  schemas:
    Thing:
      type: object
      required: [id]
      properties: { id: { type: integer } }
`);

async function spec(text = SPEC): Promise<LoadedSpec> {
  return loadText(text, 'mem:/z.yaml');
}

const byCode = (fs: DiffFinding[], code: string): DiffFinding[] => fs.filter((f) => f.code === code);

test('deprecated-operation-called names who still calls a deprecated operation, most frequent first', async () => {
  const s = await spec();
  const fs = diffSpec(s, [
    fromClient(tx({ path: '/old' }), '10.0.0.7', 'legacy-app/1.2'),
    fromClient(tx({ path: '/old' }), '10.0.0.7', 'legacy-app/1.2'),
    fromClient(tx({ path: '/old' }), '10.0.0.9', 'curl/8.5.0'),
    fromClient(tx({ path: '/quiet' }), '10.0.0.9'),
  ]);
  const [z, ...rest] = byCode(fs, 'deprecated-operation-called');
  assert.equal(rest.length, 0);
  assert.ok(z);
  assert.equal(z.operation, 'GET /old');
  assert.equal(z.count, 3);
  assert.equal(z.severity, 'warning');
  assert.deepEqual(z.callers?.clients, [{ value: '10.0.0.7', count: 2 }, { value: '10.0.0.9', count: 1 }]);
  assert.deepEqual(z.callers?.userAgents, [{ value: 'legacy-app/1.2', count: 2 }, { value: 'curl/8.5.0', count: 1 }]);
  assert.match(z.message, /GET \/old is deprecated but was called 3 times by 2 clients: 10\.0\.0\.7 \(2\), 10\.0\.0\.9 \(1\); user agents: legacy-app\/1\.2 \(2\)/);
  assert.equal(z.location?.range.start.line, 4, 'the `get:` key of /old');
});

test('x-sunset counts only calls made after the sunset date', async () => {
  const s = await spec();
  const before = Date.parse('2024-05-31T23:00:00Z');
  const after = Date.parse('2024-06-02T00:00:00Z');
  assert.deepEqual(byCode(diffSpec(s, [tx({ path: '/sunset', startedAt: before })]), 'deprecated-operation-called'), []);
  const [z] = byCode(diffSpec(s, [tx({ path: '/sunset', startedAt: before }), tx({ path: '/sunset', startedAt: after })]), 'deprecated-operation-called');
  assert.equal(z?.count, 1);
  assert.match(z!.message, /past its sunset \(2024-06-01\)/);
  assert.equal(sunsetOf({ 'x-sunset': 'soon' }), undefined, 'not a date: ignored, not thrown');
  assert.equal(sunsetOf({ 'x-sunset': '2025-01-01T12:00:00Z' }), Date.parse('2025-01-01T12:00:00Z'));
});

test('x-tapline-ignore: a list of codes, every code, and a reason; suppressed results only on request', async () => {
  const s = await spec();
  const traffic = [
    tx({ path: '/quiet', status: 503 }),
    tx({ path: '/muted', status: 500 }),
    tx({ path: '/reasoned', resBody: { id: 'x' } }),
    tx({ path: '/shared', resBody: { id: 'x' } }),
  ];
  const off = { 'unused-operation': 'off' } as const;
  const shown = diffSpec(s, traffic, { severities: off });
  assert.deepEqual(shown.map((f) => `${f.code} ${f.path}`).sort(), ['response-body-mismatch /shared']);
  const all = diffSpec(s, traffic, { severities: off, includeSuppressed: true });
  const suppressed = all.filter((f) => f.suppressed !== undefined).map((f) => `${f.code} ${f.path} ${f.suppressed!.pointer} ${f.suppressed!.justification ?? ''}`.trim()).sort();
  assert.deepEqual(suppressed, [
    'deprecated-operation-called /muted /paths/~1muted/get',
    'response-body-mismatch /reasoned /paths/~1reasoned/get legacy clients',
    'undocumented-status /muted /paths/~1muted/get',
    'undocumented-status /quiet /paths/~1quiet/get',
  ]);
});

test('x-tapline-ignore on a shared schema covers every operation that uses it; bad forms are ignored', async () => {
  const s = await spec(SPEC.replace('      type: object\n', '      type: object\n      x-tapline-ignore: [response-body-mismatch]\n'));
  assert.deepEqual(diffSpec(s, [tx({ path: '/shared', resBody: { id: 'x' } })], { severities: { 'unused-operation': 'off' } }).map((f) => f.code), []);
  assert.equal(readIgnore('yes'), undefined);
  assert.equal(readIgnore([]), undefined);
  assert.equal(readIgnore({ codes: 'all' }), undefined);
  assert.deepEqual(readIgnore(true), {});
});

test('"Ignore this finding here" plans a format-preserving edit; the finding is then suppressed; idempotent', async () => {
  const text = SPEC.replace('  /quiet:\n    get:\n      x-tapline-ignore: [undocumented-status]\n', '  /quiet:\n    get:\n      summary: quiet   # kept as written\n');
  const s = await spec(text);
  const off = { severities: { 'unused-operation': 'off' } } as const;
  const traffic = [tx({ path: '/quiet', status: 503 })];
  const [f] = diffSpec(s, traffic, off);
  assert.equal(f?.code, 'undocumented-status');
  const fix = ignoreFix(f!, s.model!.operations)!;
  const plan = planFix(s, fix);
  assert.ok(plan);
  assert.equal(plan.title, 'Ignore undocumented-status here (x-tapline-ignore)');
  const edited = applyTextEdits(text, plan.edits);
  assert.ok(edited.includes('summary: quiet   # kept as written'), 'comments and layout survive');
  assert.equal(edited.replace(/\n {6}x-tapline-ignore:\n {8}- undocumented-status/, ''), text, 'only the key is added');
  const again = await spec(edited);
  assert.deepEqual(diffSpec(again, traffic, off), []);
  assert.equal(planFix(again, fix), undefined, 'already ignored: nothing to do');
  // A second code joins the existing list.
  assert.equal(fix.kind, 'ignore-finding');
  const more = fix.kind === 'ignore-finding' ? planFix(again, { ...fix, code: 'response-body-mismatch' }) : undefined;
  assert.ok(more);
  assert.match(applyTextEdits(edited, more.edits), /x-tapline-ignore:\n {8}- undocumented-status\n {8}- response-body-mismatch\n/);
  assert.equal(ignoreFix({ code: 'undocumented-endpoint', operation: undefined }, s.model!.operations), undefined);
});

test('x-tapline-ignore nested: the innermost rule that covers the code wins; diffing the same loaded spec again gives the same findings', async () => {
  const nested = SPEC.replace('  /quiet:\n    get:\n', '  /quiet:\n    x-tapline-ignore: { codes: [undocumented-status, deprecated-operation-called], reason: path item }\n    get:\n      deprecated: true\n')
    .replace('x-tapline-ignore: [undocumented-status]', 'x-tapline-ignore: [deprecated-operation-called]');
  const s = await spec(nested);
  const traffic = [tx({ path: '/quiet', status: 503 }), tx({ path: '/old' })];
  const options = { severities: { 'unused-operation': 'off' }, includeSuppressed: true } as const;
  const first = diffSpec(s, traffic, options);
  const where = first.map((f) => `${f.code} ${f.path} ${f.suppressed?.pointer ?? '-'} ${f.suppressed?.justification ?? ''}`.trim()).sort();
  assert.deepEqual(where, [
    'deprecated-operation-called /old -',
    'deprecated-operation-called /quiet /paths/~1quiet/get',
    'undocumented-status /quiet /paths/~1quiet path item',
  ]);
  // Suppressions, locations and operation objects are remembered per loaded spec: a second diff must not differ.
  assert.deepEqual(diffSpec(s, traffic, options), first);
  assert.deepEqual(diffSpec(s, traffic.slice(0, 1), options), first.filter((f) => f.path === '/quiet'));
});

test('x-tapline-ignore on a response covers the findings inside it only; { codes: true } is every code', async () => {
  const s = await spec(SPEC.replace(
    "  /shared:\n    get:\n      responses:\n        '200':\n          description: ok\n",
    "  /shared:\n    get:\n      responses:\n        '200':\n          description: ok\n          x-tapline-ignore: { codes: [response-body-mismatch], reason: the old store }\n",
  ));
  const traffic = [tx({ path: '/shared', query: [['debug', '1']], resBody: { id: 'x' } })];
  const options = { severities: { 'unused-operation': 'off' }, includeSuppressed: true } as const;
  const all = diffSpec(s, traffic, options);
  assert.deepEqual(all.map((f) => `${f.code} ${f.suppressed ? `suppressed at ${f.suppressed.pointer} (${f.suppressed.justification})` : 'shown'}`).sort(), [
    'response-body-mismatch suppressed at /paths/~1shared/get/responses/200 (the old store)',
    'undocumented-parameter shown',
  ]);
  // A response written as a $ref: the key on its target counts.
  const shared = await spec(SPEC.replace(
    "  /shared:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: { $ref: '#/components/schemas/Thing' }\n",
    "  /shared:\n    get:\n      responses:\n        '200': { $ref: '#/components/responses/Thing' }\n",
  ).replace('components:\n', "components:\n  responses:\n    Thing:\n      description: ok\n      x-tapline-ignore: [response-body-mismatch]\n      content:\n        application/json:\n          schema: { $ref: '#/components/schemas/Thing' }\n"));
  assert.deepEqual(diffSpec(shared, traffic, options).map((f) => `${f.code} ${f.suppressed?.pointer ?? 'shown'}`).sort(), ['response-body-mismatch /components/responses/Thing', 'undocumented-parameter shown']);
  const every = await spec(SPEC.replace("  /shared:\n    get:\n", "  /shared:\n    get:\n      x-tapline-ignore: { codes: true }\n"));
  assert.deepEqual(diffSpec(every, traffic, { severities: { 'unused-operation': 'off' } }), []);
});

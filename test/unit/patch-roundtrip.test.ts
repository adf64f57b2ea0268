// Round trip on real documents: every offered fix, one at a time, is applied; the result parses
// and loads without new errors, keeps every comment, differs only inside the edit, and the
// re-run diff no longer reports the fixed finding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffSpec } from '../../core/src/diff/diff';
import type { DiffFinding } from '../../core/src/diff/finding';
import { loadSpec } from '../../core/src/openapi/load';
import { defaultParser, yamlLibraryParser } from '../../core/src/openapi/parse';
import type { DocumentParser } from '../../core/src/openapi/parsed-document';
import type { LoadedSpec } from '../../core/src/openapi/model';
import { planFix } from '../../core/src/patch/plan';
import { applyTextEdits } from '../../core/src/patch/text-edit';
import type { Transaction } from '../../core/src/protocol/transaction';
import { tx } from './diff-helpers';
import { fixtureUri, readUri } from './openapi-helpers';

type Files = Map<string, string>;

let parser: DocumentParser = defaultParser;

async function load(root: string, files: Files): Promise<LoadedSpec> {
  return loadSpec(root, (uri) => files.get(uri) ?? readUri(uri), { parser });
}

function comments(text: string): string[] {
  return text.split('\n').filter((l) => /^\s*#/.test(l)).map((l) => l.trim());
}

const errorsOf = (s: LoadedSpec) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`);

async function roundTrip(rel: string, traffic: Transaction[], expectKinds: string[]): Promise<void> {
  const root = fixtureUri(rel);
  const original = await load(root, new Map());
  const viaLibrary = await loadSpec(root, readUri, { parser: yamlLibraryParser });
  const baseErrors = errorsOf(original);
  const findings = diffSpec(original, traffic);
  const seenKinds = new Set<string>();
  let applied = 0;
  for (const f of findings) {
    for (const fix of f.fixes) {
      const plan = planFix(original, fix);
      assert.ok(plan, `${rel}: no plan for ${fix.kind} (${f.code}: ${f.message})`);
      // Both YAML edit paths (fast position tree, yaml Document) plan the same edits.
      assert.deepEqual(planFix(viaLibrary, fix)?.edits, plan.edits, `${rel}: editors disagree on ${fix.kind}`);
      seenKinds.add(fix.kind);
      const files: Files = new Map();
      const byUri = new Map<string, typeof plan.edits>();
      for (const edit of plan.edits) byUri.set(edit.uri, [...(byUri.get(edit.uri) ?? []), edit]);
      for (const [uri, edits] of byUri) {
        const before = original.documents.get(uri)!.text;
        const after = applyTextEdits(before, edits);
        // Edits are disjoint and the bytes between them are the original ones.
        const sorted = [...edits].sort((a, b) => a.start - b.start);
        let cursor = 0;
        let rebuilt = '';
        for (const e of sorted) {
          assert.ok(e.start >= cursor, 'edits overlap');
          rebuilt += before.slice(cursor, e.start) + e.newText;
          cursor = e.end;
        }
        assert.equal(rebuilt + before.slice(cursor), after);
        // Every comment survives.
        for (const c of comments(before)) assert.ok(after.includes(c), `${rel}: comment lost by ${fix.kind}: ${c}`);
        files.set(uri, after);
      }
      const fixed = await load(root, files);
      assert.deepEqual(errorsOf(fixed), baseErrors, `${rel}: ${fix.kind} broke the document:\n${[...files.values()].join('\n----\n')}`);
      assert.ok(fixed.model, rel);
      const again = diffSpec(fixed, traffic);
      const still = again.find((g) => g.id === f.id);
      if (fix.kind === 'mark-deprecated') assert.ok(!still || !still.fixes.some((x) => x.kind === 'mark-deprecated'), `${rel}: still deprecatable`);
      else assert.equal(still, undefined, `${rel}: ${f.code} still reported after ${fix.kind}:\n${[...files.values()].join('\n----\n')}\n${JSON.stringify(still)}`);
      applied++;
    }
  }
  for (const k of expectKinds) assert.ok(seenKinds.has(k), `${rel}: expected a ${k} fix, saw ${[...seenKinds].join(', ')}`);
  assert.ok(applied > 0);
}

const PETSTORE_TRAFFIC = (): Transaction[] => [
    tx({ path: '/v1/pets', resBody: [{ id: 1, name: 'a' }, { id: 2 }] }),
    tx({ path: '/v1/pets/1', resBody: [{ id: 'one', name: 'x', tag: null }] }),
    tx({ method: 'DELETE', path: '/v1/pets/1', status: 204 }),
    tx({ method: 'POST', path: '/v1/orders', reqBody: { sku: 'a', qty: 2 }, status: 201, resBody: { id: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' } }),
    tx({ path: '/v1/pets', query: [['limit', '5'], ['sort', 'name']], resBody: [] }),
];
const PETSTORE_KINDS = ['add-operation', 'add-method', 'make-optional', 'widen-type', 'mark-deprecated', 'remove-operation', 'add-parameter'];

test('petstore.yaml (3.0): add operation, add method, make optional, widen type, deprecate, remove', async () => {
  await roundTrip('oai/v3.0/petstore.yaml', PETSTORE_TRAFFIC(), PETSTORE_KINDS);
});

test('the same fixes through the yaml library Document (documents the fast reader refuses)', async () => {
  parser = yamlLibraryParser;
  try {
    await roundTrip('oai/v3.0/petstore.yaml', PETSTORE_TRAFFIC(), PETSTORE_KINDS);
    await roundTrip('oai/v3.0/link-example.yaml', [
      tx({ path: '/2.0/users/alice', status: 404, resBody: { error: 'no such user' } }),
      tx({ path: '/2.0/repositories/alice/r', headers: [['Authorization', 'Bearer [REDACTED]']], resBody: { slug: 5 } }),
    ], ['add-response', 'add-security', 'widen-type']);
  } finally {
    parser = defaultParser;
  }
});

test('link-example.yaml (3.0, comments, mixed indentation): add response, media type, parameter, security', async () => {
  await roundTrip('oai/v3.0/link-example.yaml', [
    tx({ path: '/2.0/users/alice', status: 404, resBody: { error: 'no such user' } }),
    tx({ path: '/2.0/repositories/alice', resBody: 'plain', resType: 'text/plain' }),
    tx({ path: '/2.0/repositories/alice/r/pullrequests', query: [['state', 'open'], ['page', '2']], resBody: [{ id: 1, title: 't', extra: true }] }),
    tx({ path: '/2.0/repositories/alice/r', headers: [['Authorization', 'Bearer [REDACTED]']], resBody: { slug: 5 } }),
    tx({ method: 'POST', path: '/2.0/repositories/alice/r/pullrequests/1/merge', status: 204 }),
    tx({ path: '/2.0/repositories/alice/r/pullrequests/1', resBody: { id: 1 } }),
  ], ['add-response', 'add-media-type', 'add-parameter', 'add-security', 'widen-type']);
});

test('callback-example.yaml and webhook-example.yaml (3.1): comments around edits survive', async () => {
  await roundTrip('oai/v3.0/callback-example.yaml', [
    tx({ method: 'POST', path: '/streams', query: [['callbackUrl', 'https://x.example/cb']], status: 201, resBody: { subscriptionId: 'a', ttl: 5 } }),
    tx({ method: 'POST', path: '/streams', query: [['callbackUrl', 'https://x.example/cb']], status: 400, resBody: { error: 'bad' } }),
  ], ['add-response']);
  await roundTrip('oai/v3.1/webhook-example.yaml', [
    tx({ path: '/pets', resBody: [{ id: 1, name: null }] }),
    tx({ path: '/pets/1', resBody: { id: 1, name: 'x' } }),
  ], ['widen-type', 'add-operation']);
});

test('multi-file Swagger 2.0 JSON: fixes land in the file holding the $ref target, with its indentation', async () => {
  await roundTrip('oai/v2.0/petstore-separate/spec/swagger.json', [
    tx({ path: '/api/pets/1', resBody: { id: 1, name: 7 } }),
    tx({ path: '/api/pets', resBody: [{ id: 1 }] }),
    tx({ method: 'DELETE', path: '/api/pets/1', status: 409, resBody: { code: 1, message: 'busy' } }),
    tx({ method: 'PUT', path: '/api/pets/1', reqBody: { name: 'x' }, resBody: { id: 1, name: 'x' } }),
    tx({ path: '/api/stores/9', query: [['verbose', 'true']], resBody: { id: 9 } }),
  ], ['make-optional', 'add-operation', 'add-method']);
});

test('YAML edits keep style: quoting, indentation and flow collections', async () => {
  const text = [
    'openapi: 3.0.3',
    "info: {title: 'T', version: '1'}",
    'paths:',
    '    /a:  # four-space indent, single quotes',
    '        get:',
    '            responses:',
    "                '200':",
    "                    description: 'ok'",
    '                    content:',
    '                        application/json:',
    '                            schema:',
    '                                type: object',
    '                                required: [id, name]',
    '                                properties: {id: {type: integer}, name: {type: string}, kind: {type: string, enum: [a, b]}}',
    '',
  ].join('\n');
  const files: Files = new Map([['mem:/s.yaml', text]]);
  const spec = await load('mem:/s.yaml', files);
  const fs = diffSpec(spec, [tx({ path: '/a', resBody: { id: 1, kind: 'c' } }), tx({ path: '/a', status: 404 })]);
  const byKind = (k: string) => fs.flatMap((f: DiffFinding) => f.fixes).find((x) => x.kind === k)!;
  const opt = planFix(spec, byKind('make-optional'))!;
  assert.equal(applyTextEdits(text, opt.edits).split('\n')[12], '                                required: [id]');
  const en = planFix(spec, byKind('add-enum-value'))!;
  assert.match(applyTextEdits(text, en.edits).split('\n')[13]!, /enum: \[a, b, c\]/);
  const resp = planFix(spec, byKind('add-response'))!;
  const after = applyTextEdits(text, resp.edits);
  assert.match(after, /\n {16}'404':\n {20}description: Not Found\n/, 'four-space indent, quoted key like its siblings');
  assert.ok(after.includes('# four-space indent, single quotes'));
});

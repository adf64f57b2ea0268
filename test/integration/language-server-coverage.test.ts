// The engine over real LSP (stdio): coverage of the workspace spec by imported traffic in the
// snapshot (the tree's and the Explorer's source) and as a code lens on the document's first line,
// and "Export Fixes as Overlay…" answered with an Overlay 1.0 document for the spec's findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { EXPORT_OVERLAY, SNAPSHOT, type EngineSnapshot, type Outcome } from '../../core/src/messages';
import { tx } from '../unit/diff-helpers';
import { importTraffic, openPetstore } from './lsp-petstore';

test('coverage per spec, tag and operation in the snapshot and a lens; fixes exported as an Overlay', async (t) => {
  const { uri, client } = await openPetstore(t);

  const service = '127.0.0.1:8080';
  await importTraffic(client, [
    tx({ method: 'GET', path: '/v1/pets', service, resBody: [{ id: 1, name: 'Rex' }] }),
    tx({ method: 'GET', path: '/v1/pets/1', service, status: 500, resBody: { code: 500, message: 'boom' } }),
    tx({ method: 'GET', path: '/v1/orders/7f3c9a12-4b5e-4c6d-8e9f-0a1b2c3d4e5f', service, resBody: { orderId: '7f3c' } }),
  ]);
  await client.until(() => (client.diagnostics.get(uri) ?? []).some((d) => d.code === 'undocumented-endpoint'), 'the analysis of the imported traffic');

  const snapshot = await client.connection.sendRequest<EngineSnapshot>(SNAPSHOT.method, {});
  const coverage = snapshot.coverage?.find((c) => c.rootUri === uri);
  assert.ok(coverage, JSON.stringify(snapshot.coverage));
  assert.equal(coverage.title, 'Swagger Petstore');
  assert.deepEqual(coverage.total, { operations: 3, exercised: 2, responses: 6, responsesExercised: 2 }, 'GET /pets: 200; GET /pets/{petId}: default (500); POST /pets: none');
  assert.deepEqual(coverage.byTag.map((b) => `${b.tag} ${b.totals.exercised}/${b.totals.operations}`), ['pets 2/3']);
  const post = coverage.operations.find((o) => o.key === 'POST /pets');
  assert.deepEqual(post && { calls: post.calls, responses: post.responses, exercised: post.responsesExercised }, { calls: 0, responses: 2, exercised: 0 });

  const lenses = await client.connection.sendRequest<Array<{ range: { start: { line: number } }; command?: { title: string } }>>('textDocument/codeLens', { textDocument: { uri } });
  const top = lenses.find((l) => l.command?.title.startsWith('Tapline coverage:'));
  assert.equal(top?.command?.title, 'Tapline coverage: 2/3 operations (66 %) · 2/6 responses (33 %)');
  assert.equal(top?.range.start.line, 0, 'at the top of the document');

  const overlay = await client.connection.sendRequest<Outcome<{ yaml: string; actions: number; skipped: string[] }>>(EXPORT_OVERLAY.method, { rootUri: uri });
  assert.ok(overlay.ok && overlay.actions > 0, JSON.stringify(overlay));
  const document = parse(overlay.yaml) as { overlay: string; extends: string; actions: Array<{ target: string; update?: unknown }> };
  assert.equal(document.overlay, '1.0.0');
  assert.equal(document.extends, 'openapi.yaml');
  assert.ok(document.actions.some((a) => a.target === '$.paths' && JSON.stringify(a.update).includes('/orders/{orderId}')), overlay.yaml);
  const missing = await client.connection.sendRequest<Outcome>(EXPORT_OVERLAY.method, { rootUri: `${uri}.nope` });
  assert.ok(!missing.ok && /not an OpenAPI document of the workspace/.test(missing.reason));
  await client.shutdown();
});

// The engine (the language server) compares traffic it owns with a workspace spec over real LSP
// (stdio): a HAR imported into the engine, diagnostics and the snapshot's endpoint states out, a
// versioned quick fix applied, the finding gone; fix-all planned only on resolve.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENDPOINT_DETAIL, SNAPSHOT, type EndpointDetail, type EngineSnapshot } from '../../core/src/messages';
import { tx } from '../unit/diff-helpers';
import { applyLspEdits, type LspEdit, type PublishedDiagnostic, type VersionedEdit } from './lsp-client';
import { importTraffic, openPetstore } from './lsp-petstore';



function editsFor(edit: VersionedEdit, uri: string, version: number): LspEdit[] {
  const change = edit.documentChanges.find((c) => c.textDocument.uri === uri);
  assert.equal(change?.textDocument.version, version, 'the edit names the version it was planned on');
  return change.edits;
}



test('traffic drift becomes diagnostics; the quick fix adds the operation without touching the rest', async (t) => {
  // A comment that every edit must keep.
  const { client, uri, original } = await openPetstore(t, { text: (x) => x.replace('paths:\n', 'paths:\n  # owned by the pets team\n') });

  const service = '127.0.0.1:8080';
  await importTraffic(client, [
    tx({ method: 'GET', path: '/v1/pets', query: [['limit', '10']], service, resBody: [{ id: 1, name: 'Rex' }] }),
    tx({ method: 'GET', path: '/v1/orders/7f3c9a12-4b5e-4c6d-8e9f-0a1b2c3d4e5f', service, resBody: { orderId: '7f3c', status: 'placed' } }),
    tx({ method: 'GET', path: '/v1/orders/0b6e2d4c-1a3f-4e5d-9c7b-8a6f5e4d3c2b', service, resBody: { orderId: '0b6e', status: 'placed' } }),
  ]);

  const undocumented = (): PublishedDiagnostic | undefined =>
    client.diagnostics.get(uri)?.find((d) => d.code === 'undocumented-endpoint' && d.message.includes('/orders/'));
  await client.until(() => undocumented() !== undefined);
  const diagnostic = undocumented()!;
  assert.equal(diagnostic.source, 'tapline');

  const snapshot = await client.connection.sendRequest<EngineSnapshot>(SNAPSHOT.method, {});
  const pets = snapshot.inventory.services.flatMap((s) => s.endpoints).find((e) => e.method === 'GET' && e.template === '/v1/pets');
  assert.equal(pets?.declared, true, 'the engine names endpoints as the spec does, server base path included');
  const states = new Map(snapshot.endpoints.map((e) => [`${e.method} ${e.path}`, e.state]));
  assert.equal(states.get('GET /pets'), 'documented');
  assert.ok([...states.entries()].some(([key, state]) => key.startsWith('GET /v1/orders') && state === 'undocumented'), JSON.stringify([...states]));
  assert.ok([...states.values()].includes('unused'), 'POST /pets and GET /pets/{petId} saw no traffic');

  const lenses = await client.connection.sendRequest<Array<{ command?: { title: string } }>>('textDocument/codeLens', { textDocument: { uri } });
  assert.ok(lenses.some((l) => /^observed 1 calls · p95 .* · last seen/.test(l.command?.title ?? '')), JSON.stringify(lenses));
  assert.ok(lenses.some((l) => l.command?.title === 'no traffic seen'));

  const add = await client.quickFix(uri, diagnostic, 'Add GET /orders/{orderId} to the spec');
  assert.ok(add.edit, `offered: ${add.offered.join(' | ')}`);
  const edits = editsFor(add.edit, uri, 1);
  const fixed = applyLspEdits(original, edits);
  assert.match(fixed, /# owned by the pets team/);
  assert.match(fixed, /\n {2}\/orders\/\{orderId\}:\n {4}get:/);
  // Bytes outside the edit are identical: same prefix before the first edit, same suffix after it.
  const first = Math.min(...edits.map((e) => e.range.start.line));
  assert.equal(fixed.split('\n').slice(0, first).join('\n'), original.split('\n').slice(0, first).join('\n'));

  await client.change(uri, fixed, 2);
  await client.until(() => undocumented() === undefined && (client.diagnostics.get(uri) ?? []).every((d) => d.severity !== 1));
  await client.shutdown();
});

test('fix all of a kind in one source action, hover with the status breakdown, and a document turned off', async (t) => {
  const { client, uri, original } = await openPetstore(t);

  const service = '127.0.0.1:8080';
  await importTraffic(client, [
    tx({ method: 'GET', path: '/v1/pets', service, resBody: [] }),
    tx({ method: 'GET', path: '/v1/pets', service, status: 500, resBody: { code: 500, message: 'boom' } }),
    tx({ method: 'GET', path: '/v1/orders/7f3c9a12-4b5e-4c6d-8e9f-0a1b2c3d4e5f', service, resBody: { orderId: '7f3c' } }),
    tx({ method: 'GET', path: '/v1/stores/12', service, resBody: { storeId: 12 } }),
  ]);
  const undocumented = (): PublishedDiagnostic[] => (client.diagnostics.get(uri) ?? []).filter((d) => d.code === 'undocumented-endpoint');
  await client.until(() => undocumented().length === 2);

  // Hover on the `/pets:` key: the calls per status of its operations.
  const line = original.split('\n').indexOf('  /pets:');
  const hover = await client.connection.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line, character: 4 } });
  assert.match(hover?.contents.value ?? '', /`GET`: 2 calls — 200 ×1, 500 ×1/);

  type Action = { title: string; kind: string; edit?: VersionedEdit; data?: unknown };
  const actions = await client.connection.sendRequest<Action[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics: [], only: ['source.fixAll'] },
  });
  const offered = actions.find((a) => a.title === "Tapline: fix all 'undocumented-endpoint' in this file (2)");
  assert.ok(offered, `offered: ${actions.map((a) => a.title).join(' | ')}`);
  assert.equal(offered.edit, undefined, 'fix-all is not planned until chosen');
  const all = await client.connection.sendRequest<Action>('codeAction/resolve', offered);
  assert.ok(all.edit, 'resolve plans it');
  const fixed = applyLspEdits(original, editsFor(all.edit, uri, 1));
  assert.match(fixed, /\n {2}\/orders\/\{orderId\}:\n/);
  assert.match(fixed, /\n {2}\/stores\/\{storeId\}:\n/);
  await client.change(uri, fixed, 2);
  await client.until(() => undocumented().length === 0 && (client.diagnostics.get(uri) ?? []).length > 0);

  // tapline.diagnostics.ignore turns every finding off for the document.
  client.settings = { diagnostics: { ignore: ['openapi.yaml'] } };
  await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  await client.until(() => (client.diagnostics.get(uri) ?? []).length === 0);
  await client.shutdown();
});

test('a finding names the calls the engine observed, not the samples it kept of them', async (t) => {
  const { client, uri } = await openPetstore(t);
  const service = '127.0.0.1:8080';
  const ids = Array.from({ length: 16 }, (_, i) => `7f3c9a12-4b5e-4c6d-8e9f-${String(i).padStart(12, '0')}`);
  await importTraffic(client, [tx({ method: 'GET', path: '/v1/pets', service, resBody: [] }), ...ids.map((id) => tx({ method: 'GET', path: `/v1/orders/${id}`, service, resBody: { orderId: id } }))]);
  const undocumented = (): PublishedDiagnostic | undefined => client.diagnostics.get(uri)?.find((d) => d.code === 'undocumented-endpoint');
  await client.until(() => undocumented() !== undefined, 'the undocumented-endpoint diagnostic');
  const snapshot = await client.connection.sendRequest<EngineSnapshot>(SNAPSHOT.method, {});
  const orders = snapshot.inventory.services.flatMap((s) => s.endpoints).find((e) => e.template.startsWith('/v1/orders/'));
  assert.equal(orders?.count, 16, JSON.stringify(snapshot.inventory.services));
  const kept = await client.connection.sendRequest<EndpointDetail>(ENDPOINT_DETAIL.method, { endpointId: orders.id });
  assert.ok(kept.detail && kept.detail.samples.length < 16, 'the engine keeps fewer samples than calls (else this test shows nothing)');
  assert.match(undocumented()!.message, /is served \(16 calls to 127\.0\.0\.1:8080\)/);
  // The operations that saw no traffic name every call that reached the API: 1 + 16.
  const unused = client.diagnostics.get(uri)?.find((d) => d.code === 'unused-operation');
  assert.match(unused?.message ?? '', /while 17 calls to this API were observed/);
  await client.shutdown();
});

// The language server compares observed traffic with a workspace spec over real LSP (stdio):
// observations in, diagnostics and tapline/findings out, a quick fix applied, the finding gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TrafficStore } from '../../core/src/inventory/traffic-store';
import { FINDINGS_NOTIFICATION, OBSERVATIONS_NOTIFICATION, SPEC_TEMPLATES_NOTIFICATION, type FindingsParams, type SpecTemplatesParams } from '../../core/src/messages';
import { tx } from '../unit/diff-helpers';
import { LspTestClient, type PublishedDiagnostic } from './lsp-client';

interface LspEdit {
  range: PublishedDiagnostic['range'];
  newText: string;
}

function applyLspEdits(text: string, edits: readonly LspEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }): number =>
    lines.slice(0, p.line).reduce((sum, l) => sum + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

test('traffic drift becomes diagnostics; the quick fix adds the operation without touching the rest', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tapline-lsp-'));
  cpSync(join(__dirname, '..', 'fixtures', 'workspaces', 'petstore'), dir, { recursive: true });
  const file = join(dir, 'openapi.yaml');
  const uri = pathToFileURL(file).toString();
  // A comment that every edit must keep.
  const original = readFileSync(file, 'utf8').replace('paths:\n', 'paths:\n  # owned by the pets team\n');

  const client = new LspTestClient();
  t.after(() => client.kill());
  await client.initialize([{ uri: pathToFileURL(dir).toString(), name: 'petstore' }]);
  await client.open(uri, 'yaml', original);
  await client.logged(/^indexed .*openapi\.yaml: 3 operations/);
  await client.until(() => client.notifications.has(SPEC_TEMPLATES_NOTIFICATION));
  const { templates } = client.notifications.get(SPEC_TEMPLATES_NOTIFICATION) as SpecTemplatesParams;
  assert.deepEqual(templates, ['/pets', '/pets/{petId}', '/v1/pets', '/v1/pets/{petId}'], 'with and without the server base path');

  const store = new TrafficStore();
  const service = '127.0.0.1:8080';
  store.add(tx({ method: 'GET', path: '/v1/pets', query: [['limit', '10']], service, resBody: [{ id: 1, name: 'Rex' }] }));
  store.add(tx({ method: 'GET', path: '/v1/orders/7f3c9a12-4b5e-4c6d-8e9f-0a1b2c3d4e5f', service, resBody: { orderId: '7f3c', status: 'placed' } }));
  store.add(tx({ method: 'GET', path: '/v1/orders/0b6e2d4c-1a3f-4e5d-9c7b-8a6f5e4d3c2b', service, resBody: { orderId: '0b6e', status: 'placed' } }));
  await client.connection.sendNotification(OBSERVATIONS_NOTIFICATION, { delta: store.drainDelta() });

  const undocumented = (): PublishedDiagnostic | undefined =>
    client.diagnostics.get(uri)?.find((d) => d.code === 'undocumented-endpoint' && d.message.includes('/orders/'));
  await client.until(() => undocumented() !== undefined);
  const diagnostic = undocumented()!;
  assert.equal(diagnostic.source, 'tapline');

  await client.until(() => client.notifications.has(FINDINGS_NOTIFICATION));
  const findings = client.notifications.get(FINDINGS_NOTIFICATION) as FindingsParams;
  const states = new Map(findings.endpoints.map((e) => [`${e.method} ${e.path}`, e.state]));
  assert.equal(states.get('GET /pets'), 'documented');
  assert.ok([...states.entries()].some(([key, state]) => key.startsWith('GET /v1/orders') && state === 'undocumented'), JSON.stringify([...states]));
  assert.ok([...states.values()].includes('unused'), 'POST /pets and GET /pets/{petId} saw no traffic');

  const lenses = await client.connection.sendRequest<Array<{ command?: { title: string } }>>('textDocument/codeLens', { textDocument: { uri } });
  assert.ok(lenses.some((l) => /^observed 1 calls · p95 .* · last seen/.test(l.command?.title ?? '')), JSON.stringify(lenses));
  assert.ok(lenses.some((l) => l.command?.title === 'no traffic seen'));

  const actions = await client.connection.sendRequest<Array<{ title: string; edit?: { changes: Record<string, LspEdit[]> } }>>('textDocument/codeAction', {
    textDocument: { uri },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic], only: ['quickfix'] },
  });
  const add = actions.find((a) => a.title === 'Add GET /orders/{orderId} to the spec');
  assert.ok(add?.edit, `offered: ${actions.map((a) => a.title).join(' | ')}`);
  const edits = add.edit.changes[uri]!;
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
  const dir = mkdtempSync(join(tmpdir(), 'tapline-lsp-'));
  cpSync(join(__dirname, '..', 'fixtures', 'workspaces', 'petstore'), dir, { recursive: true });
  const file = join(dir, 'openapi.yaml');
  const uri = pathToFileURL(file).toString();
  const original = readFileSync(file, 'utf8');

  const client = new LspTestClient();
  t.after(() => client.kill());
  await client.initialize([{ uri: pathToFileURL(dir).toString(), name: 'petstore' }]);
  await client.open(uri, 'yaml', original);
  await client.logged(/^indexed .*openapi\.yaml: 3 operations/);

  const store = new TrafficStore();
  const service = '127.0.0.1:8080';
  store.add(tx({ method: 'GET', path: '/v1/pets', service, resBody: [] }));
  store.add(tx({ method: 'GET', path: '/v1/pets', service, status: 500, resBody: { code: 500, message: 'boom' } }));
  store.add(tx({ method: 'GET', path: '/v1/orders/7f3c9a12-4b5e-4c6d-8e9f-0a1b2c3d4e5f', service, resBody: { orderId: '7f3c' } }));
  store.add(tx({ method: 'GET', path: '/v1/stores/12', service, resBody: { storeId: 12 } }));
  await client.connection.sendNotification(OBSERVATIONS_NOTIFICATION, { delta: store.drainDelta() });
  const undocumented = (): PublishedDiagnostic[] => (client.diagnostics.get(uri) ?? []).filter((d) => d.code === 'undocumented-endpoint');
  await client.until(() => undocumented().length === 2);

  // Hover on the `/pets:` key: the calls per status of its operations.
  const line = original.split('\n').indexOf('  /pets:');
  const hover = await client.connection.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line, character: 4 } });
  assert.match(hover?.contents.value ?? '', /`GET`: 2 calls — 200 ×1, 500 ×1/);

  const actions = await client.connection.sendRequest<Array<{ title: string; kind: string; edit?: { changes: Record<string, LspEdit[]> } }>>('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics: [], only: ['source.fixAll'] },
  });
  const all = actions.find((a) => a.title === "Tapline: fix all 'undocumented-endpoint' in this file (2)");
  assert.ok(all?.edit, `offered: ${actions.map((a) => a.title).join(' | ')}`);
  const fixed = applyLspEdits(original, all.edit.changes[uri]!);
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

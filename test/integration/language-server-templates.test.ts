// The engine over real LSP (stdio) with the user's own templates and suppressions: a workspace's
// `.tapline/templates.json` regroups imported traffic, and regroups it again when the file changes
// (a watched-file event, as VS Code sends); "Ignore this finding here" writes x-tapline-ignore
// into the spec, format-preservingly, and the finding is gone once the document says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ENGINE_CHANGED, SNAPSHOT, type EngineSnapshot } from '../../core/src/messages';
import { tx } from '../unit/diff-helpers';
import { applyLspEdits, LspTestClient } from './lsp-client';
import { importTraffic, openPetstore } from './lsp-petstore';

const SERVICE = '127.0.0.1:8080';

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tapline-lsp-templates-'));
  cpSync(join(__dirname, '..', 'fixtures', 'workspaces', 'petstore'), dir, { recursive: true });
  return dir;
}

async function templates(client: LspTestClient): Promise<string[]> {
  const snapshot = await client.connection.sendRequest<EngineSnapshot>(SNAPSHOT.method, {});
  return snapshot.inventory.services.flatMap((s) => s.endpoints.map((e) => `${e.method} ${e.template} ×${e.count}`)).sort();
}

test('.tapline/templates.json regroups imported traffic, and regroups it again when the file changes', async (t) => {
  const dir = workspace();
  mkdirSync(join(dir, '.tapline'));
  const file = join(dir, '.tapline', 'templates.json');
  writeFileSync(file, JSON.stringify({ templates: ['/v1/report/{region}/summary'] }));
  const client = new LspTestClient();
  t.after(() => client.kill());
  await client.initialize([{ uri: pathToFileURL(dir).toString(), name: 'petstore' }]);
  await client.logged(/templates\.json: 1 path templates/);

  await importTraffic(client, [
    tx({ method: 'GET', path: '/v1/report/north/summary', service: SERVICE }),
    tx({ method: 'GET', path: '/v1/report/south/summary', service: SERVICE }),
    tx({ method: 'GET', path: '/v1/shop/alpha', service: SERVICE }),
    tx({ method: 'GET', path: '/v1/shop/beta', service: SERVICE }),
  ]);
  const first = await templates(client);
  assert.ok(first.includes('GET /v1/report/{region}/summary ×2'), first.join(', '));
  assert.ok(first.includes('GET /v1/shop/alpha ×1'), first.join(', '));

  // The user merges the shops too (as "Edit Path Template…" writes it) and renames the region.
  writeFileSync(file, JSON.stringify({ templates: ['/v1/report/{area}/summary', { template: '/v1/shop/{shop}', service: SERVICE }] }));
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(file).toString(), type: 2 }] });
  await client.logged(/templates\.json: 2 path templates/);
  let now = await templates(client);
  // The inventory is flushed on a timer: ask again after each change the engine announces.
  while (!now.includes('GET /v1/shop/{shop} ×2')) {
    const seen = client.notifications.get(ENGINE_CHANGED.method);
    await client.until(() => client.notifications.get(ENGINE_CHANGED.method) !== seen, `a ${ENGINE_CHANGED.method} after the templates changed (now: ${now.join(', ')})`);
    now = await templates(client);
  }
  assert.deepEqual(now, ['GET /v1/report/{area}/summary ×2', 'GET /v1/shop/{shop} ×2']);

  // A broken file is logged and applies nothing: the last good templates stay.
  writeFileSync(file, '{ "templates": [ "no-slash" ] }');
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(file).toString(), type: 2 }] });
  await client.logged(/templates\.json is invalid, its previous templates stay: templates\[0\]: a template starts with "\/"/);
  assert.deepEqual(await templates(client), now);
  await client.shutdown();
});

test('"Ignore this finding here" adds the code to the operation\'s x-tapline-ignore; the finding goes', async (t) => {
  const { client, uri, original } = await openPetstore(t, { text: (x) => x.replace('paths:\n', 'paths:\n  # owned by the pets team\n') });
  await importTraffic(client, [tx({ method: 'GET', path: '/v1/pets', query: [['color', 'red']], service: SERVICE, resBody: [] })]);

  const status = () => client.diagnostics.get(uri)?.find((d) => d.code === 'undocumented-parameter');
  await client.until(() => status() !== undefined, 'an undocumented-parameter diagnostic');
  const ignore = await client.quickFix(uri, status()!, 'Ignore this finding here (undocumented-parameter in x-tapline-ignore)');
  assert.ok(ignore.edit, `offered: ${ignore.offered.join(' | ')}`);
  assert.ok(ignore.offered.indexOf(ignore.title) > 0, 'offered after the finding\'s own fix');
  const change = ignore.edit.documentChanges.find((c) => c.textDocument.uri === uri)!;
  const ignored = applyLspEdits(original, change.edits);
  assert.match(ignored, /# owned by the pets team/);
  assert.match(ignored, /x-tapline-ignore:\s*\n?\s*-?\s*\[?undocumented-parameter/);
  await client.change(uri, ignored, 2);
  await client.until(() => status() === undefined, 'the undocumented-parameter diagnostic to go');
  await client.shutdown();
});

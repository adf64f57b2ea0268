// Fixes the LSP way, against the real engine over stdio: a quick fix asked for right after an edit
// (before the debounced re-analysis) is planned on the edited text and names its version; a fix
// applied by its finding's id goes out as workspace/applyEdit and answers success or the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { APPLY_FIX, SNAPSHOT, type EngineSnapshot, type Outcome } from '../../core/src/messages';
import { tx } from '../unit/diff-helpers';
import { applyLspEdits, type LspTestClient, type PublishedDiagnostic, type VersionedEdit } from './lsp-client';
import { importTraffic, openPetstore } from './lsp-petstore';



async function engineWithDrift(t: { after: (fn: () => void) => void }): Promise<{ client: LspTestClient; uri: string; original: string; diagnostic: PublishedDiagnostic }> {
  const { client, uri, original } = await openPetstore(t);
  await importTraffic(client, [tx({ method: 'GET', path: '/v1/orders/7f3c9a12-4b5e-4c6d-8e9f-0a1b2c3d4e5f', service: '127.0.0.1:8080', resBody: { orderId: '7f3c' } })], 'orders.har');
  const find = (): PublishedDiagnostic | undefined => client.diagnostics.get(uri)?.find((d) => d.code === 'undocumented-endpoint');
  await client.until(() => find() !== undefined, 'the undocumented-endpoint diagnostic');
  return { client, uri, original, diagnostic: find()! };
}

const COMMENT = '  # owned by the pets team';

test('a quick fix asked for right after an edit is planned on the edited text and carries its version', async (t) => {
  const { client, uri, original, diagnostic } = await engineWithDrift(t);
  // A line below `paths:` moves the place where the fix inserts; the code action comes at once.
  const edited = original.replace('paths:\n', `paths:\n${COMMENT}\n`);
  await client.change(uri, edited, 2);
  const add = await client.quickFix(uri, diagnostic, 'Add GET /orders/{orderId} to the spec');
  assert.ok(add.edit, `offered: ${add.offered.join(' | ')}`);
  const change = add.edit.documentChanges[0]!;
  assert.equal(change.textDocument.version, 2, 'planned on version 2, the text just sent');
  const fixed = applyLspEdits(edited, change.edits);
  assert.match(fixed, new RegExp(`\\npaths:\\n${COMMENT}\\n {2}/pets:\\n`));
  assert.deepEqual(Object.keys((parse(fixed) as { paths: object }).paths).sort(), ['/orders/{orderId}', '/pets', '/pets/{petId}']);
  await client.shutdown();
});

test('a fix applied by finding id goes out as a versioned applyEdit and answers success or the reason', async (t) => {
  const { client, uri, original } = await engineWithDrift(t);
  const snapshot = await client.connection.sendRequest<EngineSnapshot>(SNAPSHOT.method, {});
  const finding = snapshot.endpoints.flatMap((e) => e.findings).find((f) => f.code === 'undocumented-endpoint');
  assert.ok(finding, JSON.stringify(snapshot.endpoints));

  const refused = await client.connection.sendRequest<Outcome<{ uri: string }>>(APPLY_FIX.method, { findingId: finding.id, fixIndex: 0 });
  assert.deepEqual(refused, { ok: false, reason: 'the test client applies no edits' }, 'the client\'s refusal is the answer');

  let received: VersionedEdit | undefined;
  client.applyEdit = ({ edit }) => {
    received = edit as VersionedEdit;
    return { applied: true };
  };
  const applied = await client.connection.sendRequest<Outcome<{ uri: string }>>(APPLY_FIX.method, { findingId: finding.id, fixIndex: 0 });
  assert.deepEqual(applied, { ok: true, uri });
  assert.equal(received?.documentChanges[0]?.textDocument.version, 1);
  assert.match(applyLspEdits(original, received.documentChanges[0]!.edits), /\n {2}\/orders\/\{orderId\}:\n {4}get:/);

  const gone = await client.connection.sendRequest<Outcome<{ uri: string }>>(APPLY_FIX.method, { findingId: 'no-such-finding', fixIndex: 0 });
  assert.equal(gone.ok, false);
  assert.match(gone.ok ? '' : gone.reason, /that finding is gone/);
  await client.shutdown();
});

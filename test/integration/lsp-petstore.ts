// The set-up most engine tests share: the real language server on a temporary copy of
// test/fixtures/workspaces/petstore with its openapi.yaml open and indexed, and traffic handed to
// the engine as a HAR import (as "Tapline: Import HAR…" does).
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transactionsToHar } from '../../core/src/har/har-export';
import { IMPORT_HAR, type Outcome } from '../../core/src/messages';
import type { Transaction } from '../../core/src/protocol/transaction';
import { LspTestClient } from './lsp-client';

export interface PetstoreSession {
  client: LspTestClient;
  dir: string;
  file: string;
  uri: string;
  /** The text the editor opened. */
  original: string;
}

/**
 * A fresh petstore workspace and server: `prepare` may write into the folder before the server
 * starts, `text` turns the file's text into what the editor opens (a comment the edits must keep).
 */
export async function openPetstore(
  t: { after: (fn: () => void) => void },
  opts: { prepare?: (dir: string) => void; text?: (onDisk: string) => string } = {},
): Promise<PetstoreSession> {
  const dir = mkdtempSync(join(tmpdir(), 'tapline-lsp-'));
  cpSync(join(__dirname, '..', 'fixtures', 'workspaces', 'petstore'), dir, { recursive: true });
  opts.prepare?.(dir);
  const file = join(dir, 'openapi.yaml');
  const uri = pathToFileURL(file).toString();
  const onDisk = readFileSync(file, 'utf8');
  const original = opts.text ? opts.text(onDisk) : onDisk;
  const client = new LspTestClient();
  t.after(() => client.kill());
  await client.initialize([{ uri: pathToFileURL(dir).toString(), name: 'petstore' }]);
  await client.open(uri, 'yaml', original);
  await client.logged(/^indexed .*openapi\.yaml: 3 operations/);
  return { client, dir, file, uri, original };
}

/** Hands `transactions` to the engine as an imported HAR and checks that every one was taken. */
export async function importTraffic(client: LspTestClient, transactions: Transaction[], name = 'test.har'): Promise<void> {
  const har = transactionsToHar(transactions, { creator: { name: 'test', version: '1' } });
  const result = await client.connection.sendRequest<Outcome<{ imported: number }>>(IMPORT_HAR.method, { text: JSON.stringify(har), name });
  assert.ok(result.ok && result.imported === transactions.length, JSON.stringify(result));
}

// The engine's streamed file import ("Import HAR…" on a local file): a HAR file and an nginx access
// log go into the traffic chunk by chunk with progress reported; a broken file says why and keeps
// what came before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importFile } from '../../server/src/engine/file-import';
import { Traffic } from '../../server/src/engine/traffic';
import { writeBigHar } from '../support/big-har';

function recorder(): { events: string[]; progress: Parameters<typeof importFile>[2] } {
  const events: string[] = [];
  return { events, progress: { begin: (t) => events.push(`begin ${t}`), report: (p) => events.push(`report ${p}`), done: () => events.push('done') } };
}

test('a HAR file and an access log stream into the traffic with progress; a broken file is an error that keeps what came before', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tapline-import-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const traffic = new Traffic();
  t.after(() => traffic.dispose());

  const har = join(dir, 'pets.har');
  const entries = writeBigHar(har, 3e6); // three 1 MiB chunks
  const a = recorder();
  const imported = await importFile(traffic, har, a.progress);
  assert.deepEqual(imported, { ok: true, imported: entries, skipped: [], format: 'har' });
  assert.equal(a.events[0], 'begin Tapline: importing pets.har');
  assert.deepEqual(a.events.slice(1, -1).map((e) => Number(e.split(' ')[1])), [34, 69, 100]);
  assert.equal(a.events.at(-1), 'done');
  const templates = traffic.store.snapshot().services.flatMap((s) => s.endpoints.map((e) => `${e.template} ×${e.count}`)).sort();
  assert.deepEqual(templates, [`/v1/pets/{petId} ×${Math.floor(entries / 2)}`, `/v1/pets ×${Math.ceil(entries / 2)}`].sort());

  const log = join(dir, 'access.log');
  writeFileSync(log, `${JSON.stringify({ request_method: 'GET', request_uri: '/v1/stores/3', status: 200, host: 'shop' })}\n{"oops"\n`);
  const fromLog = await importFile(traffic, log, recorder().progress);
  assert.ok(fromLog.ok && fromLog.imported === 1 && fromLog.format === 'lines' && /line 2: not JSON/.test(fromLog.skipped[0] ?? ''), JSON.stringify(fromLog));

  const broken = join(dir, 'broken.har');
  writeFileSync(broken, '{"log":{"version":"1.2","entries":[{"startedDateTime":"2026-12-01T09:00:00Z","request":{"method":"GET","url":"http://shop/v1/a","headers":[]},"response":{"status":200,"headers":[],"content":{}}},');
  const b = recorder();
  const failed = await importFile(traffic, broken, b.progress);
  assert.ok(!failed.ok && /broken\.har is not a usable HAR file: the HAR file ended inside its JSON \(after 1 entries\) \(1 transactions before that were imported\)/.test(failed.reason), JSON.stringify(failed));
  assert.equal(b.events.at(-1), 'done', 'the progress is closed on failure too');
  const missing = await importFile(traffic, join(dir, 'nope.har'), recorder().progress);
  assert.ok(!missing.ok && /cannot read/.test(missing.reason));
});

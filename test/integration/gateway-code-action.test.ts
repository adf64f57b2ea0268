// "Block at the gateway" over real LSP (the engine on stdio): on a shadow endpoint and on a zombie
// operation, a quick fix that edits the workspace's tapline-gateway.yaml without touching the rest
// (or creates it), and the edited policy is what `tapline gateway nginx` then enforces; the
// engine's "Regenerate Gateway Configuration" request gives configurations nginx accepts, and its
// policy report runs on the traffic it holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parsePolicyText } from '../../core/src/gateway/policy';
import { GATEWAY_CONFIG, GATEWAY_REPORT, SNAPSHOT, type EngineSnapshot, type Outcome } from '../../core/src/messages';
import { nginxGate, nginxPrefix, nginxTest } from '../support/nginx';
import { runCli } from '../../server/src/cli/run';
import { tx } from '../unit/diff-helpers';
import type { PublishedDiagnostic } from './lsp-client';
import { importTraffic, openPetstore } from './lsp-petstore';

interface Change {
  kind?: 'create';
  uri?: string;
  textDocument?: { uri: string; version: number | null };
  edits?: { range: PublishedDiagnostic['range']; newText: string }[];
}
interface Action {
  title: string;
  edit?: { documentChanges: Change[] };
  disabled?: { reason: string };
}

function applyAt(text: string, e: { range: PublishedDiagnostic['range']; newText: string }): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }): number => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return text.slice(0, offset(e.range.start)) + e.newText + text.slice(offset(e.range.end));
}

async function setUp(t: { after: (fn: () => void) => void }, policy?: string) {
  const { dir, uri, client } = await openPetstore(t, { prepare: (d) => policy !== undefined && writeFileSync(join(d, 'tapline-gateway.yaml'), policy) });
  await importTraffic(client, [tx({ method: 'GET', path: '/v1/pets', service: '127.0.0.1:8080', resBody: [] }), tx({ method: 'GET', path: '/v1/orders/7', service: '127.0.0.1:8080', resBody: {} }), tx({ method: 'GET', path: '/v1/orders/8', service: '127.0.0.1:8080', resBody: {} })], 't.har');
  const find = (code: string, text: string): PublishedDiagnostic | undefined => client.diagnostics.get(uri)?.find((d) => d.code === code && d.message.includes(text));
  await client.until(() => find('undocumented-endpoint', '/orders/') !== undefined && find('unused-operation', 'POST') !== undefined);
  const actionsFor = (d: PublishedDiagnostic) => client.connection.sendRequest<Action[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d], only: ['quickfix'] } });
  return { dir, uri, client, find, actionsFor };
}

const POLICY = `# the shop's gateway policy
mode: report   # until we trust it
block:
  - name: scraper
    ip: [203.0.113.9]
`;

test('on a zombie operation and a shadow endpoint, "Block at the gateway" edits tapline-gateway.yaml in place', async (t) => {
  const { dir, client, find, actionsFor } = await setUp(t, POLICY);
  const policyUri = pathToFileURL(join(dir, 'tapline-gateway.yaml')).toString();
  const zombie = (await actionsFor(find('unused-operation', 'POST')!)).find((a) => a.title === 'Block POST /pets at the gateway');
  assert.ok(zombie?.edit, 'offered on the unused operation');
  const change = zombie.edit.documentChanges.find((c) => c.textDocument?.uri === policyUri);
  assert.ok(change?.edits?.length === 1, 'one minimal edit of the policy file');
  const edited = applyAt(POLICY, change.edits[0]!);
  assert.ok(edited.startsWith(POLICY), 'everything the user wrote stays as written (comments too)');
  const parsed = parsePolicyText(edited);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.policy.deny, ['POST /pets']);
  assert.equal(parsed.policy.blocks[0]?.name, 'scraper');

  const shadow = (await actionsFor(find('undocumented-endpoint', '/orders/')!)).find((a) => a.title === 'Block GET /orders/{orderId} at the gateway');
  assert.ok(shadow?.edit, 'offered on the shadow endpoint (the path as the spec would write it)');

  // The edited policy is the one the generator enforces.
  writeFileSync(join(dir, 'tapline-gateway.yaml'), edited);
  let out = '';
  const code = await runCli(['gateway', 'nginx', '--spec', join(dir, 'openapi.yaml'), '--policy', join(dir, 'tapline-gateway.yaml'), '--upstream', 'http://127.0.0.1:9', '--listen', '8080', '--mode', 'enforce'], {
    cwd: dir,
    readFile: (p) => {
      try {
        return readFileSync(p, 'utf8');
      } catch {
        return undefined;
      }
    },
    stdout: (s) => (out += s),
    stderr: () => undefined,
    version: '0',
  });
  assert.equal(code, 0);
  assert.match(out, /set \$tapline_reason "operation-denied";\n\s+return 403/);
  await client.shutdown();
});

test('without a policy file the action creates one; an already denied operation is offered disabled', async (t) => {
  const { dir, client, find, actionsFor } = await setUp(t);
  const policyUri = pathToFileURL(join(dir, 'tapline-gateway.yaml')).toString();
  const action = (await actionsFor(find('unused-operation', 'POST')!)).find((a) => a.title === 'Block POST /pets at the gateway');
  const [create, write] = action?.edit?.documentChanges ?? [];
  assert.deepEqual(create, { kind: 'create', uri: policyUri, options: { ignoreIfExists: true } });
  const text = write?.edits?.[0]?.newText ?? '';
  const parsed = parsePolicyText(text);
  assert.ok(parsed.ok && parsed.policy.deny.includes('POST /pets'), text);

  writeFileSync(join(dir, 'tapline-gateway.yaml'), text);
  const again = (await actionsFor(find('unused-operation', 'POST')!)).find((a) => a.title === 'Block POST /pets at the gateway');
  assert.match(again?.disabled?.reason ?? '', /already denies POST \/pets/);
  await client.shutdown();
});

test('the engine regenerates the gateway configuration from the workspace policy; nginx -t accepts it', async (t) => {
  const { dir, client } = await setUp(t, POLICY);
  const result = await client.connection.sendRequest<Outcome<{ files: { specUri: string; policyUri?: string; targetUri: string; text: string; operations: number }[] }>>(GATEWAY_CONFIG.method, { upstream: 'http://127.0.0.1:8080', listen: '127.0.0.1:8081' });
  assert.ok(result.ok, JSON.stringify(result));
  const [file] = result.files;
  assert.equal(file?.targetUri, pathToFileURL(join(dir, 'openapi.nginx.conf')).toString());
  assert.equal(file?.policyUri, pathToFileURL(join(dir, 'tapline-gateway.yaml')).toString());
  assert.equal(file?.operations, 3);
  assert.match(file?.text ?? '', /listen 127\.0\.0\.1:8081;/);
  assert.match(file?.text ?? '', /\(report mode\)/, 'the policy file says report');
  assert.match(file?.text ?? '', /client-blocked:scraper/);
  if (nginxGate(t)) {
    const prefix = nginxPrefix(file?.text.replace(/\/var\/log\/nginx\/tapline-gateway\.log/g, join(dir, 'access.log')));
    const checked = nginxTest(prefix.dir);
    rmSync(prefix.dir, { recursive: true, force: true });
    assert.ok(checked.ok, checked.output);
  }
  const bad = await client.connection.sendRequest<Outcome>(GATEWAY_CONFIG.method, { upstream: 'ftp://x', listen: '8081' });
  assert.ok(!bad.ok && /upstream must be/.test(bad.reason));
  writeFileSync(join(dir, 'tapline-gateway.yaml'), 'mode: audit\n');
  const invalid = await client.connection.sendRequest<Outcome>(GATEWAY_CONFIG.method, { upstream: 'http://127.0.0.1:8080', listen: '8081' });
  assert.ok(!invalid.ok && /tapline-gateway\.yaml has problems: \/mode/.test(invalid.reason), JSON.stringify(invalid));
  await client.shutdown();
});

test('the snapshot says per endpoint what the workspace gateway policy does with it (the Explorer shows it)', async (t) => {
  const { client } = await setUp(t, 'deny: ["POST /pets"]\nblock:\n  - name: scraper\n    ip: [203.0.113.9]\n    operations: ["GET /pets"]\n');
  const verdicts = async () => {
    const snapshot = await client.connection.sendRequest<EngineSnapshot>(SNAPSHOT.method, {});
    return new Map(snapshot.endpoints.map((e) => [`${e.method} ${e.path}`, e.gateway]));
  };
  let v = await verdicts();
  for (let i = 0; i < 50 && [...v.values()].every((g) => g === undefined); i++) {
    // The verdicts are rebuilt after the index settles; wait for the engine's change notification.
    await client.until(() => client.notifications.has('tapline/changed'));
    client.notifications.delete('tapline/changed');
    v = await verdicts();
  }
  assert.deepEqual(v.get('GET /pets'), { decision: 'allow', clientBlocks: 1, policyFile: true });
  assert.deepEqual(v.get('POST /pets'), { decision: 'block', reason: 'operation-denied', clientBlocks: 0, policyFile: true }, 'an unused operation is judged by its route');
  assert.deepEqual(v.get('GET /pets/{petId}'), { decision: 'allow', clientBlocks: 0, policyFile: true });
  const shadow = [...v.entries()].find(([k]) => k.startsWith('GET /v1/orders'));
  assert.deepEqual(shadow?.[1], { decision: 'block', reason: 'path-not-documented', clientBlocks: 0, policyFile: true });
  await client.shutdown();
});

test('the policy report on the traffic the engine holds (the live inventory)', async (t) => {
  const { client } = await setUp(t, 'deny: ["GET /pets"]\n');
  const result = await client.connection.sendRequest<Outcome<{ text: string; requests: number; flagged: number }>>(GATEWAY_REPORT.method, {});
  assert.ok(result.ok, JSON.stringify(result));
  assert.equal(result.requests, 3);
  assert.match(result.text, /against 3 request\(s\) the engine holds \(the recent ones and each endpoint's samples, not every call observed\)/, "the engine's report does not pass samples off as every call");
  assert.equal(result.flagged, 1, 'GET /pets is documented, observed, and denied');
  assert.match(result.text, /^# .*openapi\.yaml with .*tapline-gateway\.yaml$/m);
  assert.match(result.text, /^! GET \/pets: 1 request\(s\), 0 allowed, blocked: 1 operation-denied$/m);
  assert.match(result.text, /^ {2}GET \/v1\/orders\/7 \(undocumented\): 1 request\(s\), 0 allowed, blocked: 1 path-not-documented$/m);
  await client.shutdown();
});

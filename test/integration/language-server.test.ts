// The built language server (dist/server.js) as a real process over stdio: it answers `initialize`
// and reports the OpenAPI documents it is shown, and ignores other YAML.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

const REPO = join(__dirname, '..', '..');

test('the language server initializes over stdio and logs the OpenAPI documents it sees', async (t) => {
  const server = spawn(process.execPath, [join(REPO, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
  const logs: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  connection.onNotification('window/logMessage', (params: { message: string }) => {
    logs.push(params.message);
    for (const waiter of waiters.filter((w) => w.pattern.test(params.message))) waiter.resolve(params.message);
  });
  const logged = (pattern: RegExp): Promise<string> =>
    new Promise((resolve) => {
      const seen = logs.find((line) => pattern.test(line));
      if (seen) resolve(seen);
      else waiters.push({ pattern, resolve });
    });
  connection.listen();
  t.after(() => {
    connection.dispose();
    server.kill();
  });

  const result = await connection.sendRequest<{ serverInfo?: { name: string } }>('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: {},
  });
  assert.equal(result.serverInfo?.name, 'tapline-language-server');
  await connection.sendNotification('initialized', {});
  await logged(/language server ready/);

  const open = (uri: string, languageId: string, text: string) =>
    connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  await open('file:///ws/ci.yaml', 'yaml', 'name: build\non: push\n');
  const spec = readFileSync(join(REPO, 'test', 'fixtures', 'workspaces', 'petstore', 'openapi.yaml'), 'utf8');
  await open('file:///ws/openapi.yaml', 'yaml', spec);

  const line = await logged(/OpenAPI document: file:\/\/\/ws\/openapi\.yaml/);
  assert.match(line, /openapi 3\.0\.0/);
  assert.ok(!logs.some((l) => l.includes('ci.yaml')), 'a non-OpenAPI YAML file is not reported');

  await connection.sendRequest('shutdown');
  const exited = new Promise((resolve) => server.once('exit', resolve));
  await connection.sendNotification('exit');
  await exited;
});

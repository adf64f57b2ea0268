// The sensor's ServiceAccount token is read again for every request to the API server: kubelet
// rotates projected tokens (an hour by default) by swapping the file, and a token read once at
// start would be refused from then on. Against a real HTTPS server on loopback (Node's, with a
// certificate openssl made for this test) that accepts only the current token.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inClusterConfig, listNodePodsVersioned, watchNodePods } from '../../sensor/src/k8s/api-client';

const POD_LIST = readFileSync(join(__dirname, '..', 'fixtures', 'k8s', 'pods-kind-worker.json'), 'utf8');

/** Writes the token the way kubelet does: a new file renamed over the old one. */
function rotate(dir: string, token: string): void {
  writeFileSync(join(dir, 'token.new'), `${token}\n`);
  renameSync(join(dir, 'token.new'), join(dir, 'token'));
}

async function apiServer(t: TestContext, dir: string): Promise<{ url: URL; accept: (token: string) => void; seen: string[] } | undefined> {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    if (process.env.CI !== 'true') return void t.skip('openssl is not installed (scripts/setup-system.sh installs it)');
  }
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=kubernetes', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'ca.crt')], { stdio: 'ignore' });
  let accepted = '';
  const seen: string[] = [];
  const server = createServer({ cert: readFileSync(join(dir, 'ca.crt')), key: readFileSync(join(dir, 'key.pem')) }, (req, res) => {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    seen.push(token);
    if (token !== accepted) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 }));
      return;
    }
    if (req.url?.includes('watch=1')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '9001' } } }) + '\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(POD_LIST);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: new URL(`https://127.0.0.1:${(server.address() as AddressInfo).port}`), accept: (token) => void (accepted = token), seen };
}

test('a rotated ServiceAccount token is used for the next list and watch; a refused one says so', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tapline-sa-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const api = await apiServer(t, dir);
  if (!api) return;
  rotate(dir, 'token-one');
  const config = inClusterConfig({ KUBERNETES_SERVICE_HOST: api.url.hostname, KUBERNETES_SERVICE_PORT: api.url.port, NODE_NAME: 'node-a' }, dir);
  assert.ok(typeof config !== 'string', String(config));
  api.accept('token-one');
  const first = await listNodePodsVersioned(config);
  assert.ok(first.pods.length > 0);

  // An hour later kubelet has written a new token, and the API server no longer takes the old one.
  rotate(dir, 'token-two');
  api.accept('token-two');
  const again = await listNodePodsVersioned(config);
  assert.equal(again.pods.length, first.pods.length);
  const events: unknown[] = [];
  await watchNodePods(config, again.resourceVersion ?? '1', (e) => events.push(e), new AbortController().signal);
  assert.equal(events.length, 1);
  assert.deepEqual(api.seen, ['token-one', 'token-two', 'token-two']);

  // Refused (the file not yet rotated): a clear error, for list and watch alike.
  api.accept('token-three');
  await assert.rejects(listNodePodsVersioned(config), /refused the ServiceAccount token \(401\)/);
  await assert.rejects(watchNodePods(config, '1', () => undefined, new AbortController().signal), /refused the ServiceAccount token \(401\)/);
  rotate(dir, 'token-three');
  assert.ok((await listNodePodsVersioned(config)).pods.length > 0, 'the next try reads the rotated file');
});

// HTTP/2 from Debian's nginx through the live eBPF sensor (root, Linux), driven by Debian's curl:
// h2 over OpenSSL negotiated through ALPN (`curl --http2 https://`), h2c with prior knowledge
// (`--http2-prior-knowledge`), several streams multiplexed on one connection (`--parallel`), and
// an h2c Upgrade that nginx does not support (it answers in HTTP/1.1: reported as 1.1). Each
// exchange is exactly one transaction with the right method, path, status and version, and a
// secret sent in an HTTP/2 header never leaves the sensor.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { freePort, nginxGate, nginxPrefix, startNginx, type NginxProcess } from '../support/nginx';
import { startSensorProcess, type SensorProcess } from '../support/sensor-process';
import { SensorView, brief } from '../support/sensor-view';
import { TLS_CERT, TLS_KEY, gate } from './ebpf-helpers';

const run = promisify(execFile);
const SECRET = 'h2-nginx-secret-4eC39HqLyjWDarjtT1zdp7dc';
const API_KEY = 'sk_live_h2nginx9Ab3CdE5fG7hJ9kL1mN3pQ';

test('nginx over HTTP/2 (h2 over TLS, h2c) driven by curl: one transaction per exchange, h2 headers redacted', { timeout: 90_000 }, async (t) => {
  if (!gate(t) || !nginxGate(t)) return;
  const [tlsPort, h2cPort, plainPort] = [await freePort(), await freePort(), await freePort()];
  const prefix = nginxPrefix();
  writeFileSync(join(prefix.dir, 'key.pem'), TLS_KEY, { mode: 0o600 });
  writeFileSync(join(prefix.dir, 'cert.pem'), TLS_CERT);
  const routes = [
    'location /missing { return 404; }',
    'location / { default_type application/json; return 200 \'{"uri":"$uri","proto":"$server_protocol"}\'; }',
  ].join(' ');
  writeFileSync(
    join(prefix.dir, 'gateway.conf'),
    [
      `server { listen 127.0.0.1:${tlsPort} ssl http2; ssl_certificate ${join(prefix.dir, 'cert.pem')}; ssl_certificate_key ${join(prefix.dir, 'key.pem')}; ${routes} }`,
      `server { listen 127.0.0.1:${h2cPort} http2; location / { default_type application/json; return 201 '{"uri":"$uri"}'; } }`,
      `server { listen 127.0.0.1:${plainPort}; ${routes} }`,
      '',
    ].join('\n'),
  );
  let nginx: NginxProcess | undefined;
  let sensor: SensorProcess | undefined;
  try {
    nginx = await startNginx(prefix.dir, tlsPort);
    const ports = new Set([tlsPort, h2cPort, plainPort]);
    // Only our ports: other sensors' tests run on this machine at the same time.
    sensor = await startSensorProcess(join(prefix.dir, 'token'), ['--listen', '127.0.0.1:0', ...[...ports].flatMap((p) => ['--port', String(p)])]);
    const view = await SensorView.open(sensor, ports);
    const tls = `https://127.0.0.1:${tlsPort}`;
    const curl = async (...args: string[]): Promise<string> => (await run('curl', ['-sS', '-k', '-o', '/dev/null', '-w', '%{http_version} ', ...args])).stdout;

    assert.equal(await curl('--http2', `${tls}/orders/1?expand=items`, '-H', `Authorization: Bearer ${SECRET}`, '-H', `x-api-key: ${API_KEY}`), '2 ');
    assert.equal(await curl('--http2', `${tls}/missing/7`), '2 ');
    // Three streams at once on one connection.
    assert.equal(await curl('--http2', '--parallel', '--parallel-immediate', `${tls}/p/1`, `${tls}/p/2`, `${tls}/p/3`, '-o', '/dev/null', '-o', '/dev/null'), '2 2 2 ');
    // (a GET: nginx's `return` does not read a request body, and resets an h2 stream that sends one)
    assert.equal(await curl('--http2-prior-knowledge', `http://127.0.0.1:${h2cPort}/h2c/items?page=2`), '2 ');
    // curl asks for h2c with an Upgrade; nginx ignores it and answers in HTTP/1.1.
    assert.equal(await curl('--http2', `http://127.0.0.1:${plainPort}/upgrade/ignored`), '1.1 ');
    await curl('--http2', `${tls}/last`);
    await view.untilPath('/last');

    assert.deepEqual(view.transactions.map(brief).sort(), [
      'GET /h2c/items 201 v2 tls=false',
      'GET /last 200 v2 tls=true',
      'GET /missing/7 404 v2 tls=true',
      'GET /orders/1 200 v2 tls=true',
      'GET /p/1 200 v2 tls=true',
      'GET /p/2 200 v2 tls=true',
      'GET /p/3 200 v2 tls=true',
      'GET /upgrade/ignored 200 v1.1 tls=false',
    ]);
    assert.ok(view.transactions.every((x) => x.server.pid === nginx?.child.pid), 'nginx reports each exchange (curl\'s side defers to it)');
    const orders = view.transactions.find((x) => x.request.path === '/orders/1');
    assert.equal(orders?.request.query, 'expand=items');
    assert.equal(orders?.response?.body?.text, '{"uri":"/orders/1","proto":"HTTP/2.0"}');
    assert.equal(orders?.service, `127.0.0.1:${tlsPort}`);
    const h2c = view.transactions.find((x) => x.request.path === '/h2c/items');
    assert.equal(h2c?.request.query, 'page=2');
    assert.equal(h2c?.response?.body?.text, '{"uri":"/h2c/items"}');

    // Redaction of HTTP/2 headers, proven on what the sensor sent: nothing of the secrets, and the redactions marked.
    const all = view.raw.join('\n');
    assert.ok(!all.includes(SECRET), 'the bearer token sent in an h2 header reached a client of the sensor');
    assert.ok(!all.includes(API_KEY), 'the API key sent in an h2 header reached a client of the sensor');
    const names = new Set(orders?.redactions.map((r) => r.name?.toLowerCase()));
    assert.ok(names.has('authorization') && names.has('x-api-key'), `redactions marked: ${JSON.stringify(orders?.redactions)}`);
    view.close();
  } finally {
    await sensor?.stop();
    await nginx?.stop();
  }
});

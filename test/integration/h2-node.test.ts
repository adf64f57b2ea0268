// Node's own `http2` module, server and client in two processes, through the live eBPF sensor
// (root, Linux): h2c with prior knowledge and h2 over node's OpenSSL (ALPN), several streams at
// once on one connection, and a stream the client cancels mid-answer (RST_STREAM). Each exchange
// is exactly one transaction. (A server-side reset mid-body is not tried: node's close(code) ends
// the stream cleanly before it sends RST_STREAM, so the answer is complete on the wire.)
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startSensorProcess, type SensorProcess } from '../support/sensor-process';
import { SensorView, brief } from '../support/sensor-view';
import { TLS_CERT, TLS_KEY, gate, lineFrom, stopChildren } from './ebpf-helpers';

const SECRET = 'h2-node-secret-Zk8vQ2rT6yU1iO4pA7sD';

/** An h2c and an h2-over-TLS server with the same routes; prints "listening H2C TLS". */
const SERVER = `
const http2 = require('node:http2'), fs = require('node:fs');
function onStream(stream, headers) {
  const path = headers[':path'];
  const chunks = [];
  stream.on('data', (c) => chunks.push(c));
  stream.on('error', () => undefined);
  stream.on('end', () => {
    if (path === '/hang') { stream.respond({ ':status': 200 }); stream.write('waiting'); return; } // the client cancels it
    stream.respond({ ':status': path.startsWith('/missing') ? 404 : 200, 'content-type': 'application/json' });
    stream.end(JSON.stringify({ path, received: Buffer.concat(chunks).length }));
  });
}
const plain = http2.createServer();
plain.on('stream', onStream);
const secure = http2.createSecureServer({ key: fs.readFileSync(process.argv[1]), cert: fs.readFileSync(process.argv[2]) });
secure.on('stream', onStream);
plain.listen(0, '127.0.0.1', () => secure.listen(0, '127.0.0.1', () => process.stdout.write('listening ' + plain.address().port + ' ' + secure.address().port + '\\n')));
`;

/** The client's exchanges (ports in argv); prints "done" once every stream has closed. */
const CLIENT = `
const http2 = require('node:http2');
const [h2cPort, tlsPort, secret] = process.argv.slice(1);
const { NGHTTP2_CANCEL } = http2.constants;
function call(session, headers, body, onResponse) {
  return new Promise((resolve) => {
    const req = session.request(headers);
    req.on('response', (h) => onResponse && onResponse(req, h));
    req.on('error', () => undefined);
    req.resume();
    req.on('close', () => resolve(req.rstCode));
    req.end(body);
  });
}
(async () => {
  const h2c = http2.connect('http://127.0.0.1:' + h2cPort);
  await Promise.all([0, 1, 2, 3, 4].map((i) => call(h2c, { ':method': 'POST', ':path': '/items/' + i, 'content-type': 'application/json' }, JSON.stringify({ i, pad: 'x'.repeat(i * 100) }))));
  const cancelled = await call(h2c, { ':path': '/hang' }, undefined, (req) => req.close(NGHTTP2_CANCEL));
  h2c.close();
  const tls = http2.connect('https://127.0.0.1:' + tlsPort, { rejectUnauthorized: false });
  await Promise.all([call(tls, { ':path': '/secure/a?x=1', authorization: 'Bearer ' + secret }), call(tls, { ':path': '/missing/b' })]);
  await call(tls, { ':path': '/last' });
  tls.close();
  process.stdout.write('done ' + cancelled + '\\n');
})().catch((e) => { console.error(e); process.exit(1); });
`;

test('node http2 client and server (h2c and h2 over TLS): concurrent streams and RST_STREAM, one transaction per exchange', { timeout: 90_000 }, async (t) => {
  if (!gate(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'tapline-h2-node-'));
  writeFileSync(join(dir, 'key.pem'), TLS_KEY, { mode: 0o600 });
  writeFileSync(join(dir, 'cert.pem'), TLS_CERT);
  const procs: ChildProcess[] = [];
  let sensor: SensorProcess | undefined;
  try {
    const server = spawn(process.execPath, ['-e', SERVER, join(dir, 'key.pem'), join(dir, 'cert.pem')], { stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(server);
    const m = await lineFrom(server, /listening (\d+) (\d+)/);
    const [h2cPort, tlsPort] = [Number(m[1]), Number(m[2])];
    const ports = new Set([h2cPort, tlsPort]);
    // Only our ports: other sensors' tests run on this machine at the same time.
    sensor = await startSensorProcess(join(dir, 'token'), ['--listen', '127.0.0.1:0', '--port', String(h2cPort), '--port', String(tlsPort)]);
    const view = await SensorView.open(sensor, ports);

    const client = spawn(process.execPath, ['-e', CLIENT, String(h2cPort), String(tlsPort), SECRET], { stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(client);
    const done = await lineFrom(client, /done (\d+)/);
    assert.equal(Number(done[1]), 8, 'the client cancelled /hang (RST_STREAM CANCEL)');
    await view.untilPath('/last');
    await view.untilPath('/hang');

    assert.deepEqual(view.transactions.map(brief).sort(), [
      'GET /hang 200 v2 tls=false',
      'GET /last 200 v2 tls=true',
      'GET /missing/b 404 v2 tls=true',
      'GET /secure/a 200 v2 tls=true',
      'POST /items/0 200 v2 tls=false',
      'POST /items/1 200 v2 tls=false',
      'POST /items/2 200 v2 tls=false',
      'POST /items/3 200 v2 tls=false',
      'POST /items/4 200 v2 tls=false',
    ]);
    assert.ok(view.transactions.every((x) => x.server.pid === server.pid), 'the server reports each exchange (its node client defers to it)');
    for (let i = 0; i < 5; i++) {
      const x = view.transactions.find((y) => y.request.path === `/items/${i}`);
      assert.equal(x?.request.body?.text, JSON.stringify({ i, pad: 'x'.repeat(i * 100) }), `the body of stream /items/${i}`);
      assert.equal(x?.response?.body?.text, JSON.stringify({ path: `/items/${i}`, received: JSON.stringify({ i, pad: 'x'.repeat(i * 100) }).length }));
    }
    // The cancelled stream's answer is cut: what was sent before the reset, marked truncated.
    const hang = view.transactions.find((x) => x.request.path === '/hang');
    assert.equal(hang?.response?.body?.text, 'waiting');
    assert.equal(hang?.response?.body?.truncated, true);
    assert.equal(view.transactions.find((x) => x.request.path === '/secure/a')?.request.query, 'x=1');
    assert.ok(!view.raw.join('\n').includes(SECRET), 'the bearer token sent in an h2 header reached a client of the sensor');
    view.close();
  } finally {
    await sensor?.stop();
    await stopChildren(procs);
    rmSync(dir, { recursive: true, force: true });
  }
});

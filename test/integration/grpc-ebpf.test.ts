// gRPC through the live eBPF sensor (root, Linux): a real @grpc/grpc-js server and client in two
// processes (h2c, messages serialized by protobufjs from the fixture workspace's .proto files)
// make a unary call, a server-streaming call, a call that fails with NOT_FOUND and a last unary
// call. Each is exactly one transaction with its service, method, HTTP/2, HTTP 200 and its
// grpc-status; secrets sent as gRPC metadata never leave the sensor; and the captured bytes decode
// in the engine with the same .proto files.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { grpcDetail } from '../../core/src/grpc/grpc-detail';
import { TrafficStore } from '../../core/src/inventory/traffic-store';
import { ProtoIndex } from '../../server/src/grpc/proto-index';
import { startSensorProcess, type SensorProcess } from '../support/sensor-process';
import { SensorView } from '../support/sensor-view';
import type { Transaction } from '../../core/src/protocol/transaction';
import { TLS_CERT, TLS_KEY, gate, lineFrom, repoRoot, stopChildren } from './ebpf-helpers';

const WORKSPACE = join(repoRoot, 'test', 'fixtures', 'workspaces', 'grpc');
const BEARER = 'grpc-bearer-Qm3xT8vL1pZ6wR9k';
const API_KEY = 'grpc-api-key-Hs4nB7cV2jX5eY0u';

/** The Catalog service's methods for grpc-js, serialized with protobufjs from the workspace's .proto files. */
const CATALOG = `
const grpc = require('@grpc/grpc-js'), protobuf = require('protobufjs'), path = require('node:path');
const root = new protobuf.Root();
root.resolvePath = (origin, target) => (origin === '' ? target : path.join(process.env.PROTO_DIR, target));
root.loadSync(path.join(process.env.PROTO_DIR, 'shop/v1/catalog.proto'), { keepCase: true });
const codec = (name) => { const t = root.lookupType(name); return [(o) => Buffer.from(t.encode(t.fromObject(o)).finish()), (b) => t.toObject(t.decode(b), { longs: String, enums: String })]; };
const [getReqS, getReqD] = codec('shop.v1.GetItemRequest'), [listReqS, listReqD] = codec('shop.v1.ListItemsRequest'), [itemS, itemD] = codec('shop.v1.Item');
const method = (name, requestStream, responseStream, reqS, reqD) => ({ path: '/shop.v1.Catalog/' + name, requestStream, responseStream, requestSerialize: reqS, requestDeserialize: reqD, responseSerialize: itemS, responseDeserialize: itemD });
const catalog = { GetItem: method('GetItem', false, false, getReqS, getReqD), ListItems: method('ListItems', false, true, listReqS, listReqD) };
`;

const SERVER = `${CATALOG}
const server = new grpc.Server();
server.addService(catalog, {
  GetItem(call, done) {
    if (call.request.id === 'missing') return done({ code: grpc.status.NOT_FOUND, details: 'no item missing' });
    done(null, { id: call.request.id, name: 'Hammer', price_cents: 1299, tags: ['tools'], kind: 'TOOL' });
  },
  ListItems(call) {
    for (let i = 0; i < 3; i++) call.write({ id: 'sku-' + i, name: 'Item ' + i, kind: 'BOOK' });
    call.end();
  },
});
const fs = require('node:fs');
const tls = grpc.ServerCredentials.createSsl(null, [{ private_key: fs.readFileSync(process.env.TLS_KEY_FILE), cert_chain: fs.readFileSync(process.env.TLS_CERT_FILE) }]);
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  server.bindAsync('127.0.0.1:0', tls, (err2, tlsPort) => {
    if (err2) throw err2;
    process.stdout.write('listening ' + port + ' ' + tlsPort + '\\n');
  });
});
`;

const CLIENT = `${CATALOG}
const Client = grpc.makeGenericClientConstructor(catalog, 'Catalog');
const credentials = process.argv[4] === 'tls' ? grpc.credentials.createSsl(require('node:fs').readFileSync(process.env.TLS_CERT_FILE)) : grpc.credentials.createInsecure();
const client = new Client('127.0.0.1:' + process.argv[1], credentials);
const metadata = () => { const m = new grpc.Metadata(); m.set('authorization', 'Bearer ' + process.argv[2]); m.set('x-api-key', process.argv[3]); m.set('x-request-origin', 'grpc-test'); return m; };
const unary = (id) => new Promise((resolve) => client.GetItem({ id }, metadata(), (err, item) => resolve(err ? 'error ' + err.code : 'ok ' + item.name)));
const stream = () => new Promise((resolve, reject) => {
  const names = [];
  const call = client.ListItems({ category: 'books', limit: 3 }, metadata());
  call.on('data', (item) => names.push(item.name));
  call.on('error', reject);
  call.on('end', () => resolve('stream ' + names.length));
});
(async () => {
  const results = [await unary('sku-1'), await stream(), await unary('missing'), await unary('last')];
  client.close();
  process.stdout.write('done ' + results.join(', ') + '\\n');
})().catch((e) => { console.error(e); process.exit(1); });
`;

/** The last call's request is `{ id: 'last' }`: once it is in, every call before it is. */
const LAST_REQUEST = Buffer.from([0, 0, 0, 0, 6, 0x0a, 4, ...Buffer.from('last')]).toString('base64');
const CALLS = [
  'POST shop.v1.Catalog/GetItem 200 v2 grpc-status=0',
  'POST shop.v1.Catalog/ListItems 200 v2 grpc-status=0',
  'POST shop.v1.Catalog/GetItem 200 v2 grpc-status=5',
  'POST shop.v1.Catalog/GetItem 200 v2 grpc-status=0',
];

function brief(x: Transaction): string {
  return `${x.request.method} ${x.grpc?.service}/${x.grpc?.method} ${x.response?.status} v${x.httpVersion} grpc-status=${x.grpc?.status}`;
}

test('gRPC through the live sensor (h2c, then TLS): unary, server-streaming and a failing call, one transaction each with its grpc-status, metadata redacted', { timeout: 90_000 }, async (t) => {
  if (!gate(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'tapline-grpc-'));
  writeFileSync(join(dir, 'key.pem'), TLS_KEY, { mode: 0o600 });
  writeFileSync(join(dir, 'cert.pem'), TLS_CERT);
  const env = { ...process.env, PROTO_DIR: join(WORKSPACE, 'proto'), TLS_KEY_FILE: join(dir, 'key.pem'), TLS_CERT_FILE: join(dir, 'cert.pem') };
  const procs: ChildProcess[] = [];
  let sensor: SensorProcess | undefined;
  try {
    const server = spawn(process.execPath, ['-e', SERVER], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(server);
    const listening = await lineFrom(server, /listening (\d+) (\d+)/);
    const [port, tlsPort] = [Number(listening[1]), Number(listening[2])];
    // Only our ports: other sensors' tests run on this machine at the same time.
    sensor = await startSensorProcess(join(dir, 'token'), ['--listen', '127.0.0.1:0', '--port', String(port), '--port', String(tlsPort)]);
    const view = await SensorView.open(sensor, new Set([port, tlsPort]));
    const on = (p: number): Transaction[] => view.transactions.filter((x) => x.server.port === p);

    const client = spawn(process.execPath, ['-e', CLIENT, String(port), BEARER, API_KEY], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(client);
    const done = await lineFrom(client, /done (.*)\n/);
    assert.equal(done[1], 'ok Hammer, stream 3, error 5, ok Hammer', 'what the grpc-js client itself saw');
    await view.until('the last h2c GetItem call', () => on(port).some((x) => x.request.body?.base64 === LAST_REQUEST));
    const h2c = on(port);
    assert.deepEqual(h2c.map(brief), CALLS);
    assert.equal(h2c[2]!.grpc?.message, 'no item missing');
    assert.ok(h2c.every((x) => x.server.pid === server.pid && x.tls === false && x.request.path === `/${x.grpc?.service}/${x.grpc?.method}`));

    // Metadata is headers: the sensor redacted the secrets before anything left it.
    const header = (name: string): string | undefined => h2c[0]!.request.headers.find((h) => h.name === name)?.value;
    assert.equal(header('authorization'), 'Bearer [REDACTED:authorization]');
    assert.match(header('x-api-key') ?? '', /^\[REDACTED:/);
    assert.equal(header('x-request-origin'), 'grpc-test');
    const wire = view.raw.join('\n');
    assert.ok(!wire.includes(BEARER) && !wire.includes(API_KEY), 'a secret sent as gRPC metadata reached a client of the sensor');

    // The captured bytes are the real messages: the engine decodes them with the workspace's .proto files.
    const protos = new ProtoIndex(() => undefined);
    await protos.setFolders([pathToFileURL(WORKSPACE).href]);
    const store = new TrafficStore({ minSampleIntervalMs: 0 });
    const ids = h2c.map((x) => store.add(x));
    const unary = grpcDetail(store.endpoint(ids[0]!)!, protos.lookup)!;
    assert.deepEqual(unary.statuses.map((s) => `${s.name} ×${s.count}`), ['OK ×2', 'NOT_FOUND ×1']);
    const first = unary.samples.find((s) => s.sampleId === h2c[0]!.id)!;
    assert.deepEqual(JSON.parse(first.request[0]!.decoded!), { id: 'sku-1' });
    assert.deepEqual(JSON.parse(first.response[0]!.decoded!), { id: 'sku-1', name: 'Hammer', price_cents: '1299', tags: ['tools'], kind: 'TOOL' });
    const streamed = grpcDetail(store.endpoint(ids[1]!)!, protos.lookup)!.samples[0]!;
    assert.deepEqual(streamed.response.map((m) => JSON.parse(m.decoded!).name), ['Item 0', 'Item 1', 'Item 2']);

    // The same calls over TLS (grpc-js on node's OpenSSL, ALPN h2): read through the OpenSSL uprobes.
    const secure = spawn(process.execPath, ['-e', CLIENT, String(tlsPort), BEARER, API_KEY, 'tls'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(secure);
    assert.equal((await lineFrom(secure, /done (.*)\n/))[1], 'ok Hammer, stream 3, error 5, ok Hammer');
    await view.until('the last TLS GetItem call', () => on(tlsPort).some((x) => x.request.body?.base64 === LAST_REQUEST));
    assert.deepEqual(on(tlsPort).map(brief), CALLS);
    assert.ok(on(tlsPort).every((x) => x.tls === true && x.server.pid === server.pid));
    assert.ok(!view.raw.join('\n').includes(BEARER), 'the bearer token sent as metadata over TLS reached a client of the sensor');
    view.close();
  } finally {
    await sensor?.stop();
    await stopChildren(procs);
    rmSync(dir, { recursive: true, force: true });
  }
});

// gRPC through the live eBPF sensor (root, Linux): a real @grpc/grpc-js server and client in two
// processes (h2c, messages serialized by protobufjs from the fixture workspace's .proto files)
// make a unary call, a server-streaming call, a call that fails with NOT_FOUND and a last unary
// call. Each is exactly one transaction with its service, method, HTTP/2, HTTP 200 and its
// grpc-status; secrets sent as gRPC metadata never leave the sensor; and the captured bytes decode
// in the engine with the same .proto files.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { grpcDetail } from '../../core/src/grpc/grpc-detail';
import { TrafficStore } from '../../core/src/inventory/traffic-store';
import { ProtoIndex } from '../../server/src/grpc/proto-index';
import { startSensorProcess, type SensorProcess } from '../support/sensor-process';
import { SensorView } from '../support/sensor-view';
import { gate, lineFrom, repoRoot } from './ebpf-helpers';

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
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  process.stdout.write('listening ' + port + '\\n');
});
`;

const CLIENT = `${CATALOG}
const Client = grpc.makeGenericClientConstructor(catalog, 'Catalog');
const client = new Client('127.0.0.1:' + process.argv[1], grpc.credentials.createInsecure());
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

test('gRPC through the live sensor: unary, server-streaming and a failing call, one transaction each with its grpc-status, metadata redacted', { timeout: 90_000 }, async (t) => {
  if (!gate(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'tapline-grpc-'));
  const env = { ...process.env, PROTO_DIR: join(WORKSPACE, 'proto') };
  const procs: ChildProcess[] = [];
  let sensor: SensorProcess | undefined;
  try {
    const server = spawn(process.execPath, ['-e', SERVER], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(server);
    const port = Number((await lineFrom(server, /listening (\d+)/))[1]);
    // Only our port: other sensors' tests run on this machine at the same time.
    sensor = await startSensorProcess(join(dir, 'token'), ['--listen', '127.0.0.1:0', '--port', String(port)]);
    const view = await SensorView.open(sensor, new Set([port]));

    const client = spawn(process.execPath, ['-e', CLIENT, String(port), BEARER, API_KEY], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(client);
    const done = await lineFrom(client, /done (.*)\n/);
    assert.equal(done[1], 'ok Hammer, stream 3, error 5, ok Hammer', 'what the grpc-js client itself saw');
    // The last call's request is `{ id: 'last' }`: wait for it, then everything before it is in.
    await view.until('the last GetItem call', () => view.transactions.some((x) => x.grpc?.method === 'GetItem' && x.request.body?.base64 === Buffer.from([0, 0, 0, 0, 6, 0x0a, 4, ...Buffer.from('last')]).toString('base64')));

    const calls = view.transactions.map((x) => `${x.request.method} ${x.grpc?.service}/${x.grpc?.method} ${x.response?.status} v${x.httpVersion} grpc-status=${x.grpc?.status}`);
    assert.deepEqual(calls, [
      'POST shop.v1.Catalog/GetItem 200 v2 grpc-status=0',
      'POST shop.v1.Catalog/ListItems 200 v2 grpc-status=0',
      'POST shop.v1.Catalog/GetItem 200 v2 grpc-status=5',
      'POST shop.v1.Catalog/GetItem 200 v2 grpc-status=0',
    ]);
    const failed = view.transactions[2]!;
    assert.equal(failed.grpc?.message, 'no item missing');
    assert.ok(view.transactions.every((x) => x.server.pid === server.pid && x.tls === false && x.request.path === `/${x.grpc?.service}/${x.grpc?.method}`));

    // Metadata is headers: the sensor redacted the secrets before anything left it.
    const header = (name: string): string | undefined => view.transactions[0]!.request.headers.find((h) => h.name === name)?.value;
    assert.equal(header('authorization'), 'Bearer [REDACTED:authorization]');
    assert.match(header('x-api-key') ?? '', /^\[REDACTED:/);
    assert.equal(header('x-request-origin'), 'grpc-test');
    const wire = view.raw.join('\n');
    assert.ok(!wire.includes(BEARER) && !wire.includes(API_KEY), 'a secret sent as gRPC metadata reached a client of the sensor');

    // The captured bytes are the real messages: the engine decodes them with the workspace's .proto files.
    const protos = new ProtoIndex(() => undefined);
    await protos.setFolders([pathToFileURL(WORKSPACE).href]);
    const store = new TrafficStore({ minSampleIntervalMs: 0 });
    const ids = view.transactions.map((x) => store.add(x));
    const unary = grpcDetail(store.endpoint(ids[0]!)!, protos.lookup)!;
    assert.deepEqual(unary.statuses.map((s) => `${s.name} ×${s.count}`), ['OK ×2', 'NOT_FOUND ×1']);
    const first = unary.samples.find((s) => s.sampleId === view.transactions[0]!.id)!;
    assert.deepEqual(JSON.parse(first.request[0]!.decoded!), { id: 'sku-1' });
    assert.deepEqual(JSON.parse(first.response[0]!.decoded!), { id: 'sku-1', name: 'Hammer', price_cents: '1299', tags: ['tools'], kind: 'TOOL' });
    const streamed = grpcDetail(store.endpoint(ids[1]!)!, protos.lookup)!.samples[0]!;
    assert.deepEqual(streamed.response.map((m) => JSON.parse(m.decoded!).name), ['Item 0', 'Item 1', 'Item 2']);
    view.close();
  } finally {
    await sensor?.stop();
    for (const p of procs) {
      if (p.exitCode === null && p.signalCode === null) {
        p.kill('SIGTERM');
        await once(p, 'exit');
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

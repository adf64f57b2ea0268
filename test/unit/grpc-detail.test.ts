// gRPC messages for display: the engine's .proto index (real protobufjs over the fixture
// workspace's files, one importing the other) decodes each sample's length-prefixed messages;
// what it cannot decode is shown as hex with the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import protobuf from 'protobufjs';
import { grpcDetail } from '../../core/src/grpc/grpc-detail';
import { splitFrames, toHex } from '../../core/src/grpc/frames';
import { TrafficStore } from '../../core/src/inventory/traffic-store';
import type { Transaction } from '../../core/src/protocol/transaction';
import { ProtoIndex } from '../../server/src/grpc/proto-index';
import { tx } from './diff-helpers';

const WORKSPACE = resolve(import.meta.dirname, '../fixtures/workspaces/grpc');

function frame(bytes: Uint8Array, compressed = false): Buffer {
  const head = Buffer.alloc(5);
  head[0] = compressed ? 1 : 0;
  head.writeUInt32BE(bytes.length, 1);
  return Buffer.concat([head, bytes]);
}

function grpcBody(bytes: Buffer, truncated = false): NonNullable<Transaction['request']['body']> {
  return { size: bytes.length, truncated, contentType: 'application/grpc', encoding: 'base64', base64: bytes.toString('base64') };
}

function call(path: string, request: Buffer, response: Buffer | undefined, status: number, truncated = false): Transaction {
  const t = tx({ method: 'POST', path, service: '127.0.0.1:50051' });
  const [, service, method] = path.split('/');
  t.httpVersion = '2';
  t.grpc = { service: service!, method: method!, status };
  t.request.body = grpcBody(request);
  if (response) t.response!.body = grpcBody(response, truncated);
  return t;
}

async function schemaTypes(): Promise<{ item: protobuf.Type; getItem: protobuf.Type }> {
  // The test's own protobufjs root encodes the messages; imports resolved from the proto folder.
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => (origin === '' ? target : join(WORKSPACE, 'proto', target));
  await root.load(join(WORKSPACE, 'proto/shop/v1/catalog.proto'), { keepCase: true });
  return { item: root.lookupType('shop.v1.Item'), getItem: root.lookupType('shop.v1.GetItemRequest') };
}

test('messages decode with the workspace .proto (an import found by its path), per sample and direction', async () => {
  const index = new ProtoIndex(() => undefined);
  await index.setFolders([pathToFileURL(WORKSPACE).href]);
  const { item, getItem } = await schemaTypes();
  const request = frame(Buffer.from(getItem.encode({ id: 'sku-1' }).finish()));
  const response = frame(Buffer.from(item.encode({ id: 'sku-1', name: '<b>Hammer</b>', price_cents: 1299, tags: ['tools'], kind: 2 }).finish()));
  const store = new TrafficStore();
  const id = store.add(call('/shop.v1.Catalog/GetItem', request, response, 0));
  store.add(call('/shop.v1.Catalog/GetItem', request, undefined, 5));
  const detail = grpcDetail(store.endpoint(id)!, index.lookup)!;

  assert.deepEqual(detail.schema, { file: 'proto/shop/v1/catalog.proto', requestType: 'shop.v1.GetItemRequest', responseType: 'shop.v1.Item' });
  assert.deepEqual(detail.statuses, [{ code: 0, name: 'OK', count: 1 }, { code: 5, name: 'NOT_FOUND', count: 1 }]);
  const ok = detail.samples.find((s) => s.statusName === 'OK')!;
  assert.deepEqual(JSON.parse(ok.request[0]!.decoded!), { id: 'sku-1' });
  // Strings from traffic stay as sent (rendered as text by the webview), enums by name, int64 as a string.
  assert.deepEqual(JSON.parse(ok.response[0]!.decoded!), { id: 'sku-1', name: '<b>Hammer</b>', price_cents: '1299', tags: ['tools'], kind: 'TOOL' });
  assert.equal(ok.response[0]!.typeName, 'shop.v1.Item');
  const notFound = detail.samples.find((s) => s.statusName === 'NOT_FOUND')!;
  assert.deepEqual(notFound.response, []);
});

test('what cannot be decoded is hex with the reason: compressed, cut, undecodable, undeclared service, no .proto at all', async () => {
  const index = new ProtoIndex(() => undefined);
  await index.setFolders([pathToFileURL(WORKSPACE).href]);
  const { item } = await schemaTypes();
  const whole = Buffer.from(item.encode({ id: 'x', name: 'a long enough name to be cut' }).finish());
  const store = new TrafficStore({ minSampleIntervalMs: 0 });
  const compressed = store.add(call('/shop.v1.Catalog/GetItem', frame(Buffer.from([0x1f, 0x8b, 0x08]), true), frame(whole).subarray(0, 12), 0, true));
  const c = grpcDetail(store.endpoint(compressed)!, index.lookup)!.samples[0]!;
  assert.match(c.request[0]!.reason!, /^compressed \(grpc-encoding unknown\)/);
  assert.equal(c.request[0]!.hex, '1f 8b 08');
  assert.match(c.response[0]!.reason!, /^cut by the capture cap: 7 of \d+ bytes kept$/);

  // A wire type 7 tag is invalid protobuf.
  const broken = store.add(call('/shop.v1.Catalog/ListItems', frame(Buffer.from([0x0f, 0xff])), frame(whole), 0));
  const b = grpcDetail(store.endpoint(broken)!, index.lookup)!.samples[0]!;
  assert.match(b.request[0]!.reason!, /^not a valid shop\.v1\.ListItemsRequest: /);
  assert.equal(b.request[0]!.hex, '0f ff');
  assert.ok(b.response[0]!.decoded);

  const other = store.add(call('/other.Svc/Do', frame(Buffer.from([1, 2])), frame(Buffer.alloc(0)), 12));
  const o = grpcDetail(store.endpoint(other)!, index.lookup)!;
  assert.deepEqual(o.schema, { unavailable: 'no .proto file in the workspace declares service other.Svc' });
  assert.equal(o.samples[0]!.request[0]!.reason, 'no .proto file in the workspace declares service other.Svc');
  assert.equal(o.samples[0]!.statusName, 'UNIMPLEMENTED');

  const empty = new ProtoIndex(() => undefined);
  assert.deepEqual(empty.lookup('shop.v1.Catalog', 'GetItem'), { unavailable: 'no .proto files in the workspace' });
});

test('a broken .proto is reported and the others still decode; a .proto change is picked up on reload', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tapline-proto-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await cp(join(WORKSPACE, 'proto'), join(dir, 'proto'), { recursive: true });
  await writeFile(join(dir, 'broken.proto'), 'syntax = "proto3";\nmessage { oops\n');
  const logs: string[] = [];
  let reloaded = (): void => undefined;
  const index = new ProtoIndex((m) => logs.push(m), () => reloaded());
  t.after(() => index.dispose());
  await index.setFolders([pathToFileURL(dir).href]);
  assert.match(logs.at(-1)!, /3 \.proto files read; 1 problems \(.*broken\.proto: /);
  assert.equal('unavailable' in index.lookup('shop.v1.Catalog', 'GetItem'), false);
  const missing = index.lookup('shop.v1.Orders', 'Get');
  assert.match('unavailable' in missing ? missing.unavailable : '', /declares service shop\.v1\.Orders \(1 \.proto problems, e\.g\. .*broken\.proto/);

  await writeFile(join(dir, 'broken.proto'), 'syntax = "proto3";\npackage shop.v1;\nservice Orders { rpc Get (Empty) returns (Empty); }\nmessage Empty {}\n');
  await index.reload();
  const fixed = index.lookup('shop.v1.Orders', 'Get');
  assert.equal('unavailable' in fixed ? fixed.unavailable : fixed.requestType, 'shop.v1.Empty');

  // A folder copied in without any reload (watchers miss those): the next lookups find it on disk.
  await mkdir(join(dir, 'more', 'pay'), { recursive: true });
  await writeFile(join(dir, 'more', 'pay', 'pay.proto'), 'syntax = "proto3";\npackage pay;\nservice Pay { rpc Charge (Req) returns (Req); }\nmessage Req { string id = 1; }\n');
  const seen = new Promise<void>((resolve) => (reloaded = resolve));
  assert.equal('unavailable' in index.lookup('pay.Pay', 'Charge'), true, 'not loaded yet');
  await seen;
  assert.equal('unavailable' in index.lookup('pay.Pay', 'Charge'), false);
});

test('framing: several messages, bytes after the last whole one, and bytes that are not gRPC framing', () => {
  const two = Buffer.concat([frame(Buffer.from([1])), frame(Buffer.from([2, 3])), Buffer.from([0, 0])]);
  const split = splitFrames(two);
  assert.deepEqual(split.frames.map((f) => [...f.data]), [[1], [2, 3]]);
  assert.equal(split.leftover, 2);
  assert.match(splitFrames(Buffer.from('{"json": true}')).invalid ?? '', /not a compressed flag/);
  assert.equal(toHex(new Uint8Array(600)).endsWith(' …'), true);
});

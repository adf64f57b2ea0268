// gRPC calls for the e2e replay, as the sensor exports them (HTTP/2, the call in `_tapline.grpc`,
// bodies as base64): the fixture workspace's Catalog service, messages encoded by protobufjs from
// its .proto files, one call failing with NOT_FOUND, a secret in the metadata.
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { FIXTURES } from './paths';

export const GRPC_PROTO_DIR = join(FIXTURES, 'workspaces', 'grpc', 'proto');
export const GRPC_HOST = '127.0.0.1:50051';
export const GRPC_SECRET = 'e2e-grpc-secret-Vb6nM1qZ8xC3';

function framed(bytes: Uint8Array[]): Buffer {
  return Buffer.concat(bytes.map((b) => {
    const head = Buffer.alloc(5);
    head.writeUInt32BE(b.length, 1);
    return Buffer.concat([head, b]);
  }));
}

export function grpcEntries(started: number): unknown[] {
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => (origin === '' ? target : join(GRPC_PROTO_DIR, target));
  root.loadSync(join(GRPC_PROTO_DIR, 'shop/v1/catalog.proto'), { keepCase: true });
  const encode = (type: string, value: Record<string, unknown>): Uint8Array => {
    const t = root.lookupType(type);
    return t.encode(t.fromObject(value)).finish();
  };
  const calls = [
    { method: 'GetItem', request: [encode('shop.v1.GetItemRequest', { id: 'sku-1' })], response: [encode('shop.v1.Item', { id: 'sku-1', name: 'Hammer', kind: 'TOOL' })], status: 0 },
    { method: 'GetItem', request: [encode('shop.v1.GetItemRequest', { id: 'missing' })], response: [], status: 5, message: 'no item missing' },
    { method: 'ListItems', request: [encode('shop.v1.ListItemsRequest', { category: 'books' })], response: [encode('shop.v1.Item', { name: 'Dune' }), encode('shop.v1.Item', { name: 'Emma' })], status: 0 },
  ];
  return calls.map((c, i) => {
    const path = `/shop.v1.Catalog/${c.method}`;
    const request = framed(c.request);
    const response = framed(c.response);
    const trailers = [{ name: 'grpc-status', value: String(c.status) }, ...(c.message ? [{ name: 'grpc-message', value: c.message.replace(/ /g, '%20') }] : [])];
    return {
      startedDateTime: new Date(started + i * 1000).toISOString(),
      time: 2 + i,
      request: {
        method: 'POST', url: `http://${GRPC_HOST}${path}`, httpVersion: 'HTTP/2', cookies: [], queryString: [], headersSize: -1, bodySize: request.length,
        headers: [{ name: 'content-type', value: 'application/grpc' }, { name: 'authorization', value: `Bearer ${GRPC_SECRET}` }, { name: 'x-request-origin', value: 'e2e' }],
        postData: { mimeType: 'application/grpc', text: request.toString('base64') },
      },
      response: {
        status: 200, statusText: '', httpVersion: 'HTTP/2', cookies: [], redirectURL: '', headersSize: -1, bodySize: response.length,
        headers: [{ name: 'content-type', value: 'application/grpc' }, ...trailers],
        content: response.length ? { size: response.length, mimeType: 'application/grpc', encoding: 'base64', text: response.toString('base64') } : { size: 0, mimeType: 'application/grpc' },
      },
      cache: {},
      timings: { send: 0, wait: 2 + i, receive: 0 },
      _tapline: { requestBodyEncoding: 'base64', grpc: { service: 'shop.v1.Catalog', method: c.method, status: c.status, ...(c.message ? { message: c.message } : {}) } },
    };
  });
}

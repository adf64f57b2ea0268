// The sensor's HTTP/2 session fed the bytes of real Node http2 exchanges (h2c, prior knowledge),
// recorded by a TCP relay between client and server: streams pair into exchanges, gRPC-style
// trailers are read, garbage is a counted error and never a throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Http2Session } from '../../sensor/src/http2/session';
import type { ParsedMessage } from '../../sensor/src/http/parser';
import { grpcCall } from '../../sensor/src/http2/grpc';
import { buildTransaction } from '../../sensor/src/pipeline/build-transaction';
import { KernelClock } from '../../sensor/src/pipeline/clock';
import { Redactor } from '../../core/src/redaction/redactor';

interface H2Exchange {
  request: ParsedMessage;
  response?: ParsedMessage;
}

interface Piece {
  from: 'client' | 'server';
  data: Buffer;
}

async function record(run: (port: number) => Promise<void>): Promise<Piece[]> {
  const pieces: Piece[] = [];
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      stream.respond({ ':status': headers[':path'] === '/missing' ? 404 : 200, 'content-type': 'text/plain' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '7', 'grpc-message': 'no%20way' }));
      stream.end(`echo ${Buffer.concat(chunks).length}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const target = (server.address() as AddressInfo).port;
  const relay = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    client.on('data', (d: Buffer) => pieces.push({ from: 'client', data: d }));
    upstream.on('data', (d: Buffer) => pieces.push({ from: 'server', data: d }));
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  await run((relay.address() as AddressInfo).port);
  await new Promise<void>((r) => relay.close(() => r()));
  await new Promise<void>((r) => server.close(() => r()));
  return pieces;
}

async function exchange(session: http2.ClientHttp2Session, path: string, body: string): Promise<number> {
  const req = session.request({ ':method': 'POST', ':path': path, authorization: 'Bearer abc', 'x-api-key': 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'content-type': 'application/grpc' });
  req.end(body);
  req.resume();
  const status = await new Promise<number>((r) => req.on('response', (h) => r(Number(h[':status']))));
  await new Promise<void>((r) => req.on('close', () => r()));
  return status;
}

function replay(pieces: Piece[]): { exchanges: H2Exchange[]; errors: string[] } {
  const exchanges: H2Exchange[] = [];
  const errors: string[] = [];
  const s = new Http2Session({ maxBody: 1024, onExchange: (request, response) => exchanges.push(response ? { request, response } : { request }), onError: (r) => errors.push(r), onTruncated: () => undefined });
  pieces.forEach((p, i) => s.feed(p.from, p.data, BigInt(i + 1), 0));
  s.close(BigInt(pieces.length + 1));
  return { exchanges, errors };
}

test('concurrent streams of a real Node http2 connection pair into one exchange each, trailers included', async () => {
  const pieces = await record(async (port) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    const statuses = await Promise.all([exchange(session, '/a', 'x'), exchange(session, '/missing', 'yy'), exchange(session, '/pkg.Svc/Do', 'zzz')]);
    assert.deepEqual(statuses, [200, 404, 200]);
    await new Promise<void>((r) => session.close(() => r()));
  });
  const { exchanges, errors } = replay(pieces);
  assert.deepEqual(errors, []);
  assert.equal(exchanges.length, 3);
  const byPath = new Map(exchanges.map((x) => [x.request.head.kind === 'request' ? x.request.head.target : '', x]));
  const missing = byPath.get('/missing');
  assert.ok(missing?.response?.head.kind === 'response');
  assert.equal(missing.response.head.status, 404);
  assert.equal(missing.request.head.version, '2');
  assert.equal(Buffer.from(missing.request.body).toString(), 'yy');
  assert.equal(Buffer.from(missing.response.body).toString(), 'echo 2');
  assert.ok(missing.request.head.headers.some((h) => h.name === 'authorization' && h.value === 'Bearer abc'));
  const call = byPath.get('/pkg.Svc/Do');
  assert.ok(call?.response);
  assert.deepEqual(grpcCall('/pkg.Svc/Do', [...call.response.head.headers, ...call.response.trailers]), { service: 'pkg.Svc', method: 'Do', status: 7, message: 'no way' });
});

test('garbage after the preface is one counted error, never a throw; a bad preface too', () => {
  const preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
  // A HEADERS frame whose block is not HPACK (index 0 is invalid).
  const bad = Buffer.from([0, 0, 2, 1, 5, 0, 0, 0, 1, 0x80, 0x80]);
  const first = replay([{ from: 'client', data: Buffer.concat([preface, bad]) }]);
  assert.equal(first.errors.length, 1);
  assert.equal(first.exchanges.length, 0);
  const second = replay([{ from: 'client', data: Buffer.from('PRI * HTTP/1.1 garbage garbage garbage') }]);
  assert.equal(second.errors.length, 1);
});

test('an HTTP/2 gRPC exchange becomes a version-2 transaction with grpc-status, its headers and metadata redacted', async () => {
  const pieces = await record(async (port) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    await exchange(session, '/pkg.Svc/Do', 'q');
    await new Promise<void>((r) => session.close(() => r()));
  });
  const [x] = replay(pieces).exchanges;
  assert.ok(x);
  const ctx = { id: 't-1', tls: false, role: 'server' as const, tuple: undefined, process: { pid: 1, comm: 'node' }, origin: 'ebpf' as const, maxBody: 1024, clock: new KernelClock(1_700_000_000_000, 0n) };
  const built = buildTransaction(ctx, x.request, x.response);
  const tx = new Redactor().redact(built instanceof Promise ? await built : built);
  assert.equal(tx.httpVersion, '2');
  assert.equal(tx.request.method, 'POST');
  assert.equal(tx.response?.status, 200);
  assert.deepEqual(tx.grpc, { service: 'pkg.Svc', method: 'Do', status: 7, message: 'no way' });
  const value = (name: string): string | undefined => tx.request.headers.find((h) => h.name === name)?.value;
  assert.ok(!value('authorization')?.includes('abc'), `authorization kept: ${value('authorization')}`);
  assert.ok(!value('x-api-key')?.includes('sk_live_4eC39HqLyjWDarjtT1zdp7dc'), `x-api-key kept: ${value('x-api-key')}`);
  assert.ok(tx.redactions.length >= 2);
});

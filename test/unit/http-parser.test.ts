import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpStreamParser, type ParsedMessage } from '../../sensor/src/http/parser';
import type { MessageHead } from '../../sensor/src/http/head';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

interface Run {
  messages: ParsedMessage[];
  errors: string[];
  tunneled: boolean;
  parser: HttpStreamParser;
}

function parser(kind: 'request' | 'response', opts: { maxBody?: number; methods?: string[] } = {}): Run {
  const run: Run = { messages: [], errors: [], tunneled: false, parser: undefined as unknown as HttpStreamParser };
  run.parser = new HttpStreamParser({
    kind,
    maxBody: opts.maxBody ?? 1 << 20,
    onMessage: (m) => run.messages.push(m),
    onError: (e) => run.errors.push(e),
    requestMethod: (i) => opts.methods?.[i],
    onTunnel: () => {
      run.tunneled = true;
    },
  });
  return run;
}

function feedAll(run: Run, pieces: Array<string | Uint8Array>, close = false): Run {
  let ns = 1000n;
  for (const p of pieces) run.parser.feed(typeof p === 'string' ? enc(p) : p, (ns += 10n));
  if (close) run.parser.end((ns += 10n));
  return run;
}

function reqLine(m: ParsedMessage): string {
  const h: MessageHead = m.head;
  return h.kind === 'request' ? `${h.method} ${h.target}` : `${h.status}`;
}

const PIPELINED_REQUESTS =
  'GET /a?x=1 HTTP/1.1\r\nHost: h\r\n\r\n' +
  'POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\nContent-Type: application/json\r\n\r\n{"k":"v12"}' +
  'PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nabcd\r\n3\r\nefg\r\n0\r\nX-Sum: 9\r\n\r\n' +
  'DELETE /d HTTP/1.0\r\n\r\n';

function checkPipelined(run: Run): void {
  assert.deepEqual(run.errors, []);
  assert.deepEqual(run.messages.map(reqLine), ['GET /a?x=1', 'POST /b', 'PUT /c', 'DELETE /d']);
  assert.equal(text(run.messages[1]!.body), '{"k":"v12"}');
  assert.equal(text(run.messages[2]!.body), 'abcdefg');
  assert.deepEqual(run.messages[2]!.trailers, [{ name: 'X-Sum', value: '9' }]);
  assert.equal(run.messages[3]!.head.version, '1.0');
  for (const m of run.messages) assert.equal(m.truncated, false);
}

test('pipelined requests: Content-Length, chunked with extensions and trailers, HTTP/1.0', () => {
  checkPipelined(feedAll(parser('request'), [PIPELINED_REQUESTS]));
});

test('pipelined requests split at every byte boundary (two pieces)', () => {
  const bytes = enc(PIPELINED_REQUESTS);
  for (let cut = 1; cut < bytes.length; cut++) {
    checkPipelined(feedAll(parser('request'), [bytes.subarray(0, cut), bytes.subarray(cut)]));
  }
});

test('pipelined requests fed one byte at a time', () => {
  const bytes = enc(PIPELINED_REQUESTS);
  const pieces: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i++) pieces.push(bytes.subarray(i, i + 1));
  checkPipelined(feedAll(parser('request'), pieces));
});

const RESPONSES =
  'HTTP/1.1 100 Continue\r\n\r\n' +
  'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello' +
  'HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n' + // HEAD: no body despite Content-Length
  'HTTP/1.1 204 No Content\r\n\r\n' +
  'HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n' +
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nworld\r\n0\r\n\r\n';

test('responses: interim 100, HEAD, 204, 304 without body, chunked; split everywhere', () => {
  const bytes = enc(RESPONSES);
  for (let cut = 0; cut < bytes.length; cut++) {
    const run = feedAll(parser('response', { methods: ['POST', 'HEAD', 'DELETE', 'GET', 'GET'] }), [bytes.subarray(0, cut), bytes.subarray(cut)]);
    assert.deepEqual(run.errors, []);
    assert.deepEqual(run.messages.map(reqLine), ['100', '200', '200', '204', '304', '200']);
    assert.equal(text(run.messages[1]!.body), 'hello');
    assert.equal(run.messages[2]!.body.length, 0);
    assert.equal(text(run.messages[5]!.body), 'world');
  }
});

test('response without length is read until the connection closes', () => {
  const run = feedAll(parser('response', { methods: ['GET'] }), ['HTTP/1.0 200 OK\r\nConnection: close\r\n\r\npart1', 'part2'], true);
  assert.equal(run.messages.length, 1);
  assert.equal(text(run.messages[0]!.body), 'part1part2');
  assert.equal(run.messages[0]!.complete, true);
  assert.equal(run.messages[0]!.truncated, false);
});

test('connection closing mid-body yields a truncated, incomplete message', () => {
  const run = feedAll(parser('response', { methods: ['GET'] }), ['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'], true);
  assert.equal(run.messages.length, 1);
  assert.equal(run.messages[0]!.complete, false);
  assert.equal(run.messages[0]!.truncated, true);
});

test('upgrade: parsing stops after 101', () => {
  const run = feedAll(parser('response', { methods: ['GET', 'GET'] }), ['HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x05hello', 'HTTP/1.1 200 OK\r\n\r\n']);
  assert.equal(run.tunneled, true);
  assert.equal(run.messages.length, 1);
  assert.deepEqual(run.errors, []);
  assert.equal(run.parser.stopped, true);
});

test('CONNECT 200 turns the connection into a tunnel', () => {
  const run = feedAll(parser('response', { methods: ['CONNECT'] }), ['HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x01garbage']);
  assert.equal(run.tunneled, true);
  assert.deepEqual(run.errors, []);
});

test('body cap keeps the first bytes and marks truncation; size counts everything', () => {
  const body = 'x'.repeat(1000);
  const run = feedAll(parser('request', { maxBody: 100 }), [`POST /u HTTP/1.1\r\nContent-Length: 1000\r\n\r\n${body.slice(0, 300)}`, body.slice(300)]);
  assert.equal(run.messages.length, 1);
  assert.equal(run.messages[0]!.body.length, 100);
  assert.equal(run.messages[0]!.bodySize, 1000);
  assert.equal(run.messages[0]!.truncated, true);
  assert.equal(run.messages[0]!.complete, true);
});

test('capture gap inside a Content-Length body: framing kept, message marked truncated', () => {
  const run = parser('request');
  run.parser.feed(enc('POST /big HTTP/1.1\r\nContent-Length: 100\r\n\r\n0123456789'), 1n, 80);
  run.parser.feed(enc('abcdefghij'), 2n);
  run.parser.feed(enc('GET /next HTTP/1.1\r\n\r\n'), 3n);
  assert.deepEqual(run.messages.map(reqLine), ['POST /big', 'GET /next']);
  assert.equal(run.messages[0]!.bodySize, 100);
  assert.equal(run.messages[0]!.truncated, true);
  assert.equal(text(run.messages[0]!.body), '0123456789abcdefghij');
});

test('capture gap running past a body resynchronises on the next message', () => {
  const run = parser('request');
  run.parser.feed(enc('POST /big HTTP/1.1\r\nContent-Length: 10\r\n\r\n01234'), 1n, 40);
  run.parser.feed(enc('tail of something else\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n'), 2n);
  assert.deepEqual(run.messages.map(reqLine), ['POST /big', 'GET /after']);
});

test('garbage as the first bytes: the connection is given up with one error, never a throw', () => {
  const run = feedAll(parser('request'), ['\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 binary TLS hello\r\n\r\n', 'GET / HTTP/1.1\r\n\r\n']);
  assert.equal(run.errors.length, 1);
  assert.equal(run.messages.length, 0);
  assert.equal(run.parser.stopped, true);
});

test('garbage after a good message: a desync, and nothing more is derived from the connection', () => {
  const run = feedAll(parser('request'), ['GET /1 HTTP/1.1\r\n\r\n', 'NOT HTTP AT ALL\r\n\r\nmore junk GET /2 HTTP/1.1\r\nHost: a\r\n\r\n']);
  assert.deepEqual(run.messages.map(reqLine), ['GET /1']);
  assert.equal(run.errors.length, 1);
  assert.equal(run.parser.stopped, true);
});

test('hostile inputs never throw: random bytes, huge heads, bad chunk sizes, conflicting lengths', () => {
  let seed = 42;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let i = 0; i < 200; i++) {
    const bytes = new Uint8Array(Math.floor(rand() * 4000));
    for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(rand() * 256);
    const prefix = i % 2 === 0 ? 'GET / HTTP/1.1\r\n\r\n' : '';
    feedAll(parser(i % 3 === 0 ? 'response' : 'request'), [prefix, bytes], true);
  }
  const big = feedAll(parser('request'), ['GET / HTTP/1.1\r\n\r\n', 'GET /x HTTP/1.1\r\nX: ' + 'a'.repeat(100_000)]);
  assert.ok(big.errors.length >= 1);
  const badChunk = feedAll(parser('request'), ['GET / HTTP/1.1\r\n\r\n', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n']);
  assert.equal(badChunk.errors.length, 1);
  const conflict = feedAll(parser('request'), ['GET / HTTP/1.1\r\n\r\n', 'POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n']);
  assert.deepEqual(conflict.errors, ['Content-Length appears more than once']);
});

test('kernel timestamps: start is the piece with the first byte, end the piece with the last', () => {
  const run = parser('request');
  run.parser.feed(enc('POST / HT'), 100n);
  run.parser.feed(enc('TP/1.1\r\nContent-Length: 4\r\n\r\nab'), 200n);
  run.parser.feed(enc('cd'), 300n);
  assert.equal(run.messages[0]!.startNs, 100n);
  assert.equal(run.messages[0]!.endNs, 300n);
});

test('keep-alive: many requests on one connection, including an Expect: 100-continue upload', () => {
  const pieces: string[] = [];
  for (let i = 0; i < 100; i++) pieces.push(`GET /item/${i} HTTP/1.1\r\nHost: h\r\n\r\n`);
  pieces.push('POST /upload HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n', 'abc');
  const run = feedAll(parser('request'), pieces);
  assert.equal(run.messages.length, 101);
  assert.equal(text(run.messages[100]!.body), 'abc');
});

test('bare-LF heads (old or sloppy peers) are tolerated; a stray LF mixed with CRLF is not', () => {
  const run = feedAll(parser('response', { methods: ['GET', 'GET', 'GET'] }), ['HTTP/1.1 200 OK\nContent-Length: 2\n\nokHTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\nx']);
  assert.deepEqual(run.messages.map((m) => `${reqLine(m)}:${text(m.body)}`), ['200:ok', '204:']);
  assert.deepEqual(run.errors, ['a bare LF line end in a head that uses CRLF']);
});

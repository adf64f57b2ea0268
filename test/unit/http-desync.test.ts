// The parser frames as strict servers do: every smuggling shape is a desync with its rule, at
// every split of the bytes, and nothing after it is derived; the deliberate tolerances hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpStreamParser, type Desync, type ParsedMessage } from '../../sensor/src/http/parser';
import { SMUGGLING_SHAPES } from '../fixtures/http/smuggling-shapes';

interface Run {
  messages: ParsedMessage[];
  desyncs: Desync[];
  errors: string[];
  parser: HttpStreamParser;
}

function parse(kind: 'request' | 'response', pieces: readonly Uint8Array[], methods: string[] = []): Run {
  const run: Run = { messages: [], desyncs: [], errors: [], parser: undefined as unknown as HttpStreamParser };
  run.parser = new HttpStreamParser({
    kind,
    maxBody: 1 << 16,
    onMessage: (m) => run.messages.push(m),
    onDesync: (d) => run.desyncs.push(d),
    onError: (e) => run.errors.push(e),
    requestMethod: (i) => methods[i],
  });
  let ns = 1n;
  for (const p of pieces) run.parser.feed(p, ns++);
  run.parser.end(ns);
  return run;
}

const latin1 = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const target = (m: ParsedMessage): string => (m.head.kind === 'request' ? m.head.target : String(m.head.status));

for (const shape of SMUGGLING_SHAPES) {
  test(`desync: ${shape.name} (${shape.rule}), at every split, and no phantom request`, () => {
    const bytes = latin1(shape.bytes);
    for (let cut = 0; cut <= bytes.length; cut += cut < 40 ? 1 : 3) {
      const run = parse('request', [bytes.subarray(0, cut), bytes.subarray(cut)]);
      const where = `split at ${cut}`;
      assert.deepEqual(run.desyncs.map((d) => d.rule), [shape.rule], where);
      assert.equal(run.desyncs[0]?.messagesBefore, shape.before, where);
      assert.deepEqual(run.messages.map(target), ['/first'], where);
      assert.ok(run.desyncs[0]?.sample.startsWith(shape.bytes.slice(shape.bytes.indexOf('\r\n\r\n') + 4, shape.bytes.indexOf('\r\n\r\n') + 14)), where);
      assert.equal(run.parser.stopped, true, where);
    }
  });
}

test('tolerated: extension methods, heads that use bare LF throughout (with their chunk lines), leading blank lines', () => {
  const run = parse('request', [latin1('PROPFIND /dav HTTP/1.1\r\nHost: a\r\n\r\n\r\nget /lower HTTP/1.1\r\n\r\nPOST /lf HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\n\n3\nabc\n0\n\nGET /last HTTP/1.1\r\n\r\n')]);
  assert.deepEqual(run.desyncs, []);
  assert.deepEqual(run.messages.map(target), ['/dav', '/lower', '/lf', '/last']);
  assert.equal(Buffer.from(run.messages[2]!.body).toString(), 'abc');
});

test('tolerated: bytes after Connection: close (or after HTTP/1.0 without keep-alive) are ignored, not reported', () => {
  for (const first of ['GET /a HTTP/1.1\r\nConnection: close\r\n\r\n', 'GET /a HTTP/1.0\r\n\r\n']) {
    const run = parse('request', [latin1(`${first}GET /smuggled HTTP/1.1\r\n\r\n`)]);
    assert.deepEqual(run.messages.map(target), ['/a']);
    assert.deepEqual(run.desyncs, []);
    assert.deepEqual(run.errors, []);
  }
});

test('chunk extensions as llhttp takes them: names, empty and quoted values, escapes', () => {
  const run = parse('request', [latin1('POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b;c;d="x;\\"y"\r\nhello\r\n0;e=\r\nX-T: 1\r\n\r\n')]);
  assert.deepEqual(run.desyncs, []);
  assert.equal(Buffer.from(run.messages[0]!.body).toString(), 'hello');
  assert.deepEqual(run.messages[0]!.trailers, [{ name: 'X-T', value: '1' }]);
});

test('framing headers in trailers, or malformed trailer lines, are a desync', () => {
  const cl = parse('request', [latin1('POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nContent-Length: 5\r\n\r\nhello')]);
  assert.deepEqual(cl.desyncs.map((d) => d.rule), ['trailers']);
  const fold = parse('request', [latin1('POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: a\r\n b\r\n\r\n')]);
  assert.deepEqual(fold.desyncs.map((d) => d.rule), ['obs-fold']);
  assert.deepEqual(fold.messages, []);
});

test('an upgrade request holds what follows until its answer: not a request before the server says so', () => {
  const run = parse('request', [latin1('GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nGET /hidden HTTP/1.1\r\n\r\n')]);
  assert.deepEqual(run.messages.map(target), ['/ws']);
  assert.equal(run.parser.paused, false); // ended
  const declined = new HttpStreamParser({ kind: 'request', maxBody: 100, onMessage: (m) => run.messages.push(m) });
  run.messages.length = 0;
  declined.feed(latin1('GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nGET /next HTTP/1.1\r\n\r\n'), 1n);
  assert.equal(declined.paused, true);
  assert.deepEqual(run.messages.map(target), ['/ws']);
  declined.resume();
  assert.deepEqual(run.messages.map(target), ['/ws', '/next']);
});

test('CONNECT has no body: the request is a message at once and what follows is the tunnel', () => {
  const run = parse('request', [latin1('CONNECT db:5432 HTTP/1.1\r\nHost: db:5432\r\n\r\nGET /inside-the-tunnel HTTP/1.1\r\n\r\n')]);
  assert.deepEqual(run.messages.map(target), ['db:5432']);
  assert.deepEqual(run.desyncs, []);
});

test('responses: Content-Length with Transfer-Encoding, and chunked before another coding, are a desync', () => {
  const both = parse('response', [latin1('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n')], ['GET', 'GET']);
  assert.deepEqual(both.desyncs.map((d) => [d.rule, d.messagesBefore]), [['cl-and-te', 1]]);
  const order = parse('response', [latin1('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n')], ['GET']);
  assert.deepEqual(order.desyncs.map((d) => d.rule), ['transfer-encoding']);
  const close = parse('response', [latin1('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nabc')], ['GET']);
  assert.deepEqual(close.desyncs, []);
  assert.equal(close.messages[0]?.bodySize, 3);
});

test('not HTTP at all on a first message is not a desync; an invalid start line after a good message is', () => {
  const garbage = parse('request', [latin1('GET / HTTP/9.9\r\n\r\n')]);
  assert.deepEqual(garbage.desyncs, []);
  assert.equal(garbage.errors.length, 1);
  const later = parse('request', [latin1('GET / HTTP/1.1\r\n\r\nGET /x HTTP/9.9\r\n\r\n')]);
  assert.deepEqual(later.desyncs.map((d) => d.rule), ['invalid-start-line']);
});

test('after a capture gap, framing problems are the capture’s, not a desync: the parser resynchronises', () => {
  const run: Run = { messages: [], desyncs: [], errors: [], parser: undefined as unknown as HttpStreamParser };
  const p = new HttpStreamParser({ kind: 'request', maxBody: 10, onMessage: (m) => run.messages.push(m), onDesync: (d) => run.desyncs.push(d), onError: (e) => run.errors.push(e) });
  p.feed(latin1('POST /big HTTP/1.1\r\nContent-Length: 100\r\n\r\n0123456789'), 1n, 200);
  p.feed(latin1('junk\r\nGET /after HTTP/1.1\r\n\r\n'), 2n);
  assert.deepEqual(run.desyncs, []);
  assert.deepEqual(run.messages.map(target), ['/big', '/after']);
});

test('a head line cut anywhere, even one byte a piece, is checked as if it came whole (the scan resumes mid-line)', () => {
  const long = 'v'.repeat(5000);
  const heads: Array<[string, string | undefined]> = [
    [`GET /a HTTP/1.1\r\nX-Long: ${long}\r\n\r\n`, undefined],
    [`GET /a HTTP/1.1\r\nX-Long: ${long}\u0001${long}\r\n\r\n`, 'invalid-header'],
    [`GET /a HTTP/1.1\r\nX-${long}\u00e9: 1\r\n\r\n`, 'invalid-header'],
    [`GET /a HTTP/1.1\r\nX-Long: ${long}\r${long}\r\n\r\n`, 'bare-cr'],
    [`GET /a HTTP/1.1\r\nX-Long: ${long}\n\r\n`, 'bare-lf'],
    [`GET /a HTTP/1.1\r\n ${long}\r\n\r\n`, 'obs-fold'],
  ];
  for (const [head, rule] of heads) {
    const bytes = latin1(`GET /first HTTP/1.1\r\n\r\n${head}`);
    const pieces: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i++) pieces.push(bytes.subarray(i, i + 1));
    for (const run of [parse('request', [bytes]), parse('request', pieces)]) {
      assert.deepEqual(run.desyncs.map((d) => d.rule), rule === undefined ? [] : [rule], JSON.stringify(head.slice(0, 40)));
      assert.deepEqual(run.messages.map(target), rule === undefined ? ['/first', '/a'] : ['/first']);
    }
  }
});

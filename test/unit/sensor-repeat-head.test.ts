// The HTTP/1.x parser reuses the parse of a head that repeats the last clean one byte for byte
// (sensor/src/http/repeat-head.ts). Reuse happens only when a head arrives whole at the start of
// a piece, so the same stream fed byte by byte (never reused) and in random pieces must give the
// same messages, errors and desyncs as fed whole (reused) — on streams built to repeat heads, with
// the cases where a repeated head must not answer the same way: another request method (HEAD),
// trailers that close, a one-byte difference, a head that breaks framing after repeats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HttpStreamParser, type Desync, type ParsedMessage } from '../../sensor/src/http/parser';
import { streams } from '../fuzz/http1-streams';
import { Pipeline } from '../../sensor/src/pipeline/pipeline';
import { Redactor } from '../../core/src/redaction/redactor';
import type { HttpHeader, Transaction } from '../../core/src/protocol/transaction';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

interface Outcome {
  messages: string[];
  errors: string[];
  desyncs: Desync[];
  tunneled: boolean;
  heads: ParsedMessage['head'][];
}

function describe(m: ParsedMessage): string {
  const h = m.head;
  const start = h.kind === 'request' ? `${h.method} ${h.target} HTTP/${h.version}` : `${h.status} ${h.reason} HTTP/${h.version}`;
  const fields = h.headers.map((f) => `${f.name}=${f.value}`).join(';');
  const trailers = m.trailers.map((f) => `${f.name}=${f.value}`).join(';');
  return `${start} [${fields}] body=${Buffer.from(m.body).toString('latin1')} size=${m.bodySize} trailers=[${trailers}] truncated=${m.truncated} complete=${m.complete} bareLf=${m.bareLf}`;
}

function parse(kind: 'request' | 'response', stream: Uint8Array, cuts: number[], methods: string[] = []): Outcome {
  const out: Outcome = { messages: [], errors: [], desyncs: [], tunneled: false, heads: [] };
  const parser = new HttpStreamParser({
    kind,
    maxBody: 1 << 16,
    onMessage: (m) => {
      out.messages.push(describe(m));
      out.heads.push(m.head);
    },
    onError: (e) => out.errors.push(e),
    onDesync: (d) => out.desyncs.push(d),
    requestMethod: (i) => methods[i],
    onTunnel: () => {
      out.tunneled = true;
    },
  });
  let ns = 1n;
  let at = 0;
  for (const cut of [...cuts, stream.length]) {
    if (cut < at) continue;
    parser.feed(stream.subarray(at, cut), (ns += 1n));
    at = cut;
  }
  parser.end((ns += 1n));
  return out;
}

const everyByte = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/** A small deterministic generator: the same pieces on every run. */
function randomCuts(n: number, seed: number): number[] {
  let x = seed;
  const cuts: number[] = [];
  for (let at = 0; at < n; ) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    at += 1 + (x % 97);
    cuts.push(at);
  }
  return cuts;
}

/**
 * What must not depend on how the stream was cut. A desync's sample is the offending head and what
 * followed it in its piece, so it is compared apart: the one from the whole stream starts with the other.
 */
function comparable(o: Outcome): Omit<Outcome, 'heads'> {
  return { messages: o.messages, errors: o.errors, tunneled: o.tunneled, desyncs: o.desyncs.map((d) => ({ ...d, sample: '' })) };
}

function agrees(whole: Outcome, other: Outcome, what: string): void {
  assert.deepEqual(comparable(other), comparable(whole), what);
  other.desyncs.forEach((d, i) => assert.ok(whole.desyncs[i]!.sample.startsWith(d.sample), `${what}: desync sample`));
}

function sameEveryWay(kind: 'request' | 'response', text: string, methods: string[] = []): Outcome {
  const stream = enc(text);
  const whole = parse(kind, stream, [], methods);
  agrees(whole, parse(kind, stream, everyByte(stream.length), methods), 'fed whole (heads reused) and byte by byte (never reused) differ');
  for (let seed = 1; seed <= 20; seed++) agrees(whole, parse(kind, stream, randomCuts(stream.length, seed), methods), `random pieces (seed ${seed}) differ`);
  return whole;
}

const GET = 'GET /items/42 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: wrk\r\n\r\n';
const OK = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: keep-alive\r\nContent-Length: 11\r\n\r\n';

test('repeated request heads parse as fresh ones, and the head is reused when it arrives whole', () => {
  const other = GET.replace('42', '43');
  const out = sameEveryWay('request', GET.repeat(5) + other.repeat(3) + GET.repeat(3));
  assert.equal(out.messages.length, 11);
  assert.equal(out.heads[0], out.heads[4], 'a head repeated byte for byte is parsed once');
  assert.notEqual(out.heads[4], out.heads[5], 'one byte differs: parsed again');
  assert.equal(out.heads[5]!.kind === 'request' && out.heads[5]!.target, '/items/43');
  assert.equal(out.heads[5], out.heads[7]);
  assert.notEqual(out.heads[7], out.heads[8]);
  assert.equal(out.heads[8], out.heads[10]);
});

test('heads that do not repeat are not kept for a while, then reuse resumes', () => {
  const a = GET;
  const b = GET.replace('42', '43');
  const out = sameEveryWay('request', (a + b).repeat(10) + a.repeat(60));
  assert.equal(out.messages.length, 80);
  for (let i = 1; i < 20; i++) assert.notEqual(out.heads[i], out.heads[i - 1]);
  assert.equal(out.heads[70], out.heads[79], 'kept again once the back-off is over');
});

test('a repeated response head frames by the method it answers: HEAD has no body, GET reads Content-Length', () => {
  const body = '{"ok":true}';
  const text = OK + body + OK + OK + body + OK + body;
  const out = sameEveryWay('response', text, ['GET', 'HEAD', 'GET', 'GET']);
  assert.equal(out.messages.length, 4);
  assert.match(out.messages[1]!, /body= size=0/);
  for (const i of [0, 2, 3]) assert.match(out.messages[i]!, /body=\{"ok":true\} size=11/);
  assert.deepEqual(out.errors, []);
});

test('a repeated response head that frames for HEAD but not for GET breaks framing when it answers GET', () => {
  // Content-Length and Transfer-Encoding together: no body for HEAD, a desync for anything else.
  const bad = 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n';
  const out = sameEveryWay('response', bad + bad + bad + 'abc', ['HEAD', 'HEAD', 'GET']);
  assert.equal(out.messages.length, 2);
  assert.equal(out.desyncs.length, 1);
  assert.equal(out.desyncs[0]!.rule, 'cl-and-te');
  assert.equal(out.desyncs[0]!.messagesBefore, 2);
});

test('trailers that close the connection are honoured after a repeated chunked head', () => {
  const head = 'POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n';
  const text = `${head}3\r\nabc\r\n0\r\n\r\n${head}3\r\ndef\r\n0\r\nConnection: close\r\n\r\n${head}3\r\nghi\r\n0\r\n\r\n`;
  const out = sameEveryWay('request', text);
  assert.equal(out.messages.length, 2, 'the third request follows a close: never processed');
  assert.equal(out.heads[0], out.heads[1]);
});

test('a repeated head with Connection: close closes every time, and an upgrade request pauses', () => {
  const close = 'GET /bye HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n';
  assert.equal(sameEveryWay('request', close + close).messages.length, 1);
  const upgrade = 'GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n';
  const out = sameEveryWay('request', GET + GET + upgrade + GET);
  assert.equal(out.messages.length, 3, 'what follows the upgrade request is held until its answer');
});

test('bare-LF heads, heads after a desync, and a head cut by the end of the stream', () => {
  const lf = 'GET /lf HTTP/1.1\nHost: h\n\n';
  const out = sameEveryWay('request', lf + lf + lf);
  assert.equal(out.messages.length, 3);
  assert.match(out.messages[2]!, /bareLf=true/);
  const smuggle = 'GET /a HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx';
  const desynced = sameEveryWay('request', GET + GET + smuggle + GET);
  assert.equal(desynced.messages.length, 2);
  assert.equal(desynced.desyncs[0]!.rule, 'content-length');
  const cut = sameEveryWay('request', GET + GET + GET.slice(0, 20));
  assert.equal(cut.messages.length, 2);
  assert.equal(cut.errors.length, 1, 'a head cut by the end of the stream is an error, as without reuse');
});

test('generated streams (the differential fuzz arbitraries), each repeated three times: fed whole as fed byte by byte and at its cuts', () => {
  fc.assert(
    fc.property(streams, ({ text, cuts }) => {
      const tripled = text.repeat(3);
      const stream = Buffer.from(tripled, 'latin1');
      const whole = parse('request', stream, []);
      agrees(whole, parse('request', stream, everyByte(stream.length)), 'byte by byte');
      const n = text.length;
      agrees(whole, parse('request', stream, [...cuts, ...cuts.map((c) => c + n), ...cuts.map((c) => c + 2 * n)]), 'at its cuts');
    }),
    { numRuns: 2000, seed: 20261204 },
  );
});

test('heads over 512 bytes are not kept (their copy would stay for the connection), and parse as usual', () => {
  const big = `GET /big HTTP/1.1\r\nHost: h\r\nX-Pad: ${'p'.repeat(520)}\r\n\r\n`;
  const out = sameEveryWay('request', big + big + big);
  assert.equal(out.messages.length, 3);
  assert.notEqual(out.heads[0], out.heads[1]);
  assert.notEqual(out.heads[1], out.heads[2]);
});

test('transactions built from a reused head share its headers, frozen: none can change another', () => {
  const txs: Transaction[] = [];
  const pipeline = new Pipeline({ maxBody: 1024, redactor: new Redactor(), idPrefix: 't', onTransaction: (t) => txs.push(t), processInfo: { containerId: () => undefined } as never });
  const tuple = { family: 4 as const, localAddress: '127.0.0.1', localPort: 8080, remoteAddress: '127.0.0.1', remotePort: 40000 };
  pipeline.push({ kind: 'open', connectionId: '1:5:0', pid: 1, comm: 'node', timestampNs: 1n, role: 'server', tuple, cgroupId: 0n });
  const body = '{"ok":true}';
  let ns = 2n;
  for (let i = 0; i < 3; i++) {
    pipeline.push({ kind: 'data', connectionId: '1:5:0', pid: 1, comm: 'node', timestampNs: ns++, direction: 'read', tls: false, data: enc(GET), originalLength: GET.length });
    pipeline.push({ kind: 'data', connectionId: '1:5:0', pid: 1, comm: 'node', timestampNs: ns++, direction: 'write', tls: false, data: enc(OK + body), originalLength: OK.length + body.length });
  }
  assert.equal(txs.length, 3);
  assert.equal(txs[1]!.request.headers, txs[2]!.request.headers, 'the reused head is the same, and so are its headers');
  assert.ok(Object.isFrozen(txs[1]!.request.headers) && Object.isFrozen(txs[1]!.request.headers[0]));
  assert.throws(() => (txs[1]!.request.headers as HttpHeader[]).push({ name: 'x', value: 'y' }), TypeError);
  assert.deepEqual(txs[2]!.request.headers, [
    { name: 'Host', value: '127.0.0.1:8080' },
    { name: 'User-Agent', value: 'wrk' },
  ]);
  assert.equal(txs[2]!.response?.body?.text, body);
});

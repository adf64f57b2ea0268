// Robustness of the sensor's HTTP/1.x stream parser (sensor/src/http/parser.ts) on requests and
// responses: the differential test's generated streams (http1-streams.ts), byte-mutated, and raw
// random bytes, fed in random pieces with capture gaps. Properties: it never throws, it never
// reports a body larger than its cap, and once stopped it stays stopped.
// Run: node --import tsx test/fuzz/http1-parser.ts --runs N [--seed S]
import fc from 'fast-check';
import { HttpStreamParser } from '../../sensor/src/http/parser';
import { count, fuzz, main, mutated, type FuzzOptions, type FuzzSummary } from './harness';
import { streams } from './http1-streams';

const MAX_BODY = 256;

const response = fc
  .record({
    status: fc.constantFrom(100, 101, 200, 204, 304, 404, 500, 999),
    te: fc.constantFrom('', 'Transfer-Encoding: chunked\r\n', 'Transfer-Encoding: gzip, chunked\r\n'),
    cl: fc.option(fc.integer({ min: -2, max: 600 }), { nil: undefined }),
    body: fc.string({ maxLength: 300 }),
  })
  .map(({ status, te, cl, body }) => `HTTP/1.1 ${status} X\r\n${te}${cl === undefined ? '' : `Content-Length: ${cl}\r\n`}\r\n${te ? `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n` : body}`);

const input = fc.record({
  kind: fc.constantFrom<'request' | 'response'>('request', 'response'),
  text: fc.oneof(
    streams.map((s) => s.text),
    mutated(streams.map((s) => s.text)),
    mutated(response),
    fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b).toString('latin1')),
  ),
  cuts: fc.array(fc.nat({ max: 700 }), { maxLength: 8 }),
  gapAt: fc.option(fc.nat({ max: 8 }), { nil: undefined }),
});

export function run(opts: FuzzOptions): FuzzSummary {
  return fuzz('http1-parser', opts, input, ({ kind, text, cuts, gapAt }, counts) => {
    const bytes = Buffer.from(text, 'latin1');
    let stoppedOnce = false;
    const parser = new HttpStreamParser({
      kind,
      maxBody: MAX_BODY,
      onMessage: (m) => {
        count(counts, 'messages');
        if (m.body.length > MAX_BODY) throw new Error(`body of ${m.body.length} bytes over the ${MAX_BODY} cap`);
      },
      onError: () => count(counts, 'framingErrors'),
      onDesync: () => count(counts, 'desyncs'),
      requestMethod: () => 'GET',
    });
    const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
    let at = 0;
    [...points, bytes.length].forEach((end, i) => {
      if (end <= at) return;
      parser.feed(bytes.subarray(at, end), BigInt(i), i === gapAt ? 17 : 0);
      if (stoppedOnce && !parser.stopped) throw new Error('a stopped parser started again');
      stoppedOnce = parser.stopped;
      at = end;
    });
    parser.end(100n);
  });
}

if (require.main === module) main(run, process.argv.slice(2));

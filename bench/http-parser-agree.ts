// Not a speed figure: the check that goes with a parser change measured by http-parser.bench.ts.
// Another version's parser (`--base`, bench/ab-base.ts) and this one are fed the same generated
// streams (the differential fuzz's arbitraries, cut at random points, some with a capture gap,
// each as requests and rewritten as responses, every third answering HEAD); every callback must
// agree — heads, headers, bodies, errors, desync events with their samples. `--repeat N` repeats
// each stream N times so that its heads repeat byte for byte (the cuts stay in its first copy):
// the check for the parser's reuse of repeated heads (sensor/src/http/repeat-head.ts), which also
// counts the messages that got a reused head.
// Run: node --import tsx bench/http-parser-agree.ts --base DIR/ab-entry.ts [--runs 20000] [--repeat 1] [--seed 1]
import fc from 'fast-check';
import { HttpStreamParser } from '../sensor/src/http/parser';
import { streams } from '../test/fuzz/http1-streams';
import { loadBase } from './ab-base';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};

/** Everything the parser reported for one stream, as text. */
function callbacks(Parser: typeof HttpStreamParser, kind: 'request' | 'response', buf: Buffer, cuts: number[], gapAt: number): string[] {
  const log: string[] = [];
  const p = new Parser({
    kind,
    maxBody: 64,
    onMessage: (m) => {
      const h = m.head;
      const start = h.kind === 'request' ? [h.method, h.target, h.version] : [h.status, h.reason, h.version];
      log.push(JSON.stringify({ start, headers: h.headers, body: Buffer.from(m.body).toString('latin1'), size: m.bodySize, truncated: m.truncated, complete: m.complete, trailers: m.trailers, bareLf: m.bareLf, ns: [String(m.startNs), String(m.endNs)] }));
    },
    onHead: (h) => log.push(`head ${h.kind === 'request' ? h.method : ''}`),
    onError: (r) => log.push(`error ${r}`),
    onDesync: (d) => log.push(`desync ${JSON.stringify(d)}`),
    onTunnel: (rest) => log.push(`tunnel ${rest.length}`),
    requestMethod: (i) => (i % 3 === 2 ? 'HEAD' : 'GET'),
  });
  let at = 0;
  [...cuts, buf.length].forEach((cut, n) => {
    p.feed(buf.subarray(at, cut), BigInt(n + 1), n === gapAt ? 7 : 0);
    at = cut;
  });
  p.end(99n);
  log.push(`stopped ${p.stopped} paused ${p.paused} errors ${p.errorCount}`);
  return log;
}

void (async () => {
  const base = await loadBase(process.argv);
  if (!base) throw new Error('--base is required (bench/ab-base.ts makes one from a commit)');
  const repeat = arg('repeat', 1);
  const samples = fc.sample(fc.tuple(streams, fc.integer({ min: -1, max: 8 })), { numRuns: arg('runs', 20_000), seed: arg('seed', 1) });
  let compared = 0;
  let differ = 0;
  /** Messages whose head object is the previous message's (the reuse happened). */
  let reused = 0;
  const seen = { messages: 0, desyncs: 0, errors: 0 };
  for (const [s, gapAt] of samples) {
    for (const kind of ['request', 'response'] as const) {
      const text = kind === 'response' ? s.text.replace(/^[A-Z]+ \S+ HTTP/gm, 'HTTP/1.1 200 OK').replace(/^[A-Z]+ /, 'HTTP/1.1 ') : s.text;
      const buf = Buffer.from(text.repeat(repeat), 'latin1');
      const theirs = callbacks(base.HttpStreamParser, kind, buf, s.cuts, gapAt);
      const mine = callbacks(HttpStreamParser, kind, buf, s.cuts, gapAt);
      if (repeat > 1) reused += countReused(kind, buf, s.cuts);
      compared++;
      for (const line of mine) {
        if (line.startsWith('{')) seen.messages++;
        else if (line.startsWith('desync')) seen.desyncs++;
        else if (line.startsWith('error')) seen.errors++;
      }
      if (JSON.stringify(theirs) === JSON.stringify(mine)) continue;
      if (++differ <= 3) console.log(`differs (${kind}): ${JSON.stringify(text.slice(0, 200))}\n  base: ${theirs.slice(0, 4).join('\n        ')}\n  this: ${mine.slice(0, 4).join('\n        ')}`);
    }
  }
  const repeated = repeat > 1 ? ` (each repeated ${repeat} times)` : '';
  const onReused = repeat > 1 ? `, ${reused} of them on a reused head` : '';
  console.log(`${compared} streams${repeated}, ${differ} with different callbacks (${seen.messages} messages${onReused}, ${seen.desyncs} desyncs, ${seen.errors} errors)`);
  if (differ > 0) process.exitCode = 1;
})();

/** How many messages of this parser got the very head object of the message before (so the check covered the reuse). */
function countReused(kind: 'request' | 'response', buf: Buffer, cuts: number[]): number {
  let n = 0;
  let last: unknown;
  const p = new HttpStreamParser({
    kind,
    maxBody: 64,
    onMessage: (m) => {
      if (m.head === last) n++;
      last = m.head;
    },
    requestMethod: (i) => (i % 3 === 2 ? 'HEAD' : 'GET'),
  });
  let at = 0;
  for (const cut of [...cuts, buf.length]) {
    p.feed(buf.subarray(at, cut), 1n);
    at = cut;
  }
  return n;
}

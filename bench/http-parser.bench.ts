// HTTP/1.1 parsing throughput: Tapline's capture parser (sensor/src/http/parser.ts) against
// llhttp through Node's own binding, on the corpus of ../shared/PEERS.md: 20,000 requests and
// 20,000 responses, JSON bodies 100 B–8 KiB, ~25% chunked, fed in 16 KiB slices. Each of our
// runs is bracketed by llhttp runs in the same process; prints medians (MB per CPU second) and the ratio.
// Run: node --import tsx bench/http-parser.bench.ts [--base MODULE]
// With `--base` (bench/ab-base.ts), another version's parser runs in the same rounds and the
// line says this ÷ base as well.
import { createRequire } from 'node:module';
import { HttpStreamParser } from '../sensor/src/http/parser';
import { loadBase } from './ab-base';
import { reportTarget } from './target';

interface LlhttpParser {
  initialize(type: number, resource: object): void;
  execute(data: Buffer): number | Error;
  [key: number]: unknown;
}
interface LlhttpModule {
  HTTPParser: { new (): LlhttpParser; REQUEST: number; RESPONSE: number; kOnHeadersComplete: number; kOnBody: number; kOnMessageComplete: number };
}
const { HTTPParser } = createRequire(__filename)('_http_common') as LlhttpModule;

const MESSAGES = 20_000;

function corpus(kind: 'request' | 'response'): Buffer {
  let seed = 7;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const parts: Buffer[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const body = JSON.stringify({ id: i, pad: 'x'.repeat(100 + Math.floor(rnd() * 8092)) });
    const start = kind === 'request'
      ? `POST /api/items/${i}?q=${i} HTTP/1.1\r\nHost: api.local\r\nContent-Type: application/json\r\n`
      : 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nDate: Thu, 26 Nov 2026 02:00:00 GMT\r\n';
    if (rnd() < 0.25) {
      const half = Math.floor(body.length / 2);
      parts.push(Buffer.from(`${start}Transfer-Encoding: chunked\r\n\r\n${half.toString(16)}\r\n${body.slice(0, half)}\r\n${(body.length - half).toString(16)}\r\n${body.slice(half)}\r\n0\r\n\r\n`));
    } else {
      parts.push(Buffer.from(`${start}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`));
    }
  }
  return Buffer.concat(parts);
}

function slices(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += 16384) out.push(buf.subarray(i, i + 16384));
  return out;
}

function ours(kind: 'request' | 'response', pieces: Buffer[], Parser: typeof HttpStreamParser = HttpStreamParser): number {
  let n = 0;
  const p = new Parser({ kind, maxBody: 65536, onMessage: () => n++, requestMethod: () => 'POST' });
  for (const s of pieces) p.feed(s, 1n);
  return n;
}

function llhttp(kind: 'request' | 'response', pieces: Buffer[]): number {
  let n = 0;
  const p = new HTTPParser();
  p.initialize(kind === 'request' ? HTTPParser.REQUEST : HTTPParser.RESPONSE, {});
  p[HTTPParser.kOnHeadersComplete] = () => 0;
  p[HTTPParser.kOnBody] = () => undefined;
  p[HTTPParser.kOnMessageComplete] = () => {
    n++;
  };
  for (const s of pieces) p.execute(s);
  return n;
}

/** MB per CPU second (the process's user + system time): on a shared machine, wall-clock rates move with the neighbours' load. */
function mbPerSecond(fn: () => number, mb: number): number {
  const c0 = process.cpuUsage();
  const n = fn();
  const c = process.cpuUsage(c0);
  if (n !== MESSAGES) throw new Error(`parsed ${n} messages, expected ${MESSAGES}`);
  return mb / ((c.user + c.system) / 1e6);
}

const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? NaN;

void (async () => {
  const base = await loadBase(process.argv);
  for (const kind of ['request', 'response'] as const) {
    const buf = corpus(kind);
    const pieces = slices(buf);
    const mb = buf.length / 1e6;
    const llhttpRates: number[] = [];
    const mine: number[] = [];
    const theirs: number[] = [];
    for (let r = 0; r < 7; r++) {
      llhttpRates.push(mbPerSecond(() => llhttp(kind, pieces), mb));
      // The run right after llhttp's pays for its garbage: with a base, the two take turns there.
      if (base && r % 2 === 1) theirs.push(mbPerSecond(() => ours(kind, pieces, base.HttpStreamParser), mb));
      mine.push(mbPerSecond(() => ours(kind, pieces), mb));
      if (base && r % 2 === 0) theirs.push(mbPerSecond(() => ours(kind, pieces, base.HttpStreamParser), mb));
      llhttpRates.push(mbPerSecond(() => llhttp(kind, pieces), mb));
    }
    const ratio = median(mine) / median(llhttpRates);
    const vsBase = base ? `; base ${median(theirs).toFixed(0)} MB/s, this ÷ base ${(median(mine) / median(theirs)).toFixed(2)}` : '';
    console.log(`${kind}s (${mb.toFixed(1)} MB): tapline ${median(mine).toFixed(0)} MB/s, llhttp ${median(llhttpRates).toFixed(0)} MB/s (CPU time), ratio ${ratio.toFixed(2)}${vsBase}`);
    reportTarget(`HTTP/1.x parser, ${kind}s, throughput ÷ llhttp`, ratio, { atLeast: 1.5 }, '×');
  }
})();

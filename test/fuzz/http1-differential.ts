// Differential test of the sensor's HTTP/1.x request framing against Node's own llhttp
// (`HTTPParser` from `_http_common`, strict mode, as Node's HTTP server runs it): generated
// streams (http1-streams.ts) go to llhttp whole and to the sensor's parser cut at random
// boundaries; message boundaries (target, body length) and the outcome (accepted, rejected,
// upgraded, ended mid-message) must agree. A disagreement is either a documented tolerance
// (docs/capture.md, "Deliberate tolerances"), counted by class, or a difference, reported with
// its bytes. Run: node --import tsx test/fuzz/http1-differential.ts --runs N [--seed S] [--minutes M]
import { createRequire } from 'node:module';
import { getHeapStatistics } from 'node:v8';
import fc from 'fast-check';
import { HttpStreamParser, type ParsedMessage } from '../../sensor/src/http/parser';
import { asksUpgrade } from '../../sensor/src/http/framing';
import { streams, type Stream } from './http1-streams';

interface LlhttpParser {
  initialize(type: number, resource: object): void;
  execute(data: Buffer): number | Error;
  finish(): number | Error | undefined;
  /** Frees the native parser: without it, each one (and its callbacks) lives as long as the process. */
  close(): void;
  [key: number]: unknown;
}
interface LlhttpModule {
  HTTPParser: { new (): LlhttpParser; REQUEST: number; kOnHeadersComplete: number; kOnBody: number; kOnMessageComplete: number };
  methods: string[];
}
const nodeHttp = createRequire(__filename)('_http_common') as LlhttpModule;

type Outcome = 'ok' | 'reject' | 'upgrade' | 'eof';

interface Framed {
  messages: string[];
  outcome: Outcome;
  detail: string;
}

function llhttp(text: string): Framed {
  const p = new nodeHttp.HTTPParser();
  try {
    return frame(p, text);
  } finally {
    p.close();
  }
}

function frame(p: LlhttpParser, text: string): Framed {
  const { HTTPParser } = nodeHttp;
  p.initialize(HTTPParser.REQUEST, {});
  const messages: string[] = [];
  let current = { target: '', body: 0, version: '' };
  let upgrade = false;
  p[HTTPParser.kOnHeadersComplete] = (maj: number, min: number, _h: unknown, _m: number, url: string, _s: unknown, _r: unknown, up: boolean) => {
    current = { target: url, body: 0, version: maj === 1 && min <= 1 ? '' : ` http/${maj}.${min}` };
    upgrade = up;
    return 0;
  };
  p[HTTPParser.kOnBody] = (b: Buffer) => {
    current.body += b.length;
  };
  p[HTTPParser.kOnMessageComplete] = () => {
    messages.push(`${current.target} ${current.body}${current.version}`);
  };
  const r = p.execute(Buffer.from(text, 'latin1'));
  if (r instanceof Error) {
    const code = (r as Error & { code?: string }).code ?? r.message;
    // Data after `Connection: close`: the sensor ignores it too (see the tolerances).
    return { messages, outcome: code === 'HPE_CLOSED_CONNECTION' ? 'ok' : 'reject', detail: code };
  }
  if (upgrade) return { messages, outcome: 'upgrade', detail: 'upgrade' };
  const end = p.finish();
  if (end instanceof Error) return { messages, outcome: 'eof', detail: (end as Error & { code?: string }).code ?? 'eof' };
  return { messages, outcome: 'ok', detail: '' };
}

interface Ours extends Framed {
  parsed: ParsedMessage[];
  rule?: string;
}

function sensor(stream: Stream): Ours {
  const parsed: ParsedMessage[] = [];
  let rule: string | undefined;
  let error: string | undefined;
  const p = new HttpStreamParser({ kind: 'request', maxBody: 1 << 16, onMessage: (m) => parsed.push(m), onDesync: (d) => (rule = d.rule), onError: (e) => (error ??= e) });
  const bytes = Buffer.from(stream.text, 'latin1');
  let from = 0;
  for (const cut of [...stream.cuts, bytes.length]) {
    if (cut > from) p.feed(bytes.subarray(from, cut), 1n);
    from = Math.max(from, cut);
  }
  const last = parsed.at(-1)?.head;
  const upgraded = p.paused || (p.stopped && rule === undefined && error === undefined && last?.kind === 'request' && (last.method === 'CONNECT' || asksUpgrade(last)));
  if (!upgraded && !p.stopped) p.end(2n);
  const complete = parsed.filter((m) => m.complete);
  const messages = complete.map((m) => `${m.head.kind === 'request' ? m.head.target : ''} ${m.bodySize}`);
  const base = { parsed: complete, messages, ...(rule ? { rule } : {}) };
  if (upgraded) return { ...base, outcome: 'upgrade', detail: 'upgrade' };
  if (rule) return { ...base, outcome: 'reject', detail: rule };
  if (error === 'connection ended inside a message head' || complete.length < parsed.length) return { ...base, outcome: 'eof', detail: error ?? 'ended in a body' };
  if (error) return { ...base, outcome: 'reject', detail: error };
  return { ...base, outcome: 'ok', detail: '' };
}

/** Tolerance classes of docs/capture.md; anything else is a difference. */
function tolerance(ours: Ours, ref: Framed, text: string): string | undefined {
  const k = firstDifference(ours.messages, ref.messages);
  const extra = ours.parsed[k];
  if (extra && ref.messages.length === k && ref.outcome === 'reject') {
    if (extra.bareLf) return 'bare-lf-head';
    if (extra.head.kind === 'request' && !nodeHttp.methods.includes(extra.head.method)) return 'extension-method';
  }
  // Stricter than llhttp where nginx rejects (exactly `chunked`, TE in HTTP/1.0, TE twice, empty TE with CL).
  if (ours.outcome === 'reject' && ours.messages.length === k && (ours.rule === 'transfer-encoding' || ours.rule === 'cl-and-te')) return `stricter-${ours.rule}`;
  // HTTP/0.9 request lines (no version) and versions other than 1.0/1.1: llhttp frames them as HTTP/1, the sensor does not.
  if (/ http\/\d\.\d$/.test(ref.messages[k] ?? '') && ours.messages.length === k && ours.outcome !== 'ok') return 'other-http-version';
  // An upgrade request with a chunked body: llhttp hands the connection over before the body, the sensor reads it first.
  if (ref.outcome === 'upgrade' && ref.messages.length === k) return 'upgrade-with-chunked-body';
  // RFC 9110 says CONNECT has no content; llhttp ignores the header, the sensor reports it.
  if (ours.rule === 'connect-with-content' && ref.outcome === 'upgrade' && ours.messages.length === k) return 'stricter-connect-with-content';
  const same = ours.messages.length === k && ref.messages.length === k;
  // One rejects where the other runs out of bytes (llhttp judges a head byte by byte, the sensor once it is complete): neither frames anything more.
  if (same && ((ours.outcome === 'eof' && ref.outcome === 'reject') || (ours.outcome === 'reject' && ref.outcome === 'eof'))) return 'reject-vs-end-of-stream';
  // Whitespace after the last message: llhttp rejects it as a method, the sensor skips it; the messages agree.
  if (same && ours.outcome === 'ok' && ref.outcome === 'reject' && /[ \t\r\n]$/.test(text)) return 'trailing-whitespace';
  // Content-Length or Transfer-Encoding in trailers (RFC 9110 §6.5.1 forbids framing fields there); llhttp takes TE.
  if (ours.rule === 'trailers' && ours.messages.length === k && ref.messages.length > k) return 'stricter-trailers';
  // Sizes the sensor refuses to frame (llhttp would wait for 2^64 bytes).
  if (ours.outcome === 'reject' && ref.outcome === 'eof' && (ours.rule === 'chunk-line' || ours.rule === 'content-length')) return 'too-large-to-frame';
  return undefined;
}

function firstDifference(a: readonly string[], b: readonly string[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

export interface DifferentialResult {
  runs: number;
  seed: number;
  agreed: number;
  tolerated: Record<string, number>;
  /** Unexplained differences: each is a bug in the sensor's framing until resolved. */
  differences: number;
  /** The slowest single stream (both parsers), in milliseconds, and the heap's peak between batches: reported, never asserted on. */
  slowestMs: number;
  peakHeapMiB: number;
  examples: Array<{ text: string; cuts: number[]; sensor: string; llhttp: string }>;
}

/** `untilMs` (a Date.now() deadline) stops earlier, between batches: the long run is "as many as fit". */
export function run(opts: { runs: number; seed?: number; untilMs?: number }): DifferentialResult {
  const seed = opts.seed ?? Math.floor(Math.random() * 0x7fffffff);
  const result: DifferentialResult = { runs: 0, seed, agreed: 0, tolerated: {}, differences: 0, slowestMs: 0, peakHeapMiB: 0, examples: [] };
  const batch = 2000;
  for (let done = 0, k = 0; done < opts.runs && (opts.untilMs === undefined || Date.now() < opts.untilMs); done += batch, k++) {
    for (const stream of fc.sample(streams, { numRuns: Math.min(batch, opts.runs - done), seed: seed + k })) {
      result.runs++;
      const t0 = performance.now();
      const ours = sensor(stream);
      const ref = llhttp(stream.text);
      result.slowestMs = Math.max(result.slowestMs, Math.round((performance.now() - t0) * 10) / 10);
      if (ours.outcome === ref.outcome && firstDifference(ours.messages, ref.messages) === Math.max(ours.messages.length, ref.messages.length)) {
        result.agreed++;
        continue;
      }
      const cls = tolerance(ours, ref, stream.text);
      if (cls) {
        result.tolerated[cls] = (result.tolerated[cls] ?? 0) + 1;
        continue;
      }
      result.differences++;
      if (result.examples.length < 5) {
        result.examples.push({ text: stream.text, cuts: stream.cuts, sensor: `${ours.outcome}(${ours.detail}) [${ours.messages.join(' | ')}]`, llhttp: `${ref.outcome}(${ref.detail}) [${ref.messages.join(' | ')}]` });
      }
    }
    result.peakHeapMiB = Math.max(result.peakHeapMiB, Math.round(getHeapStatistics().used_heap_size / 2 ** 20));
  }
  return result;
}

function main(argv: readonly string[]): void {
  const arg = (flag: string): number | undefined => {
    const i = argv.indexOf(flag);
    const v = i >= 0 ? Number(argv[i + 1]) : undefined;
    if (v !== undefined && !Number.isInteger(v)) throw new Error(`${flag} needs an integer`);
    return v;
  };
  const minutes = arg('--minutes');
  const runs = arg('--runs') ?? (minutes !== undefined ? Number.MAX_SAFE_INTEGER : 1000);
  const seed = arg('--seed');
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const result = run({ runs, ...(seed !== undefined ? { seed } : {}), ...(minutes !== undefined ? { untilMs: Date.now() + minutes * 60_000 } : {}) });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  process.stdout.write(`${JSON.stringify({ target: 'http1-differential', ...result, seconds: Math.round(seconds * 10) / 10, cpuSeconds: Math.round(cpuSeconds * 10) / 10 })}\n`);
  process.exitCode = result.differences === 0 ? 0 : 1;
}

if (require.main === module) main(process.argv.slice(2));

// fast-check arbitraries for HTTP/1.x request streams: well-formed keep-alive messages (Content-
// Length, chunked with extensions and trailers, no body), the smuggling shapes of
// test/fixtures/http, mutations that break framing the ways attackers do (bare CR/LF, obs-fold,
// CL+TE, TE variants, bad lengths, bad chunk lines, CONNECT, Upgrade, Connection: close), random
// byte flips — then cut at random boundaries. Used by http1-differential.ts.
import fc from 'fast-check';
import { SMUGGLING_SHAPES } from '../fixtures/http/smuggling-shapes';

export interface Stream {
  /** Latin1 text of the whole stream. */
  text: string;
  /** Where the stream is cut into the pieces the sensor is fed (sorted, inside the text). */
  cuts: number[];
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND'];
const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,11}$/).filter((n) => !/^(content-length|transfer-encoding|connection|upgrade)$/i.test(n));
const value = fc.stringMatching(/^[ -~]{0,20}$/).map((v) => v.trim());
const path = fc.stringMatching(/^\/[a-z0-9/._~-]{0,16}(\?[a-z0-9=&]{0,10})?$/);
const body = fc.stringMatching(/^[ -~]{0,40}$/);
const ext = fc.constantFrom('', ';a', ';a=b', ';n=', ';q="x y"', ';a=1;b=2');

function chunked(b: string, sizes: number[], exts: string[], trailer: boolean): string {
  let out = '';
  let at = 0;
  let i = 0;
  while (at < b.length) {
    const n = Math.max(1, Math.min(b.length - at, sizes[i % sizes.length] ?? 1));
    out += `${n.toString(16)}${exts[i % exts.length] ?? ''}\r\n${b.slice(at, at + n)}\r\n`;
    at += n;
    i++;
  }
  return `${out}0\r\n${trailer ? 'X-Trailer: t\r\n' : ''}\r\n`;
}

/** One well-formed request, as text. */
const message = fc
  .record({
    method: fc.constantFrom(...METHODS),
    path,
    version: fc.constantFrom('1.1', '1.1', '1.1', '1.0'),
    headers: fc.array(fc.tuple(name, value), { maxLength: 5 }),
    framing: fc.constantFrom('none', 'length', 'chunked'),
    body,
    sizes: fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 4 }),
    exts: fc.array(ext, { minLength: 1, maxLength: 3 }),
    trailer: fc.boolean(),
  })
  .map((m) => {
    const headers = m.headers.map(([n, v]) => `${n}: ${v}\r\n`).join('');
    // HTTP/1.0 closes after each message unless it asks to keep the connection.
    const keep = m.version === '1.0' ? 'Connection: keep-alive\r\n' : '';
    const start = `${m.method} ${m.path} HTTP/${m.version}\r\nHost: fuzz\r\n${keep}${headers}`;
    if (m.framing === 'length') return `${start}Content-Length: ${m.body.length}\r\n\r\n${m.body}`;
    if (m.framing === 'chunked' && m.version === '1.1') return `${start}Transfer-Encoding: chunked\r\n\r\n${chunked(m.body, m.sizes, m.exts, m.trailer)}`;
    return `${start}\r\n`;
  });

/** Insertions that break framing the ways attackers and sloppy clients do. */
const MUTATIONS = [
  '\n',
  '\r',
  '\r\n ',
  '\r\nContent-Length: 5',
  '\r\nContent-Length: 0',
  '\r\nContent-Length: 1x',
  '\r\nContent-Length: +3',
  '\r\nContent-Length: 3, 3',
  '\r\nContent-Length:',
  '\r\nTransfer-Encoding: chunked',
  '\r\nTransfer-Encoding: gzip, chunked',
  '\r\nTransfer-Encoding: chunked, gzip',
  '\r\nTransfer-Encoding: ,chunked',
  '\r\nTransfer-Encoding:',
  '\r\nTransfer-Encoding: xchunked',
  '\r\nConnection: close',
  '\r\nConnection: Upgrade\r\nUpgrade: websocket',
  ';',
  ';a="',
  ' ',
  '\t',
  '\x00',
  '\x7f',
  ':',
  '0x',
  'GET /smuggled HTTP/1.1\r\n\r\n',
];

const mutated = fc
  .record({ base: fc.array(message, { minLength: 1, maxLength: 3 }), mutations: fc.array(fc.tuple(fc.nat(), fc.constantFrom(...MUTATIONS)), { minLength: 1, maxLength: 2 }) })
  .map(({ base, mutations }) => {
    let text = base.join('');
    for (const [at, insert] of mutations) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + insert + text.slice(i);
    }
    return text;
  });

const flipped = fc.record({ base: fc.array(message, { minLength: 1, maxLength: 3 }), flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }) }).map(({ base, flips }) => {
  const chars = base.join('').split('');
  for (const [at, byte] of flips) chars[at % chars.length] = String.fromCharCode(byte);
  return chars.join('');
});

const connect = fc.tuple(message, fc.boolean()).map(([m, withLength]) => `CONNECT host:443 HTTP/1.1\r\nHost: host:443\r\n${withLength ? 'Content-Length: 5\r\n' : ''}\r\n${m}`);
const shape = fc.constantFrom(...SMUGGLING_SHAPES.map((s) => s.bytes));

/** A whole stream and where to cut it. */
export const streams: fc.Arbitrary<Stream> = fc
  .oneof(
    { weight: 3, arbitrary: fc.array(message, { minLength: 1, maxLength: 4 }).map((ms) => ms.join('')) },
    { weight: 5, arbitrary: mutated },
    { weight: 2, arbitrary: flipped },
    { weight: 1, arbitrary: connect },
    { weight: 1, arbitrary: shape },
  )
  .chain((text) => fc.record({ text: fc.constant(text), cuts: fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, text.length - 1) }), { maxLength: 6 }).map((c) => [...c].sort((a, b) => a - b)) }));

// The bytes of HTTP/2 exchanges as the sensor reads them from node's OpenSSL uprobes under h2load:
// per connection the client's preface and SETTINGS, then per exchange one read (the request's
// HEADERS, END_STREAM) and one write (the answer's HEADERS and DATA, END_STREAM), header blocks
// encoded by hpack.js's compressor with one table per direction (so after the first block a
// request is five indexed fields, as a load generator's are). Built before any timing starts.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- an ambient module declaration (hpack.js ships no types), not a module to import
/// <reference path="../sensor/src/http2/hpack-js.d.ts" />
import hpack from 'hpack.js';
import { h2Frame, PREFACE } from '../test/support/h2-frames';

export interface H2Traffic {
  /** Per connection, per exchange on it: what the server read, then what it wrote. */
  reads: Buffer[][];
  writes: Buffer[][];
}

const frame = h2Frame;

function encoder(): (fields: Array<{ name: string; value: string }>) => Buffer {
  const c = hpack.compressor.create({ table: { maxSize: 4096 } });
  return (fields) => {
    c.write(fields);
    const parts: Buffer[] = [];
    for (let b = c.read(); b !== null; b = c.read()) parts.push(b);
    return Buffer.concat(parts);
  };
}

export function h2Traffic(connections: number, perConnection: number, body: string): H2Traffic {
  const settings = frame(0x4, 0, 0, Buffer.from([0, 3, 0, 0, 0, 100]));
  const reads: Buffer[][] = [];
  const writes: Buffer[][] = [];
  const payload = Buffer.from(body);
  for (let c = 0; c < connections; c++) {
    const client = encoder();
    const server = encoder();
    const r: Buffer[] = [];
    const w: Buffer[] = [];
    for (let k = 0; k < perConnection; k++) {
      const stream = 2 * k + 1;
      const request = frame(0x1, 0x5, stream, client([
        { name: ':method', value: 'GET' },
        { name: ':path', value: '/api/items/42?expand=owner' },
        { name: ':scheme', value: 'https' },
        { name: ':authority', value: '127.0.0.1:8443' },
        { name: 'user-agent', value: 'h2load nghttp2/1.52.0' },
      ]));
      const head = frame(0x1, 0x4, stream, server([
        { name: ':status', value: '200' },
        { name: 'content-type', value: 'application/json' },
        { name: 'content-length', value: String(payload.length) },
        { name: 'date', value: 'Thu, 03 Dec 2026 14:00:00 GMT' },
      ]));
      const data = frame(0x0, 0x1, stream, payload);
      r.push(k === 0 ? Buffer.concat([PREFACE, settings, request]) : request);
      w.push(k === 0 ? Buffer.concat([settings, head, data]) : Buffer.concat([head, data]));
    }
    reads.push(r);
    writes.push(w);
  }
  return { reads, writes };
}

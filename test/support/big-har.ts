// Writes a HAR file of about `bytes` bytes for the streaming tests and for larger documented runs
// (`node --import tsx test/support/big-har.ts out.har 500`), without holding it in
// memory: the pet service's calls, each with a JSON body of about 2 KB.
import { closeSync, openSync, writeSync } from 'node:fs';

/** The i-th entry, as JSON text (also what big-log.ts turns into log lines). */
export function entry(i: number): string {
  const id = (i % 97) + 1;
  const pets = Array.from({ length: 24 }, (_, k) => ({ id: id * 100 + k, name: `pet-${i}-${k}`, tag: k % 3 === 0 ? 'dog' : 'cat' }));
  const text = JSON.stringify(i % 2 === 0 ? pets : pets[0]);
  const path = i % 2 === 0 ? `/v1/pets?limit=24` : `/v1/pets/${id}`;
  return JSON.stringify({
    startedDateTime: new Date(Date.UTC(2026, 11, 1, 9, 0, 0) + i * 10).toISOString(),
    time: 3,
    request: { method: 'GET', url: `http://127.0.0.1:8080${path}`, httpVersion: 'HTTP/1.1', headers: [{ name: 'Host', value: '127.0.0.1:8080' }], queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
    response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [{ name: 'Content-Type', value: 'application/json' }], cookies: [], content: { size: text.length, mimeType: 'application/json', text }, redirectURL: '', headersSize: -1, bodySize: text.length },
    cache: {},
    timings: { send: 0, wait: 3, receive: 0 },
  });
}

/** Returns the number of entries written. */
export function writeBigHar(file: string, bytes: number): number {
  const fd = openSync(file, 'w');
  let written = writeSync(fd, '{"log":{"version":"1.2","creator":{"name":"tapline-test","version":"1"},"entries":[\n');
  let i = 0;
  let batch: string[] = [];
  while (written < bytes) {
    const text = (i === 0 ? '' : ',\n') + entry(i++);
    batch.push(text);
    written += text.length;
    if (batch.length === 500) {
      writeSync(fd, batch.join(''));
      batch = [];
    }
  }
  writeSync(fd, batch.join('') + '\n]}}\n');
  closeSync(fd);
  return i;
}

if (require.main === module) {
  const [file, mbText] = process.argv.slice(2);
  if (!file) throw new Error('usage: big-har.ts out.har [megabytes]');
  const n = writeBigHar(file, Number(mbText ?? '50') * 1e6);
  process.stdout.write(`${file}: ${n} entries\n`);
}

// Writes a traffic log of about `bytes` bytes, one JSON per line, for the streaming benchmark
// (bench/har-stream.ts): `ndjson` — Tapline transactions, the big HAR's entries converted by the
// importer itself; `nginx` — nginx JSON access log records (`log_format … escape=json`) of the same
// calls. Written in batches, never held whole.
import { closeSync, openSync, writeSync } from 'node:fs';
import { entryToTransaction } from '../../core/src/har/har-import';
import { entry } from './big-har';

export type LogKind = 'ndjson' | 'nginx';

function line(kind: LogKind, i: number): string {
  const r = entryToTransaction(JSON.parse(entry(i)), `$[${i}]`, `log-${i}`, 'import');
  if ('problem' in r) throw new Error(`entry ${i}: ${r.problem.message}`);
  const tx = r.tx;
  if (kind === 'ndjson') return JSON.stringify({ ...tx, client: { address: `10.0.${i % 7}.${i % 251}`, port: 40000 + (i % 20000) } });
  return JSON.stringify({
    msec: (tx.startedAt / 1000).toFixed(3),
    remote_addr: `10.0.${i % 7}.${i % 251}`,
    request_method: tx.request.method,
    request_uri: tx.request.target,
    server_protocol: 'HTTP/1.1',
    status: String(tx.response?.status ?? 0),
    body_bytes_sent: String(tx.response?.body?.size ?? 0),
    request_time: '0.003',
    host: tx.service,
    http_user_agent: `bench-client/${i % 5}`,
  });
}

/** Returns the number of lines written. */
export function writeBigLog(file: string, kind: LogKind, bytes: number): number {
  const fd = openSync(file, 'w');
  let written = 0;
  let i = 0;
  let batch: string[] = [];
  while (written < bytes) {
    const text = line(kind, i++) + '\n';
    batch.push(text);
    written += text.length;
    if (batch.length === 1000) {
      writeSync(fd, batch.join(''));
      batch = [];
    }
  }
  writeSync(fd, batch.join(''));
  closeSync(fd);
  return i;
}

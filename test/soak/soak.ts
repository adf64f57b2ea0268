// Soak: the real sensor (dist/sensor.js, replay mode, no rate limits) streams `rate` transactions
// per second for `seconds` to two WebSocket clients: a fast one that reads everything, and a slow
// one that reads for 10 ms of every `slowEveryMs` (10 s by default; its socket paused the rest of
// the time, so TCP and the sensor's per-client queue fill up). The sensor pings every `heartbeatMs`
// (its default 15 s): a ping waits behind what is queued for the slow client, so the run also shows
// that a slow but live client is kept, not closed for a late pong. Once the replay is done and the slow client has caught up,
// each client's count must be exact: received + dropped (the sensor's `queueDropped` in that
// client's stats) = sent; the fast client drops nothing. The sensor's RSS is sampled every second.
// Short run in test/integration/sensor-soak.test.ts; long run:
//   nice -n 19 npm run reliability -- --record soak --seconds 600 --rate 1000 (docs/reliability.md)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { startSensorProcess } from '../support/sensor-process';

export interface SoakResult {
  seconds: number;
  /** How long the replay really took (longer than `seconds` when the machine could not keep up). */
  elapsedSeconds: number;
  rate: number;
  sent: number;
  fast: { received: number; dropped: number };
  slow: { received: number; dropped: number };
  /** RSS samples of the sensor, MiB, one per second. */
  rssMiB: number[];
  /** Max RSS of the last third of the run over the max of the first third (after the first 3 s). */
  rssGrowth: number;
  /** The slow client's close code when the sensor closed it during the run (absent: it stayed). */
  slowClosedWith?: number;
  /** What the sensor wrote on stderr after it listened (first 50 lines). */
  sensorLog: string[];
}

export interface SoakOptions {
  seconds: number;
  rate: number;
  /** The sensor's --heartbeat-ms (default: the sensor's own, 15 s). */
  heartbeatMs?: number;
  /** The slow client reads for 10 ms every this many ms (default 10 s). */
  slowEveryMs?: number;
}

/** A HAR of `n` small JSON GETs over 50 endpoints. */
export function har(n: number): string {
  const entries = Array.from({ length: n }, (_, i) => ({
    startedDateTime: new Date(1_764_000_000_000 + i).toISOString(),
    time: 1,
    request: { method: 'GET', url: `http://shop.local/api/items/${i % 50}?page=${i % 7}`, httpVersion: 'HTTP/1.1', headers: [{ name: 'Accept', value: 'application/json' }], queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
    response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [{ name: 'Content-Type', value: 'application/json' }], cookies: [], content: { size: 40, mimeType: 'application/json', text: `{"id":${i},"name":"item ${i}","ok":true}` }, redirectURL: '', headersSize: -1, bodySize: 40 },
    cache: {},
    timings: { send: 0, wait: 1, receive: 0 },
  }));
  return JSON.stringify({ log: { version: '1.2', creator: { name: 'soak', version: '1' }, entries } });
}

interface Client {
  received: number;
  dropped: number;
  lastTotal: number;
  /** The close code, once the sensor (or the network) closed this client. */
  closedWith?: number;
  ws: WebSocket;
}

function client(url: string, token: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` } });
    const c: Client = { received: 0, dropped: 0, lastTotal: 0, ws };
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as { type: string; items?: unknown[]; counters?: { queueDropped: number; transactions: number } };
      if (m.type === 'transactions') c.received += m.items?.length ?? 0;
      else if (m.type === 'stats' && m.counters) {
        c.dropped = m.counters.queueDropped;
        c.lastTotal = m.counters.transactions;
      }
    });
    ws.once('close', (code: number) => {
      c.closedWith = code;
    });
    ws.once('open', () => {
      ws.send(JSON.stringify({ type: 'subscribe', filters: {} }));
      resolve(c);
    });
    ws.once('error', reject);
  });
}

function rssMiB(pid: number): number {
  let status = '';
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return 0; // the sensor is gone; the caller's wait says why
  }
  const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

async function until(check: () => boolean, what: string, deadlineMs: number): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`waited ${deadlineMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function soak(opts: SoakOptions): Promise<SoakResult> {
  const sent = opts.seconds * opts.rate;
  const dir = mkdtempSync(join(tmpdir(), 'tapline-soak-'));
  try {
    writeFileSync(join(dir, 'soak.har'), har(sent));
    const sensor = await startSensorProcess(join(dir, 'token'), [
      '--listen', '127.0.0.1:0', '--replay', join(dir, 'soak.har'), '--replay-rate', String(opts.rate),
      // The default backlog (1000) covers what is replayed before the clients connect.
      '--max-rate', '0', '--max-rate-per-endpoint', '0', '--stats-interval-ms', '250',
      ...(opts.heartbeatMs ? ['--heartbeat-ms', String(opts.heartbeatMs)] : []),
    ]);
    const sensorLog: string[] = [];
    let partial = '';
    sensor.child.stderr?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (sensorLog.length < 50) sensorLog.push(line);
    });
    const said = (): string => (sensorLog.length > 0 ? `; the sensor said: ${sensorLog.join(' | ')}` : '');
    try {
      const fast = await client(sensor.url, sensor.token);
      const slow = await client(sensor.url, sensor.token);
      const socket = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      // Slow: read 10 ms of every slowEveryMs until the replay is over.
      const slowTimer = setInterval(() => {
        socket.resume();
        setTimeout(() => socket.pause(), 10).unref();
      }, opts.slowEveryMs ?? 10_000);
      socket.pause();
      const rss: number[] = [];
      const pid = sensor.child.pid ?? 0;
      const rssTimer = setInterval(() => rss.push(rssMiB(pid)), 1000);
      const started = Date.now();
      try {
        // A loaded machine replays slower than asked: the deadline allows three times the plan.
        await until(() => fast.lastTotal >= sent, `the replay of ${sent} transactions`, (opts.seconds * 3 + 60) * 1000)
          .catch((e: unknown) => Promise.reject(new Error(`${(e as Error).message}${said()}`)));
      } finally {
        clearInterval(slowTimer);
        clearInterval(rssTimer);
      }
      const elapsedSeconds = Math.round((Date.now() - started) / 1000);
      socket.resume();
      // Caught up: everything sent was received or dropped, as the latest stats count them.
      const tally = (): string => `sent ${sent}; fast ${fast.received} received + ${fast.dropped} dropped; slow ${slow.received} received + ${slow.dropped} dropped${slow.closedWith ? ` (slow closed, code ${slow.closedWith})` : ''}`;
      // The slow client drains up to its whole queue (10,000) and TCP buffers once resumed.
      const accounted = (): boolean => {
        if (slow.closedWith !== undefined) throw new Error(`the sensor closed the slow client (code ${slow.closedWith})`);
        return fast.received + fast.dropped === sent && slow.received + slow.dropped === sent;
      };
      await until(accounted, `both clients to account for every transaction (${tally()})`, 60_000 + opts.seconds * 200)
        .catch((e: unknown) => Promise.reject(new Error(`${(e as Error).message}; at the deadline: ${tally()}${said()}`)));
      const slowClosedWith = slow.closedWith;
      fast.ws.close();
      slow.ws.close();
      const warm = rss.slice(3);
      const third = Math.max(1, Math.floor(warm.length / 3));
      const growth = warm.length === 0 ? 1 : Math.max(...warm.slice(-third)) / Math.max(1, Math.max(...warm.slice(0, third)));
      return { seconds: opts.seconds, elapsedSeconds, rate: opts.rate, sent, fast: { received: fast.received, dropped: fast.dropped }, slow: { received: slow.received, dropped: slow.dropped }, rssMiB: rss, rssGrowth: Math.round(growth * 100) / 100, ...(slowClosedWith !== undefined ? { slowClosedWith } : {}), sensorLog };
    } finally {
      await sensor.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const arg = (flag: string, dflt: number): number => {
    const i = process.argv.indexOf(flag);
    return i >= 0 ? Number(process.argv[i + 1]) : dflt;
  };
  const heartbeatMs = arg('--heartbeat-ms', 0);
  const slowEveryMs = arg('--slow-every-ms', 0);
  soak({ seconds: arg('--seconds', 20), rate: arg('--rate', 1000), ...(heartbeatMs ? { heartbeatMs } : {}), ...(slowEveryMs ? { slowEveryMs } : {}) }).then(
    (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}

// Request smuggling through the live eBPF sensor (root, Linux): a client sends every smuggling
// shape of test/fixtures/http on its own connection to a real Node server and to Debian's nginx,
// while ordinary keep-alive traffic runs on other connections. The sensor must record no
// phantom transaction (nothing for /smuggled), report every attempt as a desync event naming the
// attempt's client address:port and the rule, and lose none of the keep-alive transactions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, watch, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { parseSensorMessage } from '../../core/src/protocol/validate-messages';
import type { DesyncEvent } from '../../core/src/protocol/desync';
import type { Transaction } from '../../core/src/protocol/transaction';
import { SMUGGLING_SHAPES, type SmugglingShape } from '../fixtures/http/smuggling-shapes';
import { startSensorProcess, type SensorProcess } from '../support/sensor-process';
import { gate, lineFrom, stopChildren } from './ebpf-helpers';
import { SensorHub } from '../../server/src/engine/sensor-hub';
import { DesyncLog } from '../../server/src/engine/desync-log';

const NODE_SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ path: req.url })); });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write('port ' + server.address().port + '\\n'));
process.on('SIGTERM', () => process.exit(0));
`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Debian's nginx, unprivileged-style: one process, everything under a temp folder. */
async function startNginx(dir: string): Promise<{ proc: ChildProcess; port: number }> {
  const port = await freePort();
  for (const d of ['client', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, d), { recursive: true });
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `daemon off; master_process off; pid ${dir}/nginx.pid; error_log stderr error;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/client; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  server { listen 127.0.0.1:${port}; keepalive_requests 1000; location / { default_type application/json; return 200 '{"path":"$uri"}'; } }
}
`,
  );
  // nginx opens its listening sockets before it writes the pid file: wait for that file.
  const watcher = watch(dir);
  const ready = new Promise<void>((resolve, reject) => {
    watcher.on('change', () => {
      if (existsSync(join(dir, 'nginx.pid'))) resolve();
    });
    watcher.once('error', reject);
  });
  const proc = spawn('nginx', ['-p', dir, '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = once(proc, 'exit').then(() => {
    throw new Error(`nginx exited: ${err}`);
  });
  try {
    await Promise.race([ready, exited]);
  } finally {
    watcher.close();
  }
  return { proc, port };
}


/** What the sensor sent, with waits that say what they waited for. */
class Feed {
  readonly transactions: Transaction[] = [];
  readonly desyncs: DesyncEvent[] = [];
  private waiters: Array<() => void> = [];

  push(data: WebSocket.RawData): void {
    const m = parseSensorMessage(data.toString());
    assert.ok(m.ok, `every sensor message validates: ${m.ok ? '' : JSON.stringify(m.problems)}`);
    if (m.value.type === 'transactions') this.transactions.push(...m.value.items);
    if (m.value.type === 'desync') this.desyncs.push(...m.value.items);
    this.poke();
  }

  /** Something a wait may be waiting for happened elsewhere. */
  poke(): void {
    for (const w of [...this.waiters]) w();
  }

  async until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
    if (ok()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
      const check = (): void => {
        if (!ok()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      this.waiters.push(check);
    });
  }
}

function get(agent: http.Agent, port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

/** One attempt on its own connection: all bytes in one write, then a half-close; resolves with the client port once the server closed. */
function attack(port: number, shape: SmugglingShape): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      const local = s.localPort ?? 0;
      s.on('close', () => resolve(local));
      s.end(Buffer.from(shape.bytes, 'latin1'));
    });
    s.on('data', () => undefined);
    s.on('error', reject);
  });
}

test('smuggling shapes against Node and nginx through live eBPF: no phantom, every attempt a finding with its client, keep-alive unaffected', { timeout: 120_000 }, async (t) => {
  if (!gate(t)) return;
  if (spawnSync('nginx', ['-v']).error) {
    if (process.env.CI === 'true') assert.fail('nginx is missing (scripts/setup-system.sh installs it)');
    t.skip('needs nginx (apt-get install nginx)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tapline-desync-'));
  const procs: ChildProcess[] = [];
  let sensor: SensorProcess | undefined;
  let ws: WebSocket | undefined;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  // The engine's side too: its sensor hub and the per-service record the tree shows.
  const engineDesyncs = new DesyncLog();
  const feed = new Feed();
  const hub = new SensorHub({
    transactions: () => undefined,
    desync: (items) => {
      engineDesyncs.add(items);
      feed.poke();
    },
    changed: () => undefined,
    log: () => undefined,
  });
  try {
    const node = spawn(process.execPath, ['-e', NODE_SERVER], { stdio: ['ignore', 'pipe', 'ignore'] });
    procs.push(node);
    const nodePort = Number((await lineFrom(node, /port (\d+)/))[1]);
    const nginx = await startNginx(dir);
    procs.push(nginx.proc);
    const servers = [
      { name: 'node', port: nodePort },
      { name: 'nginx', port: nginx.port },
    ];
    sensor = await startSensorProcess(join(dir, 'token'), ['--listen', '127.0.0.1:0', '--port', String(nodePort), '--port', String(nginx.port), '--max-rate', '0', '--max-rate-per-endpoint', '0']);
    ws = new WebSocket(sensor.url, { headers: { Authorization: `Bearer ${sensor.token}` } });
    ws.on('message', (d) => feed.push(d));
    await once(ws, 'open');
    assert.equal((await hub.connect({ url: sensor.url, token: sensor.token }, 10_000)).state, 'live');

    // The sensor is capturing once a warm-up exchange to each server comes through.
    for (const s of servers) {
      let n = 0;
      const seen = (): boolean => feed.transactions.some((x) => x.server.port === s.port && x.request.path.startsWith('/warm'));
      while (!seen()) {
        await get(agent, s.port, `/warm/${n++}`);
        await feed.until(`the warm-up exchange to ${s.name}`, seen, 1000).catch(() => undefined);
        assert.ok(n < 30, `no warm-up transaction from ${s.name} after ${n} requests`);
      }
    }

    // Keep-alive on one connection per server, around and between the attempts.
    const attempts: Array<{ server: string; serverPort: number; clientPort: number; shape: SmugglingShape }> = [];
    let ka = 0;
    for (const shape of SMUGGLING_SHAPES) {
      for (const s of servers) {
        assert.equal(await get(agent, s.port, `/ka/${ka}`), 200);
        attempts.push({ server: s.name, serverPort: s.port, clientPort: await attack(s.port, shape), shape });
      }
      ka++;
    }
    for (const s of servers) assert.equal(await get(agent, s.port, `/ka/${ka}`), 200);
    ka++;

    const keepAlive = (port: number): Transaction[] => feed.transactions.filter((x) => x.server.port === port && x.request.path.startsWith('/ka/'));
    await feed.until(`${ka} keep-alive transactions per server`, () => servers.every((s) => keepAlive(s.port).length >= ka));
    const missing = (): string[] => attempts.filter((a) => !feed.desyncs.some((e) => e.client.port === a.clientPort)).map((a) => `${a.shape.name} → ${a.server}`);
    await feed.until(`${attempts.length} desync events`, () => missing().length === 0).catch((e: Error) => {
      throw new Error(`${e.message}; missing: ${missing().join('; ')}; got: ${feed.desyncs.map((d) => `${d.client.port}→${d.server.port} ${d.rule}`).join(', ')}`);
    });

    for (const a of attempts) {
      const where = `${a.shape.name} → ${a.server}`;
      const events = feed.desyncs.filter((e) => e.client.port === a.clientPort && e.server.port === a.serverPort);
      assert.equal(events.length, 1, `${where}: one desync event`);
      const e = events[0]!;
      assert.equal(e.rule, a.shape.rule, where);
      assert.equal(e.side, 'request', where);
      assert.deepEqual(e.client, { address: '127.0.0.1', port: a.clientPort }, where);
      assert.equal(e.messagesBefore, a.shape.before, where);
      // The ordinary request before the attempt was served, and seen.
      assert.ok(feed.transactions.some((x) => x.client.port === a.clientPort && x.request.path === '/first'), `${where}: /first recorded`);
    }
    assert.deepEqual(feed.transactions.filter((x) => x.request.path === '/smuggled' || x.request.path === '/a'), [], 'no phantom transaction, and nothing derived from an offending request');
    // The engine got them too, on the services the requests named (Host: shapes, shapes:443 for CONNECT).
    await feed.until('the engine’s record of every attempt', () => engineDesyncs.summaries().reduce((n, d) => n + d.count, 0) === attempts.length);
    const summaries = engineDesyncs.summaries();
    assert.deepEqual(summaries.map((d) => d.service), ['shapes', 'shapes:443']);
    assert.deepEqual(new Set(summaries.flatMap((d) => d.rules)), new Set(SMUGGLING_SHAPES.map((s) => s.rule)));
    assert.deepEqual(summaries[0]?.clients, ['127.0.0.1']);
    for (const s of servers) {
      assert.deepEqual(keepAlive(s.port).map((x) => `${x.request.path} ${x.response?.status}`), Array.from({ length: ka }, (_, i) => `/ka/${i} 200`), `${s.name}: keep-alive traffic unaffected`);
    }
  } finally {
    hub.dispose();
    agent.destroy();
    ws?.close();
    await sensor?.stop();
    await stopChildren(procs.reverse());
  }
});

// Runs Debian's real nginx unprivileged from a temporary prefix, on loopback, with a generated
// gateway configuration included in `http { }`; `nginx -t` first, every time. Also a real echo
// upstream that records what reached it, and a reader of the gateway's JSON access log.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

export const NGINX = '/usr/sbin/nginx';
export const NJS_MODULE_SO = '/usr/lib/nginx/modules/ngx_http_js_module.so';

/** Skips with one line outside CI; in CI (CI=true) a missing nginx is a failure. */
export function nginxGate(t: TestContext): boolean {
  const why = !existsSync(NGINX) ? `needs nginx at ${NGINX} (bash scripts/setup-system.sh installs it)` : !existsSync(NJS_MODULE_SO) ? `needs ${NJS_MODULE_SO} (libnginx-mod-http-js)` : undefined;
  if (!why) return true;
  if (process.env.CI === 'true') throw new Error(`gateway suite cannot run in CI: ${why}`);
  t.skip(why);
  return false;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface NginxProcess {
  dir: string;
  logFile: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export function nginxTest(dir: string): { ok: boolean; output: string } {
  const r = spawnSync(NGINX, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

/** A prefix directory with nginx.conf including `gateway.conf` (written by the caller, or now). */
export function nginxPrefix(gatewayConf?: string): { dir: string; logFile: string; njsFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tapline-nginx-'));
  for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, d));
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      'daemon off;',
      'master_process off;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'error.log')} notice;`,
      `load_module ${NJS_MODULE_SO};`,
      'events { worker_connections 256; }',
      'http {',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((d) => `    ${d}_temp_path ${join(dir, d === 'client_body' ? 'body' : d)};`),
      '    access_log off;',
      `    include ${join(dir, 'gateway.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  if (gatewayConf !== undefined) writeFileSync(join(dir, 'gateway.conf'), gatewayConf);
  return { dir, logFile: join(dir, 'access.log'), njsFile: join(dir, 'tapline_jwt.js') };
}

/** Resolves once 127.0.0.1:port accepts connections; rejects if `child` exits first or at the deadline. */
export function waitForPort(port: number, child: ChildProcess, output: () => string, deadlineMs = 10_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      if (child.exitCode !== null) return reject(new Error(`nginx exited (${child.exitCode}) before listening on ${port}:\n${output()}`));
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > until) reject(new Error(`nginx did not listen on 127.0.0.1:${port} within ${deadlineMs} ms:\n${output()}`));
        else setTimeout(attempt, 25);
      });
    };
    attempt();
  });
}

/** `nginx -t`, then nginx in the foreground; resolves once it accepts connections on `port`. */
export async function startNginx(dir: string, port: number): Promise<NginxProcess> {
  const test = nginxTest(dir);
  if (!test.ok) throw new Error(`nginx -t rejected the generated configuration:\n${test.output}`);
  const child = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  await waitForPort(port, child, () => out + (existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : ''));
  return {
    dir,
    logFile: join(dir, 'access.log'),
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGQUIT');
      }),
  };
}

export interface GatewayLogLine {
  client: string;
  method: string;
  target: string;
  status: string;
  operation: string;
  decision: string;
  reason: string;
  upstream: string;
}

/** Waits until the access log holds `count` lines (nginx writes each after the response). */
export function waitForLogLines(file: string, count: number, deadlineMs = 10_000): Promise<GatewayLogLine[]> {
  const read = (): GatewayLogLine[] =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as GatewayLogLine)
      : [];
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const lines = read();
      if (lines.length < count) return false;
      clearTimeout(timer);
      watcher.close();
      resolve(lines);
      return true;
    };
    const watcher = watch(join(file, '..'), () => void check());
    const timer = setTimeout(() => {
      watcher.close();
      reject(new Error(`waited ${deadlineMs} ms for ${count} access-log lines in ${file}; have ${read().length}`));
    }, deadlineMs);
    check();
  });
}

export interface Received {
  method: string;
  url: string;
}

/** A real HTTP server that answers every request 200 with what it received, and records it. */
export async function startEchoUpstream(): Promise<{ server: Server; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    received.push({ method: req.method ?? '', url: req.url ?? '' });
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'echo' });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify({ method: req.method, url: req.url }));
    });
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  return { server, port, received };
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request with the target exactly as given (no normalisation), from a chosen local address. */
export function send(port: number, method: string, target: string, headers: Record<string, string> = {}, opts: { localAddress?: string; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: target, headers, agent: false, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

export interface HarEntryLike {
  request: { method: string; url: string; headers: { name: string; value: string }[]; postData?: { text: string } };
}

/** Reads a HAR file's entries (the fields a replay needs). */
export function harEntries(file: string): HarEntryLike[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as { log: { entries: HarEntryLike[] } }).log.entries;
}

/** Sends one recorded request as recorded (target as sent, headers but Host, body) from `clientIp`. */
export function replay(port: number, entry: HarEntryLike, clientIp: string): Promise<Answer & { target: string }> {
  const target = entry.request.url.replace(/^https?:\/\/[^/]+/, '');
  const headers = Object.fromEntries(entry.request.headers.filter((h) => h.name.toLowerCase() !== 'host').map((h) => [h.name, h.value]));
  return send(port, entry.request.method, target, headers, { localAddress: clientIp, ...(entry.request.postData ? { body: entry.request.postData.text } : {}) }).then((a) => ({ ...a, target }));
}

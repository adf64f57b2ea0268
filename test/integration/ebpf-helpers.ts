// Shared by the ebpf-*.test.ts suites: the privilege gate, building the loader, a test-only
// TLS identity, child-process scripts, and an event log that tests wait on (never sleep).
import { spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { CaptureEvent, DataEvent } from '../../sensor/src/capture/events';

export const repoRoot = join(import.meta.dirname ?? __dirname, '..', '..');
export const loaderPath = join(repoRoot, 'sensor', 'bpf', 'build', 'tapline-loader');

/**
 * Why this machine cannot run the eBPF suites, or undefined when it can. Builds the loader when
 * it is missing (make -C sensor/bpf).
 */
export function ebpfUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux';
  if (process.getuid?.() !== 0) return 'needs root: eBPF programs are loaded by the real loader';
  if (!existsSync('/sys/kernel/btf/vmlinux')) return 'needs a kernel with BTF (/sys/kernel/btf/vmlinux)';
  if (!existsSync(loaderPath)) {
    const make = spawnSync('make', ['-s', '-C', join(repoRoot, 'sensor', 'bpf')], { encoding: 'utf8' });
    if (make.status !== 0) return `cannot build the loader (make -C sensor/bpf): ${(make.stderr ?? '').trim().split('\n').at(-1)}`;
  }
  return undefined;
}

/** Skips with one line outside CI; in CI (CI=true) a missing prerequisite is a failure. */
export function gate(t: TestContext): boolean {
  const why = ebpfUnavailable();
  if (!why) return true;
  if (process.env.CI === 'true') throw new Error(`eBPF suite cannot run in CI: ${why}`);
  t.skip(why);
  return false;
}

// A self-signed test-only identity (P-256, CN=localhost, IP 127.0.0.1). Not a secret.
export const TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgwUenQST9HD8wsq/q
IS22rEhvitBE4yLPVbJ/zWBl+/ahRANCAAR9l2T6zyGUgSQAGw8Vr4kaqWQYJc8b
rnxKKdY/svXY1vxcfx6K4K9+SZAy39s8a3FaIO6SOyr9cw0RIpZqqU2j
-----END PRIVATE KEY-----
`;
export const TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIUWD9tO5v/kXagEHoTSCjGHQmBIE8wCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNjAyMDQ0NloYDzIxMjYxMTAy
MDIwNDQ2WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAR9l2T6zyGUgSQAGw8Vr4kaqWQYJc8brnxKKdY/svXY1vxcfx6K4K9+
SZAy39s8a3FaIO6SOyr9cw0RIpZqqU2jo28wbTAdBgNVHQ4EFgQUPgCRKkiuDYvO
66gkCWWR8YWIri4wHwYDVR0jBBgwFoAUPgCRKkiuDYvO66gkCWWR8YWIri4wDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSQAwRgIhAOortx8HiQxCm+TN3YGCnQZMR/79p80oo3fHIzCylYE0AiEA
460YZiFDRGvDojWVauRucPdV/VhEnc40hzT7t4Ukuzo=
-----END CERTIFICATE-----
`;

export const BIG_BODY_BYTES = 1 << 20;

/** HTTP and HTTPS servers on 127.0.0.1 and HTTP on ::1; prints their ports as JSON once listening. */
export const SERVER_SCRIPT = `
const http = require('node:http'), https = require('node:https');
const big = Buffer.alloc(${BIG_BODY_BYTES}, 0x78);
function handle(req, res) {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/big') { res.setHeader('content-type', 'application/octet-stream'); res.end(big); return; }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ path: url.pathname, query: url.search, received: Buffer.concat(chunks).length }));
  });
}
const plain = http.createServer(handle);
const secure = https.createServer({ key: process.env.TLS_KEY, cert: process.env.TLS_CERT }, handle);
const v6 = http.createServer(handle);
plain.listen(0, '127.0.0.1', () => secure.listen(0, '127.0.0.1', () => v6.listen(0, '::1', () => {
  const ports = { http: plain.address().port, https: secure.address().port, v6: v6.address().port };
  process.stdout.write(JSON.stringify(ports) + '\\n');
})));
process.on('SIGTERM', () => process.exit(0));
`;

/** Requests against the servers (ports in argv), sequentially; prints "done" at the end. */
export const CLIENT_SCRIPT = `
const http = require('node:http'), https = require('node:https');
const [httpPort, httpsPort, v6Port] = process.argv.slice(1).map(Number);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function call(mod, opts, body) {
  return new Promise((resolve, reject) => {
    const req = mod.request({ host: '127.0.0.1', ...opts }, (res) => {
      let n = 0;
      res.on('data', (c) => (n += c.length));
      res.on('end', () => resolve(n));
    });
    req.on('error', reject);
    req.end(body);
  });
}
(async () => {
  await call(http, { port: httpPort, path: '/hello?x=1', agent });
  await call(http, { port: httpPort, path: '/echo', method: 'POST', agent, headers: { 'content-type': 'application/json' } }, JSON.stringify({ name: 'tapline' }));
  const n = await call(http, { port: httpPort, path: '/big', agent: false });
  await call(https, { port: httpsPort, path: '/secure?tls=1', rejectUnauthorized: false, agent: false });
  await call(http, { host: '::1', port: v6Port, path: '/v6?family=6', agent: false });
  agent.destroy();
  process.stdout.write('done ' + n + '\\n');
})().catch((e) => { console.error(e); process.exit(1); });
`;

/** Every event the source produced, with waits on what should arrive. */
export class EventLog {
  readonly events: CaptureEvent[] = [];
  private waiters: { match: (e: CaptureEvent) => boolean; resolve: (e: CaptureEvent) => void }[] = [];

  readonly push = (e: CaptureEvent): void => {
    this.events.push(e);
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(e)) return true;
      w.resolve(e);
      return false;
    });
  };

  /** Resolves with the first (past or future) event that matches. */
  waitFor<T extends CaptureEvent>(match: (e: CaptureEvent) => e is T): Promise<T>;
  waitFor(match: (e: CaptureEvent) => boolean): Promise<CaptureEvent>;
  waitFor(match: (e: CaptureEvent) => boolean): Promise<CaptureEvent> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  data(pid: number): DataEvent[] {
    return this.events.filter((e): e is DataEvent => e.kind === 'data' && e.pid === pid);
  }
}

export function text(e: DataEvent): string {
  return Buffer.from(e.data).toString('latin1');
}

export function isData(e: CaptureEvent): e is DataEvent {
  return e.kind === 'data';
}

/** Resolves with the first match of `re` in what a child prints on stdout; rejects, with its stderr's tail, if it exits first. */
export function lineFrom(proc: ChildProcess, re: RegExp): Promise<RegExpExecArray> {
  let out = '';
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = re.exec(out);
      if (m) resolve(m);
    });
    proc.once('exit', (code) => reject(new Error(`exited ${code} before printing ${re}: ${err.slice(-2000)}`)));
  });
}

/** Ends the children a test started that are still running (SIGTERM), and waits for each to exit. */
export async function stopChildren(procs: readonly ChildProcess[]): Promise<void> {
  for (const p of procs) {
    if (p.exitCode !== null || p.signalCode !== null) continue;
    p.kill('SIGTERM');
    await once(p, 'exit');
  }
}

// Least privilege, read from the kernel: the running sensor's daemon and loader, once attached,
// hold exactly the capabilities docs/sensor.md lists (CapPrm, CapEff; nothing inheritable or
// ambient), run as the unprivileged user, the loader with no_new_privs and a bounded set; capture
// still works. Then what the kept capabilities are for: after the drop, a process started later
// that maps OpenSSL from a root-only directory gets its uprobes attached.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { findUser } from '../../sensor/src/privileges';
import { startSensorProcess } from '../support/sensor-process';
import { gate, loaderPath, repoRoot } from './ebpf-helpers';

const CAP_NUMBERS: Record<string, number> = { CAP_DAC_READ_SEARCH: 2, CAP_SYS_PTRACE: 19, CAP_SYS_ADMIN: 21, CAP_PERFMON: 38, CAP_BPF: 39 };

/** The capabilities docs/sensor.md says `process` keeps, as a CapEff-style mask. */
function documented(process: 'loader' | 'daemon'): bigint {
  const doc = readFileSync(join(repoRoot, 'docs', 'sensor.md'), 'utf8');
  const row = doc.split('\n').find((l) => l.trimStart().startsWith(`| ${process} |`));
  assert.ok(row, `docs/sensor.md has a "| ${process} |" row in the privileges table`);
  const cell = row.split('|')[3] ?? '';
  let mask = 0n;
  for (const name of cell.match(/CAP_[A-Z_]+/g) ?? []) {
    const bit = CAP_NUMBERS[name];
    assert.ok(bit !== undefined, `unknown capability ${name} in docs/sensor.md`);
    mask |= 1n << BigInt(bit);
  }
  return mask;
}

function status(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

const mask = (hex: string | undefined): bigint => BigInt(`0x${hex ?? 'x'}`);

/** The first match of `re` in what a child prints on stderr, or a rejection naming what was awaited. */
function stderrMatch(proc: ChildProcess, re: RegExp, deadlineMs = 30_000): Promise<RegExpExecArray> {
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`waited ${deadlineMs} ms for ${String(re)} on the loader's stderr: ${err.slice(-1500)}`)), deadlineMs);
    proc.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = re.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the loader exited (${String(code)}) before printing ${String(re)}: ${err.slice(-1500)}`));
    });
  });
}

function childrenOf(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((tid) => readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
}

test('the running sensor keeps exactly what docs/sensor.md lists: the loader its five capabilities, the daemon none, both as nobody', { timeout: 60_000 }, async (t) => {
  if (!gate(t)) return;
  const nobody = findUser(readFileSync('/etc/passwd', 'utf8'), 'nobody');
  assert.ok(nobody, 'this machine has a nobody user');
  const dir = mkdtempSync(join(tmpdir(), 'tapline-privs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const service = createHttpServer((_req, res) => res.end('{"ok":true}'));
  service.listen(0, '127.0.0.1');
  await once(service, 'listening');
  t.after(() => service.close());
  const port = (service.address() as AddressInfo).port;
  const sensor = await startSensorProcess(join(dir, 'token'), ['--listen', '127.0.0.1:0', '--port', String(port), '--stats-interval-ms', '250']);
  t.after(() => sensor.stop());
  const daemonPid = sensor.child.pid ?? 0;
  const [loaderPid] = childrenOf(daemonPid);
  assert.ok(loaderPid, 'the daemon has a loader child');

  const loader = status(loaderPid);
  const daemon = status(daemonPid);
  assert.equal(mask(loader.CapPrm), documented('loader'), `loader CapPrm ${loader.CapPrm}`);
  assert.equal(mask(loader.CapEff), documented('loader'), `loader CapEff ${loader.CapEff}`);
  assert.equal(mask(loader.CapBnd), documented('loader'), `loader CapBnd ${loader.CapBnd}`);
  assert.equal(mask(loader.CapInh), 0n);
  assert.equal(mask(loader.CapAmb), 0n);
  assert.equal(loader.NoNewPrivs, '1');
  assert.equal(mask(daemon.CapPrm), documented('daemon'), `daemon CapPrm ${daemon.CapPrm}`);
  assert.equal(mask(daemon.CapEff), documented('daemon'), `daemon CapEff ${daemon.CapEff}`);
  assert.equal(mask(daemon.CapInh), 0n);
  assert.equal(mask(daemon.CapAmb), 0n);
  for (const [who, s] of [['loader', loader], ['daemon', daemon]] as const) {
    assert.deepEqual(s.Uid?.split(/\s+/).map(Number), [nobody.uid, nobody.uid, nobody.uid, nobody.uid], `${who} real, effective, saved and fs uid`);
    assert.deepEqual(s.Gid?.split(/\s+/).map(Number), [nobody.gid, nobody.gid, nobody.gid, nobody.gid], `${who} gids`);
    assert.equal(s.Groups, '', `${who} has no supplementary groups`);
  }

  // Still capturing without its privileges: a request to the service arrives as a transaction.
  const ws = new WebSocket(sensor.url, { headers: { Authorization: `Bearer ${sensor.token}` } });
  t.after(() => ws.close());
  let arrived = false;
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as { type: string; items?: Array<{ request: { path: string } }> };
    if (m.type === 'transactions' && m.items?.some((i) => i.request.path === '/after-drop')) arrived = true;
  });
  await once(ws, 'open');
  // Each round sends one request and waits for the next message (stats come every 250 ms).
  for (const giveUp = Date.now() + 20_000; !arrived; ) {
    assert.ok(Date.now() < giveUp, 'waited 20 s for GET /after-drop to arrive as a transaction from the dropped sensor');
    await (await fetch(`http://127.0.0.1:${port}/after-drop`)).text();
    await once(ws, 'message');
  }
});

test('after the drop, a process started later that maps OpenSSL from a root-only directory still gets its uprobes', { timeout: 60_000 }, async (t) => {
  if (!gate(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'tapline-privs-ssl-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o700); // root-only: nobody can open the library without CAP_DAC_READ_SEARCH
  const lib = join(dir, 'libssl.so.3');
  copyFileSync('/usr/lib/x86_64-linux-gnu/libssl.so.3', lib);
  const nobody = findUser(readFileSync('/etc/passwd', 'utf8'), 'nobody');
  assert.ok(nobody);
  // A TLS peer that never answers keeps curl alive, with the copy mapped, until the test ends.
  const held: Socket[] = [];
  const silent = createNetServer((s) => held.push(s.on('error', () => undefined)));
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  t.after(() => {
    for (const s of held) s.destroy();
    silent.close();
  });
  const loader = spawn(loaderPath, ['--port', '9', '--rescan-ms', '100', '--verbose', '--drop-to', `${nobody.uid}:${nobody.gid}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  t.after(() => loader.kill('SIGTERM'));
  await stderrMatch(loader, /privileges dropped: capabilities 0x([0-9a-f]+) kept, uid switched/);
  assert.equal(mask(status(loader.pid ?? 0).CapEff), documented('loader'));
  const curl: ChildProcess = spawn('curl', ['-sk', '--max-time', '30', `https://127.0.0.1:${(silent.address() as AddressInfo).port}/`], { stdio: 'ignore', env: { ...process.env, LD_LIBRARY_PATH: dir } });
  t.after(() => curl.kill('SIGKILL'));
  const attached = await stderrMatch(loader, new RegExp(`OpenSSL uprobes on (/proc/${String(curl.pid)}/root)?${lib.replace(/[.]/g, '\\.')} \\((\\d+) probes\\)`));
  assert.ok(Number(attached[2]) >= 4, attached[0]);
});

// Pod attribution end to end on this kernel: a real HTTP server placed in a real cgroup of the
// kubelet's systemd layout (containerd id) is captured by the real eBPF loader, and the sensor's
// pipeline stamps its transactions with the pod (from a recorded PodList: no API server here)
// and groups them under `<workload>.<namespace>`; a server outside kubepods gets no `k8s`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Transaction } from '../../core/src/protocol/transaction';
import { Redactor } from '../../core/src/redaction/redactor';
import { PodAttributor } from '../../sensor/src/k8s/attributor';
import { parsePodList } from '../../sensor/src/k8s/pod-index';
import { createLiveSource } from '../../sensor/src/live-source';
import { Pipeline } from '../../sensor/src/pipeline/pipeline';
import { gate } from './ebpf-helpers';

const PODS = parsePodList(JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'k8s', 'pods-kind-worker.json'), 'utf8'))).pods;
const PETS_UID = '6f1e2c3a-9b8d-4e7f-a1b2-c3d4e5f60718';
const API_ID = `${'1'.repeat(8)}${'a'.repeat(56)}`;
const SERVER = `
const http = require('node:http');
const s = http.createServer((req, res) => { res.setHeader('content-type', 'application/json'); res.end('{"ok":true}'); });
s.listen(0, '127.0.0.1', () => process.stdout.write(String(s.address().port) + '\\n'));
process.on('SIGTERM', () => process.exit(0));
`;

async function startServer(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { child, port: Number(chunk.toString().trim()) };
}

function call(port: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    }).on('error', reject);
  });
}

test('a server in a kubepods cgroup, captured with eBPF, carries its pod', { timeout: 60_000 }, async (t) => {
  if (!gate(t)) return;
  const mountPoint = mkdtempSync(join(tmpdir(), 'tapline-cg-'));
  execFileSync('mount', ['-t', 'cgroup2', 'cgroup2', mountPoint]);
  const parts = [`tapline${process.pid}e`, 'kubepods.slice', 'kubepods-burstable.slice', `kubepods-burstable-pod${PETS_UID.replaceAll('-', '_')}.slice`, `cri-containerd-${API_ID}.scope`];
  const dirs: string[] = [];
  const servers: ChildProcess[] = [];
  let stopCapture: (() => Promise<void> | void) | undefined;
  try {
    let dir = mountPoint;
    for (const part of parts) {
      dir = join(dir, part);
      mkdirSync(dir);
      dirs.push(dir);
    }
    const inPod = await startServer();
    const onHost = await startServer();
    servers.push(inPod.child, onHost.child);
    writeFileSync(join(dir, 'cgroup.procs'), String(inPod.child.pid));

    const attributor = new PodAttributor({ listPods: () => Promise.resolve(PODS) });
    await attributor.refresh(true);
    const seen: Transaction[] = [];
    let notify: (() => void) | undefined;
    const pipeline = new Pipeline({
      maxBody: 4096,
      redactor: new Redactor({}),
      idPrefix: 'k8s-test',
      selfPid: process.pid,
      filters: { pids: [inPod.child.pid!, onHost.child.pid!] },
      attribute: (pid) => attributor.serving(pid),
      onTransaction: (tx) => {
        seen.push(tx);
        notify?.();
      },
    });
    const source = createLiveSource({ pids: [inPod.child.pid!, onHost.child.pid!], comms: [], ports: [], maxBody: 4096, excludePids: [process.pid] });
    await source.start(
      (e) => pipeline.push(e),
      (e) => assert.fail(`capture failed: ${e.message}`),
    );
    stopCapture = () => source.stop();

    await call(inPod.port, '/pets/1');
    await call(onHost.port, '/health');
    const both = (): boolean => seen.some((x) => x.request.path === '/pets/1') && seen.some((x) => x.request.path === '/health');
    if (!both()) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for both transactions; saw ${seen.map((x) => x.request.path).join(', ')}`)), 20_000);
        notify = () => {
          if (!both()) return;
          clearTimeout(timer);
          resolve();
        };
      });
    }
    const pets = seen.find((x) => x.request.path === '/pets/1')!;
    assert.deepEqual(pets.k8s, { namespace: 'shop', pod: 'pets-7c9d8b6f5d-x2k4q', container: 'api', workload: { kind: 'Deployment', name: 'pets' } });
    assert.equal(pets.service, 'pets.shop');
    assert.equal(pets.server.pid, inPod.child.pid);
    const health = seen.find((x) => x.request.path === '/health')!;
    assert.equal(health.k8s, undefined, 'outside kubepods nothing changes');
    assert.equal(health.service, `127.0.0.1:${onHost.port}`);
  } finally {
    await stopCapture?.();
    for (const s of servers) {
      if (s.exitCode !== null) continue;
      const exited = once(s, 'exit');
      s.kill('SIGTERM');
      await exited;
    }
    for (const d of dirs.reverse()) rmdirSync(d);
    execFileSync('umount', [mountPoint]);
    rmdirSync(mountPoint);
  }
});

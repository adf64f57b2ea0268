// Pod attribution against real cgroups: the test makes kubelet's four layouts (cgroup v2 and v1 ×
// the systemd and cgroupfs drivers, with containerd, CRI-O and Docker ids), places a real process
// in each, and the attributor reads the kernel's /proc/PID/cgroup for it. The pods come from a
// recorded PodList (no API server can run here).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PodAttributor } from '../../sensor/src/k8s/attributor';
import { parsePodList } from '../../sensor/src/k8s/pod-index';

const PODS = parsePodList(JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'k8s', 'pods-kind-worker.json'), 'utf8'))).pods;

function unavailable(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux (cgroups)';
  if (process.getuid?.() !== 0) return 'needs root: the test mounts cgroup hierarchies';
  return undefined;
}

function gate(t: TestContext): boolean {
  const why = unavailable();
  if (!why) return true;
  if (process.env.CI === 'true') throw new Error(`cgroup suite cannot run in CI: ${why}`);
  t.skip(why);
  return false;
}

/** A real process that stays until its stdin closes. */
async function parkedProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'process.stdin.resume(); process.stdin.on("end", () => process.exit(0)); process.stdout.write("up\\n")'], { stdio: ['pipe', 'pipe', 'inherit'] });
  await once(child.stdout!, 'data');
  return child;
}

interface Layout {
  name: string;
  /** `mount -t TYPE -o OPTIONS`. */
  type: 'cgroup2' | 'cgroup';
  options: string;
  path: string;
  expect: { namespace: string; pod: string; container?: string; workload: { kind: string; name: string } };
}

const PETS = '6f1e2c3a-9b8d-4e7f-a1b2-c3d4e5f60718';
const ORDERS = '7a2b3c4d-5e6f-4a1b-9c2d-3e4f5a6b7c8d';
const DEBUG = '8b3c4d5e-6f7a-4b2c-8d3e-4f5a6b7c8d9e';
const u = (uid: string): string => uid.replaceAll('-', '_');
const tag = `tapline${process.pid}`;

const LAYOUTS: Layout[] = [
  {
    name: 'v2 + systemd + containerd',
    type: 'cgroup2',
    options: 'rw',
    path: `${tag}/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${u(PETS)}.slice/cri-containerd-${'1'.repeat(8)}${'a'.repeat(56)}.scope`,
    expect: { namespace: 'shop', pod: 'pets-7c9d8b6f5d-x2k4q', container: 'api', workload: { kind: 'Deployment', name: 'pets' } },
  },
  {
    name: 'v2 + cgroupfs + CRI-O',
    type: 'cgroup2',
    options: 'rw',
    path: `${tag}/kubepods/besteffort/pod${ORDERS}/crio-${'3'.repeat(8)}${'c'.repeat(56)}`,
    expect: { namespace: 'shop', pod: 'orders-0', container: 'orders', workload: { kind: 'StatefulSet', name: 'orders' } },
  },
  {
    name: 'v1 + cgroupfs + Docker (bare id)',
    type: 'cgroup',
    options: `none,name=${tag}a`,
    path: `kubepods/pod${DEBUG}/${'4'.repeat(8)}${'d'.repeat(56)}`,
    expect: { namespace: 'default', pod: 'debug', container: 'debug', workload: { kind: 'Pod', name: 'debug' } },
  },
  {
    name: 'v1 + systemd + Docker',
    type: 'cgroup',
    options: `none,name=${tag}b`,
    path: `kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${u(PETS)}.slice/docker-${'2'.repeat(8)}${'b'.repeat(56)}.scope`,
    expect: { namespace: 'shop', pod: 'pets-7c9d8b6f5d-x2k4q', container: 'envoy', workload: { kind: 'Deployment', name: 'pets' } },
  },
];

for (const layout of LAYOUTS) {
  test(`attribution from a real cgroup: ${layout.name}`, async (t) => {
    if (!gate(t)) return;
    const mountPoint = mkdtempSync(join(tmpdir(), 'tapline-cg-'));
    execFileSync('mount', ['-t', layout.type, '-o', layout.options, layout.type, mountPoint]);
    const dirs: string[] = [];
    let child: ChildProcess | undefined;
    try {
      let dir = mountPoint;
      for (const part of layout.path.split('/')) {
        dir = join(dir, part);
        mkdirSync(dir);
        dirs.push(dir);
      }
      child = await parkedProcess();
      const pid = child.pid!;
      writeFileSync(join(dir, 'cgroup.procs'), String(pid));
      const text = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
      assert.match(text, new RegExp(layout.path.split('/').at(-1)!.replace('.', '\\.')), 'the kernel reports the process in the test cgroup');

      let lists = 0;
      const attributor = new PodAttributor({ listPods: () => Promise.resolve((lists++, PODS)) });
      // The first sight of an unknown pod starts a list; the next transaction carries the pod.
      assert.equal(attributor.attribute(pid), undefined);
      await attributor.refresh();
      assert.deepEqual(attributor.attribute(pid), layout.expect);
      assert.equal(attributor.serving(pid)?.service, `${layout.expect.workload.name}.${layout.expect.namespace}`);
      assert.equal(lists, 1, 'a known pod needs no new list');
      assert.equal(attributor.attribute(process.pid), undefined, 'a process outside kubepods has no pod');
    } finally {
      if (child) {
        // Back to the hierarchy's root before the cgroups go away.
        writeFileSync(join(mountPoint, 'cgroup.procs'), String(child.pid));
        child.stdin?.end();
        if (child.exitCode === null) await once(child, 'exit');
      }
      for (const d of dirs.reverse()) rmdirSync(d);
      execFileSync('umount', [mountPoint]);
      rmdirSync(mountPoint);
    }
  });
}

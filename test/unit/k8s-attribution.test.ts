// Pod attribution's pure parts: kubelet's cgroup paths (v1 and v2, cgroupfs and systemd, the
// runtimes' id formats) and the API's PodList answer (a recorded fixture shaped as the API
// reference documents it) to the `k8s` a transaction carries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cgroupIds } from '../../sensor/src/k8s/cgroup-ids';
import { PodIndex, PodListError, parsePodList } from '../../sensor/src/k8s/pod-index';
import { nodePodsPath } from '../../sensor/src/k8s/api-client';
import { validateTransaction } from '../../core/src/protocol/validate-transaction';

const FIXTURES = join(__dirname, '..', 'fixtures', 'k8s');
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
const UID = '6f1e2c3a-9b8d-4e7f-a1b2-c3d4e5f60718';
const UID_ = UID.replaceAll('-', '_');
const ID = '1'.repeat(8) + 'a'.repeat(56);

test('cgroup v2, systemd driver, containerd', () => {
  const text = `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice/cri-containerd-${ID}.scope\n`;
  assert.deepEqual(cgroupIds(text), { podUid: UID, containerId: ID, runtime: 'containerd', qos: 'burstable' });
});

test('cgroup v2, cgroupfs driver, guaranteed pod, bare id', () => {
  assert.deepEqual(cgroupIds(`0::/kubepods/pod${UID}/${ID}\n`), { podUid: UID, containerId: ID, runtime: 'unknown', qos: 'guaranteed' });
});

test('cgroup v1, CRI-O and Docker, either driver; the first line naming a container wins', () => {
  const v1 = [
    '12:pids:/',
    `11:memory:/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${UID_}.slice/crio-${ID}.scope`,
    `10:cpu,cpuacct:/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${UID_}.slice/crio-${ID}.scope`,
    '0::/',
  ].join('\n');
  assert.deepEqual(cgroupIds(v1), { podUid: UID, containerId: ID, runtime: 'cri-o', qos: 'besteffort' });
  assert.equal(cgroupIds(`4:memory:/kubepods/burstable/pod${UID}/docker-${ID}.scope`)?.runtime, 'docker');
});

test('paths relative to a cgroup namespace, the pod sandbox and conmon, and non-Kubernetes cgroups', () => {
  assert.equal(cgroupIds(`0::/../../kubepods-pod${UID_}.slice/cri-containerd-${ID}.scope`)?.containerId, ID);
  assert.deepEqual(cgroupIds(`0::/kubepods.slice/kubepods-pod${UID_}.slice/crio-conmon-${ID}.scope`), { podUid: UID, runtime: 'unknown', qos: 'guaranteed' });
  assert.deepEqual(cgroupIds(`0::/kubepods/besteffort/pod${UID}`), { podUid: UID, runtime: 'unknown', qos: 'besteffort' });
  for (const outside of ['0::/user.slice/user-1000.slice/session-2.scope', `0::/system.slice/docker-${ID}.scope`, `4:memory:/docker/${ID}`, '0::/', '', 'garbage'])
    assert.equal(cgroupIds(outside), undefined, outside);
  // A pod UID must look like one: a path that merely mentions "pod" is not a pod.
  assert.equal(cgroupIds('0::/kubepods/burstable/podnotauid/x'), undefined);
});

test('a PodList names namespace, pod, container and the owning workload', () => {
  const { pods, resourceVersion } = parsePodList(fixture('pods-kind-worker.json'));
  assert.equal(resourceVersion, '48300');
  const index = new PodIndex();
  index.replace(pods);
  assert.equal(index.size, 4);
  const ref = index.ref(UID, ID);
  assert.deepEqual(ref, { namespace: 'shop', pod: 'pets-7c9d8b6f5d-x2k4q', container: 'api', workload: { kind: 'Deployment', name: 'pets' } });
  assert.equal(index.ref(UID, '2'.repeat(8) + 'b'.repeat(56))?.container, 'envoy');
  assert.deepEqual(index.ref('7a2b3c4d-5e6f-4a1b-9c2d-3e4f5a6b7c8d', '3'.repeat(8) + 'c'.repeat(56))?.workload, { kind: 'StatefulSet', name: 'orders' });
  assert.deepEqual(index.ref('8b3c4d5e-6f7a-4b2c-8d3e-4f5a6b7c8d9e', undefined), { namespace: 'default', pod: 'debug', workload: { kind: 'Pod', name: 'debug' } });
  assert.equal(index.pod(UID)?.labels.app, 'pets');
  assert.equal(index.ref('00000000-0000-4000-8000-000000000000', ID), undefined);
  // What a transaction carries passes the protocol's validator.
  const tx = { id: 'a', startedAt: 0, durationMs: 0, origin: 'ebpf', service: 'pets.shop', client: { address: '10.0.0.1', port: 1 }, server: { address: '10.0.0.2', port: 80 }, tls: false, httpVersion: '1.1', request: { method: 'GET', target: '/', path: '/', query: '', queryParams: [], headers: [] }, redactions: [], k8s: ref };
  assert.equal(validateTransaction(tx).ok, true);
  assert.equal(validateTransaction({ ...tx, k8s: { namespace: 'Shop<script>', pod: 'x' } }).ok, false);
  assert.equal(validateTransaction({ ...tx, k8s: { namespace: 'shop', pod: 'x', workload: { kind: 'a b', name: 'x' } } }).ok, false);
});

test('an answer that is not a PodList is a clear error; a pod without uid is skipped', () => {
  assert.throws(() => parsePodList(fixture('status-forbidden-pods.json')), (e: unknown) => e instanceof PodListError && /cannot list resource "pods"/.test(e.message));
  assert.throws(() => parsePodList([]), PodListError);
  assert.throws(() => parsePodList({ kind: 'ConfigMap' }), /expected a PodList, got ConfigMap/);
  assert.equal(parsePodList({ kind: 'PodList', items: [{ metadata: { name: 'x', namespace: 'y' } }, 7] }).pods.length, 0);
});

test('the pods request is node-scoped through the spec.nodeName field selector', () => {
  assert.equal(nodePodsPath('kind-worker'), '/api/v1/pods?fieldSelector=spec.nodeName%3Dkind-worker');
});

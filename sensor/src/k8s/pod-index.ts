// The pods of this node as the API answers `GET /api/v1/pods?fieldSelector=spec.nodeName=NODE`
// (a v1 PodList), indexed by pod UID and container id. Only the fields attribution needs are
// read; a pod the answer describes badly is skipped, never guessed at.
import { isRecord, type JsonRecord } from '../../../core/src/json-record';
import type { KubernetesRef, KubernetesWorkload } from '../../../core/src/protocol/transaction';

export interface PodInfo {
  uid: string;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  workload: KubernetesWorkload;
  /** Container id (64 hex, runtime prefix removed) → container name. */
  containers: Map<string, string>;
}

export class PodListError extends Error {}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function labelsOf(meta: JsonRecord): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(meta.labels)) return out;
  for (const [k, v] of Object.entries(meta.labels)) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * The top owner a user thinks in. A ReplicaSet made by a Deployment is named
 * `<deployment>-<pod-template-hash>` and its pods carry that hash as a label, so the Deployment
 * is known without reading ReplicaSets (which the sensor's RBAC does not grant).
 */
export function workloadOf(meta: JsonRecord, labels: Record<string, string>, podName: string): KubernetesWorkload {
  const owners = Array.isArray(meta.ownerReferences) ? meta.ownerReferences.filter(isRecord) : [];
  const controller = owners.find((o) => o.controller === true) ?? owners[0];
  const kind = str(controller?.kind);
  const name = str(controller?.name);
  if (!kind || !name) return { kind: 'Pod', name: podName };
  const hash = labels['pod-template-hash'];
  if (kind === 'ReplicaSet' && hash && name.endsWith(`-${hash}`)) return { kind: 'Deployment', name: name.slice(0, -hash.length - 1) };
  return { kind, name };
}

/** `containerd://<id>`, `cri-o://<id>`, `docker://<id>` → the id. */
export function bareContainerId(containerID: string): string | undefined {
  const m = /^[a-z-]+:\/\/([0-9a-f]{64})$/.exec(containerID);
  return m?.[1];
}

function containersOf(status: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!isRecord(status)) return out;
  for (const key of ['initContainerStatuses', 'containerStatuses', 'ephemeralContainerStatuses']) {
    const list = status[key];
    if (!Array.isArray(list)) continue;
    for (const s of list) {
      if (!isRecord(s)) continue;
      const name = str(s.name);
      const id = str(s.containerID);
      const bare = id === undefined ? undefined : bareContainerId(id);
      if (name && bare) out.set(bare, name);
    }
  }
  return out;
}

export function podInfoOf(item: unknown): PodInfo | undefined {
  if (!isRecord(item) || !isRecord(item.metadata)) return undefined;
  const meta = item.metadata;
  const uid = str(meta.uid);
  const namespace = str(meta.namespace);
  const name = str(meta.name);
  if (!uid || !namespace || !name) return undefined;
  const labels = labelsOf(meta);
  return { uid, namespace, name, labels, workload: workloadOf(meta, labels, name), containers: containersOf(item.status) };
}

/** A PodList's items; throws PodListError when the answer is not a PodList (a Status, say). */
export function parsePodList(value: unknown): { pods: PodInfo[]; resourceVersion?: string } {
  if (!isRecord(value)) throw new PodListError('the pods answer is not a JSON object');
  if (value.kind === 'Status') throw new PodListError(`the API refused the pods list: ${str(value.message) ?? str(value.reason) ?? 'no message'}`);
  if (value.kind !== 'PodList' || !Array.isArray(value.items)) throw new PodListError(`expected a PodList, got ${str(value.kind) ?? 'no kind'}`);
  const pods = value.items.map(podInfoOf).filter((p): p is PodInfo => p !== undefined);
  const rv = isRecord(value.metadata) ? str(value.metadata.resourceVersion) : undefined;
  return rv === undefined ? { pods } : { pods, resourceVersion: rv };
}

export class PodIndex {
  private byUid = new Map<string, PodInfo>();

  replace(pods: readonly PodInfo[]): void {
    this.byUid = new Map(pods.map((p) => [p.uid, p]));
  }

  /** A watch event: the pod as it is now (added, or modified: containers started, labels changed). */
  upsert(pod: PodInfo): void {
    this.byUid.set(pod.uid, pod);
  }

  delete(uid: string): void {
    this.byUid.delete(uid);
  }

  get size(): number {
    return this.byUid.size;
  }

  pod(uid: string): PodInfo | undefined {
    return this.byUid.get(uid);
  }

  /** What a transaction carries for this pod and container. */
  ref(uid: string, containerId: string | undefined): KubernetesRef | undefined {
    const pod = this.byUid.get(uid);
    if (!pod) return undefined;
    const container = containerId === undefined ? undefined : pod.containers.get(containerId);
    return { namespace: pod.namespace, pod: pod.name, ...(container ? { container } : {}), workload: pod.workload };
  }
}

// Which pod and container a process belongs to, from the text of its /proc/PID/cgroup. kubelet
// names a pod's cgroup after the pod UID and the runtime names the container's after its id, in
// four layouts (cgroup v1 or v2 × the cgroupfs or systemd driver); the runtimes add their own
// prefixes (containerd `cri-containerd-`, CRI-O `crio-`, Docker `docker-`). Paths may be relative
// to the reader's cgroup namespace (`/../../kubepods…`), which changes nothing here.

export type ContainerRuntime = 'containerd' | 'cri-o' | 'docker' | 'unknown';

export interface CgroupIds {
  /** The pod UID with dashes, as in metadata.uid. */
  podUid: string;
  /** 64 hex digits, as in status.containerStatuses[].containerID after its `runtime://`. */
  containerId?: string;
  runtime: ContainerRuntime;
  /** QoS class from the path (guaranteed pods have no level of their own). */
  qos: 'guaranteed' | 'burstable' | 'besteffort';
}

// cgroupfs: /kubepods/[burstable|besteffort/]pod<uid>/<prefix?><id>
// systemd:  /kubepods.slice/[kubepods-<qos>.slice/]kubepods-[<qos>-]pod<uid_with_underscores>.slice/<prefix><id>.scope
const POD_CGROUPFS = /\/kubepods(?:\/(burstable|besteffort))?\/pod([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\/([^/\s]+))?/;
const POD_SYSTEMD = /\/kubepods(?:-(burstable|besteffort))?-pod([0-9a-f]{8}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{12})\.slice(?:\/([^/\s]+))?/;
const CONTAINER = /^(cri-containerd-|crio-|docker-)?([0-9a-f]{64})(?:\.scope)?$/;

function runtimeOf(prefix: string | undefined): ContainerRuntime {
  if (prefix === 'cri-containerd-') return 'containerd';
  if (prefix === 'crio-') return 'cri-o';
  if (prefix === 'docker-') return 'docker';
  return 'unknown'; // cgroupfs driver: containerd and Docker both use the bare id
}

function fromPath(path: string): CgroupIds | undefined {
  const fs = POD_CGROUPFS.exec(path);
  const sd = fs ? undefined : POD_SYSTEMD.exec(path);
  const m = fs ?? sd;
  if (!m?.[2]) return undefined;
  const podUid = sd ? m[2].replaceAll('_', '-') : m[2];
  const qos = m[1] === 'burstable' || m[1] === 'besteffort' ? m[1] : 'guaranteed';
  const leaf = m[3] === undefined ? undefined : CONTAINER.exec(m[3]);
  // A pod's own cgroup (the pause sandbox or conmon: `crio-conmon-<id>.scope`) names no container.
  if (!leaf?.[2]) return { podUid, runtime: 'unknown', qos };
  return { podUid, containerId: leaf[2], runtime: runtimeOf(leaf[1]), qos };
}

/**
 * The pod and container named by a /proc/PID/cgroup text (lines `hierarchy-id:controllers:path`),
 * or undefined outside Kubernetes. v2's single line and v1's many agree; the first line naming a
 * container wins over one naming only the pod.
 */
export function cgroupIds(text: string): CgroupIds | undefined {
  let podOnly: CgroupIds | undefined;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':', line.indexOf(':') + 1);
    if (colon < 0) continue;
    const ids = fromPath(line.slice(colon + 1));
    if (ids?.containerId) return ids;
    podOnly ??= ids;
  }
  return podOnly;
}

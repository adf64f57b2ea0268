// pid → pod: the process's cgroup names the pod UID and container id (cgroup-ids.ts), the
// node's pods name the rest (pod-index.ts). Synchronous for the pipeline. In the sensor the index
// is kept current by the pods watch (pod-watch.ts, start.ts); given `listPods` instead, a pod not
// yet known starts a list (at most one per refreshMs) and its first transactions leave without
// `k8s`. Outside Kubernetes the attributor is never made and nothing changes.
import { readFileSync } from 'node:fs';
import type { KubernetesRef } from '../../../core/src/protocol/transaction';
import { cgroupIds, type CgroupIds } from './cgroup-ids';
import { PodIndex, type PodInfo } from './pod-index';

export interface PodAttributorOptions {
  /** This node's pods, listed when an unknown pod shows (absent: a watch keeps `index` current); rejects with a sentence to log. */
  listPods?: () => Promise<PodInfo[]>;
  procRoot?: string;
  refreshMs?: number;
  maxCachedPids?: number;
  now?: () => number;
  onLog?: (message: string) => void;
}

export class PodAttributor {
  readonly index = new PodIndex();
  private readonly pids = new Map<number, CgroupIds | null>();
  private lastRefresh = -Infinity;
  private refreshing: Promise<void> | undefined;
  private lastError = '';

  constructor(private readonly opts: PodAttributorOptions) {}

  /** The pod of a process, when its cgroup names one this node runs. */
  attribute(pid: number): KubernetesRef | undefined {
    const ids = this.idsOf(pid);
    if (!ids) return undefined;
    const ref = this.index.ref(ids.podUid, ids.containerId);
    if (!ref && this.opts.listPods) void this.refresh();
    return ref;
  }

  /**
   * What the pipeline stamps on a transaction served by this pid: the pod, and the service name
   * the inventory groups by — `<workload>.<namespace>`, so that every replica of a Deployment and
   * every way of reaching it (pod IP, Service, port-forward) lands under one name.
   */
  serving(pid: number): { ref: KubernetesRef; service: string } | undefined {
    const ref = this.attribute(pid);
    if (!ref) return undefined;
    return { ref, service: `${ref.workload?.name ?? ref.pod}.${ref.namespace}` };
  }

  /** Lists the pods again unless that was done less than refreshMs ago; resolves when done. */
  refresh(force = false): Promise<void> {
    const now = (this.opts.now ?? Date.now)();
    const listPods = this.opts.listPods;
    if (!listPods) return Promise.resolve();
    if (this.refreshing) return this.refreshing;
    if (!force && now - this.lastRefresh < (this.opts.refreshMs ?? 2000)) return Promise.resolve();
    this.lastRefresh = now;
    this.refreshing = listPods()
      .then((pods) => {
        this.index.replace(pods);
        this.lastError = '';
      })
      .catch((e: unknown) => {
        const message = e instanceof Error ? e.message : String(e);
        if (message !== this.lastError) this.opts.onLog?.(`pod attribution: ${message}`);
        this.lastError = message;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  private idsOf(pid: number): CgroupIds | undefined {
    const cached = this.pids.get(pid);
    if (cached !== undefined) return cached ?? undefined;
    let ids: CgroupIds | null = null;
    try {
      ids = cgroupIds(readFileSync(`${this.opts.procRoot ?? '/proc'}/${pid}/cgroup`, 'utf8')) ?? null;
    } catch {
      ids = null; // gone, or not ours to read
    }
    if (this.pids.size >= (this.opts.maxCachedPids ?? 4096)) {
      const oldest = this.pids.keys().next();
      if (!oldest.done) this.pids.delete(oldest.value);
    }
    this.pids.set(pid, ids);
    return ids ?? undefined;
  }
}

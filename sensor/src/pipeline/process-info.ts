// Who a pid is: its container (from /proc/PID/cgroup, when it runs in one). Read once per pid
// and cached; processes come and go, so the cache is bounded.
import { readFileSync } from 'node:fs';

const CONTAINER_ID = /(?:docker-|cri-containerd-|crio-|libpod-|containerd-|\/docker\/|\/kubepods[^\n]*?[/-])([0-9a-f]{64})(?:\.scope)?/;
const BARE_ID = /\b([0-9a-f]{64})\b/;

/** The container id in a /proc/PID/cgroup file's text, when it names one. */
export function containerIdFromCgroup(text: string): string | undefined {
  for (const line of text.split('\n')) {
    const m = CONTAINER_ID.exec(line) ?? BARE_ID.exec(line);
    if (m?.[1]) return m[1];
  }
  return undefined;
}

export class ProcessInfo {
  private readonly cache = new Map<number, string | null>();

  constructor(
    private readonly procRoot = '/proc',
    private readonly maxEntries = 4096,
  ) {}

  containerId(pid: number): string | undefined {
    const cached = this.cache.get(pid);
    if (cached !== undefined) return cached ?? undefined;
    let id: string | null = null;
    try {
      id = containerIdFromCgroup(readFileSync(`${this.procRoot}/${pid}/cgroup`, 'utf8')) ?? null;
    } catch {
      id = null; // the process is gone or not ours to read; it has no container we can name
    }
    if (this.cache.size >= this.maxEntries) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(pid, id);
    return id ?? undefined;
  }
}

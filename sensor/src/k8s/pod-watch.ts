// Keeps the node's pod index current the way Kubernetes clients do (list, then watch from the
// list's resourceVersion): ADDED and MODIFIED replace a pod, DELETED drops it, BOOKMARK moves the
// resourceVersion on; a watch the API server ends is resumed from the last resourceVersion; a
// resourceVersion the server no longer has (410 Gone, as an HTTP status or an ERROR event) makes
// it list again. Failures back off (capped) and are logged once per distinct message. No polling:
// a pod that starts on the node is known when its container ids appear (a MODIFIED event).
import { isRecord } from '../../../core/src/json-record';
import { PodListError, podInfoOf, type PodIndex, type PodInfo } from './pod-index';

/** The resourceVersion is too old for the API server: list again. */
export class WatchGone extends Error {}

export interface PodWatchTransport {
  list(): Promise<{ pods: PodInfo[]; resourceVersion?: string }>;
  /** Streams events until the server ends the watch (resolves) or `signal` aborts it. */
  watch(resourceVersion: string, onEvent: (event: unknown) => void, signal: AbortSignal): Promise<void>;
}

export interface PodWatchOptions {
  backoff?: { baseMs: number; maxMs: number };
  log?: (message: string) => void;
  /** A watch that ended sooner than this after it started counts as a failure (backs off). */
  minHealthyMs?: number;
}

export interface PodWatchStats {
  lists: number;
  watches: number;
  events: number;
  resourceVersion: string | undefined;
}

type Applied = { kind: 'ok'; resourceVersion?: string } | { kind: 'gone' } | { kind: 'error'; message: string };

/** One watch event applied to the index. */
export function applyWatchEvent(index: PodIndex, event: unknown): Applied {
  if (!isRecord(event) || !isRecord(event.object)) return { kind: 'ok' };
  const { type, object } = event;
  if (type === 'ERROR') {
    // The API server's Status: 410 (reason Expired or Gone) means the resourceVersion is compacted away.
    if (object.code === 410) return { kind: 'gone' };
    return { kind: 'error', message: `the pods watch failed: ${typeof object.message === 'string' ? object.message : 'no message'}` };
  }
  const meta = isRecord(object.metadata) ? object.metadata : {};
  const resourceVersion = typeof meta.resourceVersion === 'string' && meta.resourceVersion.length > 0 ? meta.resourceVersion : undefined;
  const version = resourceVersion === undefined ? {} : { resourceVersion };
  if (type === 'BOOKMARK') return { kind: 'ok', ...version };
  const pod = podInfoOf(object);
  if (!pod) return { kind: 'ok', ...version };
  if (type === 'DELETED') index.delete(pod.uid);
  else if (type === 'ADDED' || type === 'MODIFIED') index.upsert(pod);
  return { kind: 'ok', ...version };
}

export class PodWatch {
  private stopped = false;
  private abort: AbortController | undefined;
  private wake: (() => void) | undefined;
  private lastLogged = '';
  private running: Promise<void> | undefined;
  readonly stats: PodWatchStats = { lists: 0, watches: 0, events: 0, resourceVersion: undefined };

  constructor(
    private readonly index: PodIndex,
    private readonly transport: PodWatchTransport,
    private readonly opts: PodWatchOptions = {},
  ) {}

  /** Starts listing and watching; `listed` resolves after the first list (or its failure). */
  start(listed?: () => void): void {
    this.running ??= this.loop(listed);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort?.abort();
    this.wake?.();
    await this.running;
  }

  private async loop(listed?: () => void): Promise<void> {
    let resourceVersion: string | undefined;
    let failures = 0;
    while (!this.stopped) {
      try {
        if (resourceVersion === undefined) {
          const answer = await this.transport.list().finally(() => listed?.());
          listed = undefined;
          this.index.replace(answer.pods);
          this.stats.lists++;
          // A list without a resourceVersion (never from a real API server) can only be watched from "now".
          resourceVersion = answer.resourceVersion ?? '';
          this.stats.resourceVersion = resourceVersion;
          this.lastLogged = '';
        }
        const began = Date.now();
        const outcome = await this.watchOnce(resourceVersion, (rv) => {
          resourceVersion = rv;
          this.stats.resourceVersion = rv;
        });
        if (outcome.kind === 'gone') {
          this.note('pod attribution: the watch\'s resourceVersion expired (410 Gone); listing again');
          resourceVersion = undefined;
          continue;
        }
        if (outcome.kind === 'error') throw new PodListError(outcome.message);
        // The server ended the watch (its timeout): resume at once from where it left off, unless it ends them straight away.
        failures = Date.now() - began < (this.opts.minHealthyMs ?? 1000) ? failures + 1 : 0;
      } catch (e) {
        if (e instanceof WatchGone) {
          this.note(`pod attribution: ${e.message}; listing again`);
          resourceVersion = undefined;
          continue;
        }
        this.note(`pod attribution: ${e instanceof Error ? e.message : String(e)}`);
        failures++;
      }
      if (failures > 0) await this.pause(failures);
    }
  }

  private async watchOnce(resourceVersion: string, moved: (rv: string) => void): Promise<Applied> {
    const abort = new AbortController();
    this.abort = abort;
    let outcome: Applied = { kind: 'ok' };
    this.stats.watches++;
    await this.transport.watch(
      resourceVersion,
      (event) => {
        if (outcome.kind !== 'ok') return;
        this.stats.events++;
        const applied = applyWatchEvent(this.index, event);
        if (applied.kind === 'ok') {
          if (applied.resourceVersion !== undefined) moved(applied.resourceVersion);
        } else {
          outcome = applied;
          abort.abort();
        }
      },
      abort.signal,
    );
    return outcome;
  }

  private note(message: string): void {
    if (message !== this.lastLogged) this.opts.log?.(message);
    this.lastLogged = message;
  }

  private pause(failures: number): Promise<void> {
    // stop() may have run while a list or watch was failing: then there is nothing to wait for.
    if (this.stopped) return Promise.resolve();
    const { baseMs, maxMs } = this.opts.backoff ?? { baseMs: 500, maxMs: 30_000 };
    const ms = Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 16));
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

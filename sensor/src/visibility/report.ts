// The visibility report: per traced process, what the sensor sees of its traffic. Fed by the
// loader's process records (which TLS library a process uses) and by the capture events
// themselves (plaintext calls, TLS-plaintext calls). Counting is one Map lookup per data event;
// the report's `revision` moves only when a state changes, so clients are told rarely.
import { existsSync } from 'node:fs';
import type { ProcessVisibility, VisibilityMessage, VisibilityState } from '../../../core/src/protocol/visibility';
import { MAX_VISIBILITY_PROCESSES } from '../../../core/src/protocol/visibility';
import type { CaptureEvent } from '../capture/events';
import type { LoaderProcess } from '../capture/frames';
import { libraryInfo, type LibraryInfo } from './libraries';

interface Entry {
  pid: number;
  comm: string;
  lib?: LibraryInfo;
  goVersion: string;
  /** TLS records seen on its sockets (whether or not a hooked library decrypts them). */
  ciphertext: boolean;
  plaintextCalls: number;
  tlsCalls: number;
}

export interface VisibilityOptions {
  /** The daemon's process filters: only traced processes are reported. */
  pids?: number[];
  comms?: string[];
  /** Processes never reported (the sensor itself). */
  excludePids?: number[];
  /** Whether a process still exists (default: /proc/<pid>). */
  alive?: (pid: number) => boolean;
}

const MAX_TRACKED = 16384;

export class VisibilityReport {
  /** Moves whenever a process appears, goes or changes state. */
  revision = 0;
  private readonly procs = new Map<number, Entry>();
  private readonly pids: Set<number>;
  private readonly comms: Set<string>;
  private readonly exclude: Set<number>;
  private readonly alive: (pid: number) => boolean;

  constructor(opts: VisibilityOptions = {}) {
    this.pids = new Set(opts.pids ?? []);
    this.comms = new Set(opts.comms ?? []);
    this.exclude = new Set(opts.excludePids ?? []);
    this.alive = opts.alive ?? ((pid) => existsSync(`/proc/${pid}`));
  }

  /** A loader process record. */
  onProcess(p: LoaderProcess): void {
    if (!this.traced(p.pid, p.comm)) return;
    const lib = libraryInfo(p.lib);
    const e = this.entry(p.pid, p.comm);
    if (!e) return;
    const ciphertext = e.ciphertext || p.ciphertext;
    if (e.lib?.library !== lib?.library || e.goVersion !== p.version || e.comm !== p.comm || e.ciphertext !== ciphertext) {
      if (lib) e.lib = lib;
      e.goVersion = p.version;
      e.comm = p.comm;
      e.ciphertext = ciphertext;
      this.revision++;
    }
  }

  /** Every capture event (only data events count). */
  observe(event: CaptureEvent): void {
    if (event.kind !== 'data') return;
    let e = this.procs.get(event.pid);
    if (!e) {
      if (!this.traced(event.pid, event.comm)) return;
      e = this.entry(event.pid, event.comm);
      if (!e) return;
    }
    if (event.tls) {
      if (e.tlsCalls++ === 0) this.revision++;
    } else if (e.plaintextCalls++ === 0) {
      this.revision++;
    }
  }

  /** The report now; processes that exited are forgotten. */
  snapshot(now = Date.now()): VisibilityMessage {
    for (const pid of this.procs.keys()) {
      if (!this.alive(pid)) {
        this.procs.delete(pid);
        this.revision++;
      }
    }
    const processes = [...this.procs.values()]
      .sort((a, b) => b.plaintextCalls + b.tlsCalls - (a.plaintextCalls + a.tlsCalls) || a.pid - b.pid)
      .slice(0, MAX_VISIBILITY_PROCESSES)
      .map(describe);
    return { type: 'visibility', at: now, processes };
  }

  private traced(pid: number, comm: string): boolean {
    if (this.exclude.has(pid)) return false;
    if (this.pids.size && !this.pids.has(pid)) return false;
    return !this.comms.size || this.comms.has(comm);
  }

  private entry(pid: number, comm: string): Entry | undefined {
    let e = this.procs.get(pid);
    if (e) return e;
    if (this.procs.size >= MAX_TRACKED) return undefined;
    e = { pid, comm, goVersion: '', ciphertext: false, plaintextCalls: 0, tlsCalls: 0 };
    this.procs.set(pid, e);
    this.revision++;
    return e;
  }
}

/**
 * What is seen decides first (TLS plaintext through a hooked library, else plaintext); before any
 * traffic, the library found says what will be seen; TLS records with no library found at all
 * mean a library the sensor does not know.
 */
function stateOf(e: Entry): VisibilityState {
  if (e.tlsCalls > 0) return e.lib && e.lib.state !== 'unreadable' && e.lib.state !== 'plaintext' ? e.lib.state : 'openssl';
  if (e.plaintextCalls > 0) return 'plaintext';
  return e.lib?.state ?? (e.ciphertext ? 'unreadable' : 'unknown');
}

const UNKNOWN_TLS =
  'TLS records on its sockets, but no TLS library the sensor can hook was found in it (one linked in without symbols: BoringSSL, OpenSSL, rustls; or its own TLS)';

function describe(e: Entry): ProcessVisibility {
  const state = stateOf(e);
  const libReason = e.lib ? e.lib.reason.replace('{go}', e.goVersion || '(version unknown)') : undefined;
  let reason: string;
  if (state === 'plaintext') {
    reason =
      e.lib && e.lib.state === 'unreadable'
        ? `HTTP seen in the clear; its TLS, if any, is unreadable: ${libReason}`
        : !e.lib && e.ciphertext
          ? `HTTP seen in the clear; its TLS is unreadable: ${UNKNOWN_TLS}`
          : 'HTTP seen in the clear on its sockets';
  } else if (state === 'openssl' && !e.lib) {
    reason = 'TLS plaintext from the OpenSSL uprobes';
  } else {
    reason = libReason ?? (e.ciphertext ? UNKNOWN_TLS : 'no HTTP seen yet and no TLS library found');
  }
  const out: ProcessVisibility = { pid: e.pid, comm: e.comm, state, reason, plaintextCalls: e.plaintextCalls, tlsCalls: e.tlsCalls };
  if (e.lib) out.library = e.lib.library;
  if (e.goVersion) out.goVersion = e.goVersion;
  return out;
}

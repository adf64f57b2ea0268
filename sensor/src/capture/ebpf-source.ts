// The eBPF capture source: spawns sensor/bpf's loader, decodes its stdout frames into
// CaptureEvents, and turns its one-line stderr errors and exit codes into Errors.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { CaptureEvent, CaptureSource } from './events';
import { FrameDecoder, type FrameSink, type LoaderProcess, type LoaderStats } from './frames';

export interface EbpfSourceOptions {
  /** The loader binary; default: $TAPLINE_LOADER, else sensor/bpf/build/tapline-loader found from here. */
  loaderPath?: string;
  /** Processes never traced, besides this one (the daemon) and the loader itself. */
  excludePids?: number[];
  pids?: number[];
  comms?: string[];
  /** A cgroup v2 id or a cgroup directory path. */
  cgroup?: string;
  ports?: number[];
  /** Bytes copied per read/write call (default 65536); the rest is counted in originalLength. */
  capBytes?: number;
  /** OpenSSL uprobes (default true), and extra libraries/binaries to attach them to. */
  ssl?: boolean;
  sslPaths?: string[];
  /** Extra raw flags for the loader (see `tapline-loader --help`). */
  extraArgs?: string[];
  /** How long the loader may take to attach before start() fails (default 30 s). */
  readyTimeoutMs?: number;
  /** What the loader found in each process it inspected (its TLS library), for the visibility report. */
  onProcess?: (p: LoaderProcess) => void;
}

export class LoaderError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
  ) {
    super(message);
    this.name = 'LoaderError';
  }
}

export interface EbpfSourceStats {
  /** Last cumulative counters the loader reported (undefined before the first stats record). */
  loader?: LoaderStats;
  /** Malformed frames skipped by the decoder. */
  badFrames: number;
  /** Records lost so far, by the kernel, the loader or the decoder (sum of the `lost` events emitted). */
  lost: number;
  events: number;
}

export function findLoader(): string | undefined {
  const env = process.env.TAPLINE_LOADER;
  if (env) return env;
  const rel = join('sensor', 'bpf', 'build', 'tapline-loader');
  const starts = [process.cwd(), dirname(process.argv[1] ?? process.cwd())];
  for (const start of starts) {
    for (let dir = resolve(start), i = 0; i < 8; dir = dirname(dir), i++) {
      const candidate = join(dir, rel);
      if (existsSync(candidate)) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}

export class EbpfSource implements CaptureSource {
  private child: ChildProcess | undefined;
  // Each stdout chunk is fresh memory that nothing reuses: events may view it without a copy.
  private readonly decoder = new FrameDecoder(false);
  private readonly counters: EbpfSourceStats = { badFrames: 0, lost: 0, events: 0 };
  private exited: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(private readonly options: EbpfSourceOptions = {}) {}

  /** The loader's pid once started (it excludes itself from tracing). */
  get loaderPid(): number | undefined {
    return this.child?.pid;
  }

  stats(): EbpfSourceStats {
    return { ...this.counters, badFrames: this.decoder.badFrames };
  }

  args(): string[] {
    const o = this.options;
    const a: string[] = [];
    for (const pid of new Set([process.pid, ...(o.excludePids ?? [])])) a.push('--exclude-pid', String(pid));
    for (const pid of o.pids ?? []) a.push('--pid', String(pid));
    for (const comm of o.comms ?? []) a.push('--comm', comm);
    if (o.cgroup !== undefined) a.push('--cgroup', o.cgroup);
    for (const port of o.ports ?? []) a.push('--port', String(port));
    if (o.capBytes !== undefined) a.push('--cap', String(o.capBytes));
    if (o.ssl === false) a.push('--no-ssl');
    for (const p of o.sslPaths ?? []) a.push('--ssl-path', p);
    a.push(...(o.extraArgs ?? []));
    return a;
  }

  start(onEvent: (event: CaptureEvent) => void, onError: (error: Error) => void): Promise<void> {
    if (this.child) return Promise.reject(new Error('EbpfSource already started'));
    const loader = this.options.loaderPath ?? findLoader();
    if (!loader || !existsSync(loader)) {
      return Promise.reject(
        new LoaderError(
          `eBPF loader not found${loader ? ` at ${loader}` : ''}: build it with "make -C sensor/bpf" (needs clang, libbpf-dev, bpftool)`,
          null,
        ),
      );
    }
    const child = spawn(loader, this.args(), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let stderrTail = '';
    let ready = false;

    return new Promise<void>((resolveStart, rejectStart) => {
      const timer = setTimeout(() => {
        if (!ready) fail(new LoaderError('the eBPF loader did not become ready in time', null));
      }, this.options.readyTimeoutMs ?? 30_000);
      const fail = (err: Error): void => {
        clearTimeout(timer);
        if (!ready) {
          ready = true; // settle once
          rejectStart(err);
          child.kill('SIGKILL');
        } else if (!this.stopping) {
          onError(err);
        }
      };
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (s: string) => {
        stderrTail = (stderrTail + s).slice(-4096);
      });
      // One sink for the loader's life: each frame is handed on as it is decoded.
      const sink: FrameSink = {
        event: (event) => {
          this.counters.events++;
          onEvent(event);
        },
        stats: (stats) => {
          this.counters.loader = stats;
          const lost = this.decoder.lostSince(stats);
          if (lost > 0) {
            this.counters.lost += lost;
            onEvent({ kind: 'lost', count: lost });
          }
        },
        ready: () => {
          if (!ready) {
            ready = true;
            clearTimeout(timer);
            resolveStart();
          }
        },
        process: (p) => this.options.onProcess?.(p),
      };
      child.stdout!.on('data', (chunk: Buffer) => this.decoder.feed(chunk, sink));
      child.on('error', (err) => fail(new LoaderError(`cannot run the eBPF loader ${loader}: ${err.message}`, null)));
      this.exited = new Promise<void>((done) => {
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          if (!this.stopping || !ready) {
            const line = lastErrorLine(stderrTail);
            const why = line ?? `the eBPF loader exited (${signal ?? `code ${code}`})`;
            fail(new LoaderError(why, code));
          }
          done();
        });
      });
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      await this.exited;
      return;
    }
    this.stopping = true;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(killer);
  }
}

/** The loader's own one-line error ("tapline-loader: …"), without the prefix. */
function lastErrorLine(stderr: string): string | undefined {
  const lines = stderr.split('\n').filter((l) => l.startsWith('tapline-loader: ') && !l.includes(': warning: '));
  const last = lines.at(-1);
  return last ? last.slice('tapline-loader: '.length) : undefined;
}

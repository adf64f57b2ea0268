// One `kubectl port-forward` as a managed child process: started, watched, restarted with capped
// backoff when it dies (pod restarted, connection lost, laptop asleep), on the same local port so
// that the sensor connection behind it keeps its URL; closed — child killed — on disconnect.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { ClusterError, mapKubectlFailure } from './kubectl-errors';

export type ForwardState =
  | { kind: 'starting'; attempt: number }
  | { kind: 'ready'; localPort: number }
  | { kind: 'restarting'; attempt: number; reason: string; retryInMs: number }
  | { kind: 'failed'; reason: string }
  | { kind: 'closed' };

export interface PortForwardOptions {
  /** The binary and its arguments for a local port (0 the first time: kubectl picks one). */
  command: (localPort: number) => { bin: string; args: string[] };
  context?: string;
  /** Restart delays: base × 2^attempt, capped. */
  backoff?: { baseMs: number; maxMs: number };
  /** Give up after this many consecutive failures without ever becoming ready. */
  maxAttempts?: number;
}

const READY = /Forwarding from 127\.0\.0\.1:(\d+) ->/;

export class PortForward extends EventEmitter<{ state: [ForwardState] }> {
  private child: ChildProcess | undefined;
  private timer: NodeJS.Timeout | undefined;
  private localPort = 0;
  private attempt = 0;
  private closed = false;
  private current: ForwardState = { kind: 'closed' };
  /** How many times a child was started (the first included). */
  starts = 0;

  constructor(private readonly opts: PortForwardOptions) {
    super();
  }

  get state(): ForwardState {
    return this.current;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    this.closed = false;
    this.spawnChild();
  }

  /** Resolves once the child has exited (or at once when none runs). */
  close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const child = this.child;
    this.child = undefined;
    this.setState({ kind: 'closed' });
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  private spawnChild(): void {
    const { bin, args } = this.opts.command(this.localPort);
    this.setState({ kind: 'starting', attempt: this.attempt });
    this.starts++;
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let stdout = '';
    let stderr = '';
    let ready = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (ready) return;
      stdout += chunk;
      const m = READY.exec(stdout);
      if (!m?.[1]) return;
      ready = true;
      this.localPort = Number(m[1]);
      this.attempt = 0;
      this.setState({ kind: 'ready', localPort: this.localPort });
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 64 * 1024) stderr += chunk;
    });
    child.once('error', (e: NodeJS.ErrnoException) => {
      stderr += e.code === 'ENOENT' ? `kubectl not found (${bin})` : e.message;
    });
    child.once('close', (code, signal) => {
      if (this.child !== child || this.closed) return;
      this.child = undefined;
      const error = /kubectl not found/.test(stderr) ? new ClusterError('no-kubectl', stderr) : mapKubectlFailure(stderr || `port-forward exited (${signal ?? String(code)})`, this.opts.context);
      this.onDied(error, ready);
    });
  }

  private onDied(error: ClusterError, wasReady: boolean): void {
    if (!wasReady) this.attempt++;
    // RBAC and a missing kubectl do not heal by retrying.
    const fatal = error.kind === 'forbidden' || error.kind === 'no-kubectl' || error.kind === 'no-context';
    if (fatal || (this.opts.maxAttempts !== undefined && this.attempt >= this.opts.maxAttempts)) {
      this.setState({ kind: 'failed', reason: error.message });
      return;
    }
    const { baseMs, maxMs } = this.opts.backoff ?? { baseMs: 500, maxMs: 15_000 };
    const retryInMs = Math.min(maxMs, baseMs * 2 ** Math.max(0, this.attempt - 1));
    this.setState({ kind: 'restarting', attempt: this.attempt, reason: error.message, retryInMs });
    this.timer = setTimeout(() => this.spawnChild(), retryInMs);
  }

  private setState(state: ForwardState): void {
    this.current = state;
    this.emit('state', state);
  }
}

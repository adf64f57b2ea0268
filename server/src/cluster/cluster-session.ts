// "Connect to Dev Cluster": the context (default: current), the sensor pods by label, the token
// from their Secret (or asked for when RBAC forbids reading it), one supervised port-forward and
// one sensor connection per pod, and a watch that follows pods joining and leaving. The
// connection itself is injected (today the sensor client; the engine's connection code later).
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { DEFAULT_STREAM_PORT, WatchStreamParser, parseSensorPods, parseTokenSecret, type SensorPod } from './cluster-answers';
import { ClusterError } from './kubectl-errors';
import { args, globalArgs, kubectl, type KubectlOptions, type KubectlResult } from './kubectl';
import { PortForward, type ForwardState } from './port-forward';
import { backoffDelay, DEFAULT_BACKOFF } from '../engine/backoff';

export interface NodeConnection {
  close(): void;
}

export interface ClusterNode {
  pod: string;
  node: string;
  forward: ForwardState;
}

export interface ClusterSessionOptions {
  kubectl: KubectlOptions;
  namespace?: string;
  selector?: string;
  secretName?: string;
  /** Asked when the Secret cannot be read; undefined means the user cancelled. */
  askToken: (why: string) => Promise<string | undefined>;
  /** Opens the sensor connection for a node once its forward is ready (again). */
  connect: (node: ClusterNode, url: string, token: string) => NodeConnection;
  /** Runs one kubectl command (default: the real binary). */
  run?: (o: KubectlOptions, a: readonly string[]) => Promise<KubectlResult>;
  /** The port-forward child for a pod (default: kubectl port-forward). */
  forwardCommand?: (pod: SensorPod, localPort: number) => { bin: string; args: string[] };
  /** Follow pods joining and leaving with kubectl's watch (default true). */
  watch?: boolean;
  /** The watching child (default: kubectl get pods --watch --output-watch-events). */
  watchCommand?: () => { bin: string; args: string[] };
  backoff?: { baseMs: number; maxMs: number };
  /** A refused token re-reads the Secret at most this often (default 10 s). */
  tokenRefreshMs?: number;
}

export const DEFAULTS = { namespace: 'tapline', selector: 'app.kubernetes.io/name=tapline-sensor', secretName: 'tapline-sensor-token' } as const;

interface Member {
  pod: SensorPod;
  forward: PortForward;
  connection?: NodeConnection;
  connectedPort?: number;
}

export class ClusterSession extends EventEmitter<{ nodes: [ClusterNode[]]; problem: [string] }> {
  private readonly members = new Map<string, Member>();
  private watcher: ChildProcess | undefined;
  private watchFailures = 0;
  private closed = false;
  private token = '';
  private tokenFromSecret = false;
  private refreshing: Promise<boolean> | undefined;
  private lastRefresh = 0;
  context = '';

  constructor(private readonly opts: ClusterSessionOptions) {
    super();
  }

  private get namespace(): string {
    return this.opts.namespace ?? DEFAULTS.namespace;
  }

  private get selector(): string {
    return this.opts.selector ?? DEFAULTS.selector;
  }

  private run(a: readonly string[]): Promise<KubectlResult> {
    const o = { ...this.opts.kubectl, context: this.context };
    return (this.opts.run ?? kubectl)(o, a);
  }

  /** Resolves once every sensor pod has a forward starting; rejects with a ClusterError. */
  async open(): Promise<ClusterNode[]> {
    this.context = this.opts.kubectl.context ?? (await (this.opts.run ?? kubectl)(this.opts.kubectl, args.currentContext())).stdout.trim();
    if (!this.context) throw new ClusterError('no-context', 'kubeconfig has no current context: pick one');
    const pods = parseSensorPods((await this.run(args.sensorPods(this.namespace, this.selector))).stdout, { context: this.context, namespace: this.namespace, selector: this.selector });
    this.token = await this.readToken();
    for (const pod of pods) this.add(pod);
    if (this.opts.watch ?? true) this.startWatch();
    return this.nodes();
  }

  /** The supervised forward of one sensor pod (for status details and tests). */
  forwardOf(pod: string): PortForward | undefined {
    return this.members.get(pod)?.forward;
  }

  nodes(): ClusterNode[] {
    return [...this.members.values()].map((m) => ({ pod: m.pod.name, node: m.pod.node, forward: m.forward.state }));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.kill('SIGTERM');
    this.watcher = undefined;
    const all = [...this.members.values()];
    this.members.clear();
    for (const m of all) m.connection?.close();
    await Promise.all(all.map((m) => m.forward.close()));
    this.emit('nodes', []);
  }

  /**
   * A sensor refused the token (401): the sensors were given a new one (the Secret rotated and the
   * pods restarted). The Secret is read again — one read at a time, at most every
   * `tokenRefreshMs` — and when it holds another token every node is connected again with it.
   * A token the user pasted (the Secret unreadable) is kept. Resolves whether the token changed.
   */
  refreshToken(): Promise<boolean> {
    if (this.closed || !this.tokenFromSecret) return Promise.resolve(false);
    if (this.refreshing) return this.refreshing;
    if (Date.now() - this.lastRefresh < (this.opts.tokenRefreshMs ?? 10_000)) return Promise.resolve(false);
    this.lastRefresh = Date.now();
    const name = this.opts.secretName ?? DEFAULTS.secretName;
    this.refreshing = this.run(args.secret(this.namespace, name))
      .then((r) => parseTokenSecret(r.stdout, name))
      .then(
        (token) => {
          if (this.closed || token === this.token) return false;
          this.token = token;
          for (const m of this.members.values()) {
            if (!m.connection || m.connectedPort === undefined) continue;
            m.connection.close();
            m.connection = this.opts.connect(this.nodeOf(m), `ws://127.0.0.1:${m.connectedPort}`, token);
          }
          return true;
        },
        (e: unknown) => {
          this.emit('problem', `a sensor refused the token, and reading Secret ${this.namespace}/${name} again failed: ${e instanceof Error ? e.message : String(e)}`);
          return false;
        },
      )
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async readToken(): Promise<string> {
    const name = this.opts.secretName ?? DEFAULTS.secretName;
    try {
      const token = parseTokenSecret((await this.run(args.secret(this.namespace, name))).stdout, name);
      this.tokenFromSecret = true;
      return token;
    } catch (e) {
      if (!(e instanceof ClusterError) || (e.kind !== 'forbidden' && e.kind !== 'not-found')) throw e;
      const token = await this.opts.askToken(`${e.message}. Paste the sensor token (the "token" key of Secret ${this.namespace}/${name}).`);
      if (!token) throw e;
      return token;
    }
  }

  private add(pod: SensorPod): void {
    if (this.closed || this.members.has(pod.name)) return;
    const command = this.opts.forwardCommand
      ? (local: number) => this.opts.forwardCommand!(pod, local)
      : (local: number) => ({
          bin: this.opts.kubectl.path ?? 'kubectl',
          args: [...globalArgs({ ...this.opts.kubectl, context: this.context }), ...args.portForward(pod.namespace, pod.name, local, pod.port || DEFAULT_STREAM_PORT)],
        });
    const forward = new PortForward({ command, context: this.context, ...(this.opts.backoff ? { backoff: this.opts.backoff } : {}) });
    const member: Member = { pod, forward };
    this.members.set(pod.name, member);
    forward.on('state', (state) => {
      if (state.kind === 'ready' && member.connectedPort !== state.localPort) {
        // A forward restarted on another port (the old one was taken): reconnect behind it.
        member.connection?.close();
        member.connectedPort = state.localPort;
        member.connection = this.opts.connect(this.nodeOf(member), `ws://127.0.0.1:${state.localPort}`, this.token);
      }
      if (state.kind === 'failed') this.emit('problem', `${pod.name} (${pod.node}): ${state.reason}`);
      this.emit('nodes', this.nodes());
    });
    forward.start();
  }

  private remove(name: string): void {
    const m = this.members.get(name);
    if (!m) return;
    this.members.delete(name);
    m.connection?.close();
    void m.forward.close().then(() => this.emit('nodes', this.nodes()));
  }

  private nodeOf(m: Member): ClusterNode {
    return { pod: m.pod.name, node: m.pod.node, forward: m.forward.state };
  }

  private startWatch(): void {
    if (this.closed) return;
    const o = { ...this.opts.kubectl, context: this.context };
    const { bin, args: watchArgs } = this.opts.watchCommand?.() ?? { bin: o.path ?? 'kubectl', args: [...globalArgs(o), ...args.watchSensorPods(this.namespace, this.selector)] };
    const child = spawn(bin, watchArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.watcher = child;
    const parser = new WatchStreamParser();
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      for (const e of parser.push(chunk)) {
        // The watch works: the next restart starts from the shortest pause again.
        this.watchFailures = 0;
        if (e.type === 'DELETED') this.remove(e.pod.name);
        else if (e.pod.phase === 'Running') this.add(e.pod);
      }
    });
    child.stderr.resume();
    child.once('error', () => undefined); // reported through 'close'
    child.once('close', () => {
      if (this.watcher !== child || this.closed) return;
      // The API server ends watches now and then, and kubectl with them: supervised like the
      // forwards (capped backoff), and what changed while no watch ran is caught up by a list.
      const delay = backoffDelay(this.watchFailures++, this.opts.backoff ?? DEFAULT_BACKOFF);
      setTimeout(() => void this.resync().finally(() => this.startWatch()), delay).unref();
    });
  }

  /** Lists the sensor pods again: members that are gone leave, running ones that are new join. */
  private async resync(): Promise<void> {
    if (this.closed) return;
    try {
      const pods = parseSensorPods((await this.run(args.sensorPods(this.namespace, this.selector))).stdout, { context: this.context, namespace: this.namespace, selector: this.selector });
      const names = new Set(pods.map((p) => p.name));
      for (const name of [...this.members.keys()]) if (!names.has(name)) this.remove(name);
      for (const pod of pods) if (pod.phase === 'Running') this.add(pod);
    } catch (e) {
      // No sensor pods left is an answer too; anything else waits for the next watch.
      if (e instanceof ClusterError && e.kind === 'no-sensors') for (const name of [...this.members.keys()]) this.remove(name);
      else this.emit('problem', `listing the sensor pods again failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

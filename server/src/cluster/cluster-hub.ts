// The engine's cluster session: Connect to Dev Cluster runs a ClusterSession whose nodes are
// connected through a SensorHub of their own (the configured sensors' hub would drop them when
// the settings change). Each node is one status in the snapshot, named after its node: its
// sensor's state once forwarded, its port-forward's state before that.
import type { ClusterConnectParams, ClusterConnectResult, KubectlChoice, Outcome, SensorConnection, SensorStatus } from '../../../core/src/messages';
import { SensorHub, type SensorHubHost } from '../engine/sensor-hub';
import type { SensorClientOptions } from '../engine/sensor-client';
import { parseContexts } from './cluster-answers';
import { ClusterSession, DEFAULTS, type ClusterSessionOptions } from './cluster-session';
import { ClusterError } from './kubectl-errors';
import { args, kubectl, type KubectlOptions } from './kubectl';
import type { ForwardState } from './port-forward';

export interface ClusterHubOptions {
  kubectl?: Omit<KubectlOptions, 'context'>;
  /** Tests: recorded answers, a stand-in forward, no watch, fast retries. */
  session?: Partial<Pick<ClusterSessionOptions, 'run' | 'forwardCommand' | 'watch' | 'backoff' | 'tokenRefreshMs'>>;
  clientOptions?: Partial<SensorClientOptions>;
}

function forwardStatus(state: ForwardState): Pick<SensorStatus, 'state' | 'detail'> {
  switch (state.kind) {
    case 'starting':
      return { state: 'connecting', detail: 'port-forward starting' };
    case 'ready':
      return { state: 'connecting', detail: `port-forward ready on 127.0.0.1:${state.localPort}` };
    case 'restarting':
      return { state: 'retrying', detail: `port-forward restarting in ${Math.round(state.retryInMs / 100) / 10} s: ${state.reason}` };
    case 'failed':
      return { state: 'failed', detail: `port-forward failed: ${state.reason}` };
    case 'closed':
      return { state: 'stopped', detail: 'port-forward closed' };
  }
}

export class ClusterHub {
  private readonly hub: SensorHub;
  private session: ClusterSession | undefined;
  private namespace: string = DEFAULTS.namespace;
  private readonly connections = new Map<string, SensorConnection>();

  constructor(
    private readonly host: SensorHubHost,
    private readonly options: ClusterHubOptions = {},
  ) {
    // A node's sensor that refuses the token makes the session read the Secret again.
    const nodesHost: SensorHubHost = {
      transactions: (items) => host.transactions(items),
      desync: (items) => host.desync?.(items),
      changed: () => host.changed(),
      log: (level, message) => host.log(level, message),
      tokenRefused: () => void this.tokenRefused(),
    };
    this.hub = new SensorHub(nodesHost, options.clientOptions ?? {});
  }

  /** The open session, if any (its forwards, for details and tests). */
  get current(): ClusterSession | undefined {
    return this.session;
  }

  async contexts(choice: KubectlChoice = {}): Promise<Outcome<{ contexts: string[]; current?: string }>> {
    const options = { ...this.options.kubectl, ...choice };
    try {
      const list = parseContexts((await kubectl(options, args.contexts())).stdout);
      const current = await kubectl(options, args.currentContext()).then(
        (r) => r.stdout.trim() || undefined,
        () => undefined, // no current context: the user picks one
      );
      const ordered = current ? [current, ...list.filter((c) => c !== current)] : list;
      return { ok: true, contexts: ordered, ...(current ? { current } : {}) };
    } catch (e) {
      if (e instanceof ClusterError) return { ok: false, reason: e.message };
      throw e;
    }
  }

  async connect(p: ClusterConnectParams): Promise<ClusterConnectResult> {
    await this.disconnect();
    this.namespace = p.namespace ?? DEFAULTS.namespace;
    let asked = false;
    const session = new ClusterSession({
      kubectl: { ...this.options.kubectl, ...p.kubectl, ...(p.context ? { context: p.context } : {}) },
      namespace: this.namespace,
      askToken: () => {
        asked = true;
        return Promise.resolve(p.token);
      },
      connect: (node, url, token) => {
        const label = `${node.node} (${session.context})`;
        this.connections.set(node.pod, { url, token, name: label });
        this.sync();
        return {
          close: () => {
            if (this.connections.get(node.pod)?.url !== url) return;
            this.connections.delete(node.pod);
            this.sync();
          },
        };
      },
      ...this.options.session,
    });
    session.on('nodes', () => this.host.changed());
    session.on('problem', (message) => this.host.log('warn', `cluster ${session.context}: ${message}`));
    try {
      await session.open();
    } catch (e) {
      await session.close();
      if (!(e instanceof ClusterError)) throw e;
      return { ok: false, kind: e.kind, reason: e.message, ...(asked && !p.token ? { needToken: true } : {}) };
    }
    this.session = session;
    this.host.log('info', `cluster ${session.context}: ${session.nodes().length} sensor pods in namespace ${this.namespace}`);
    this.host.changed();
    return { ok: true, context: session.context, namespace: this.namespace, nodes: this.statuses() };
  }

  private async tokenRefused(): Promise<void> {
    const session = this.session;
    if (session && (await session.refreshToken())) this.host.log('info', `cluster ${session.context}: a sensor refused the token; Secret ${this.namespace}/${DEFAULTS.secretName} holds a new one, nodes reconnected with it`);
  }

  /** One status per node of the session. */
  statuses(): SensorStatus[] {
    const session = this.session;
    if (!session) return [];
    const live = new Map(this.hub.statuses().map((s) => [s.url, s]));
    return session.nodes().map((n) => {
      const connection = this.connections.get(n.pod);
      const status = connection ? live.get(connection.url) : undefined;
      if (status) return status;
      return { url: `kubectl://${session.context}/${this.namespace}/${n.pod}`, name: `${n.node} (${session.context})`, ...forwardStatus(n.forward) };
    });
  }

  async disconnect(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    this.connections.clear();
    this.hub.set([]);
    await session?.close();
    this.host.changed();
  }

  private sync(): void {
    this.hub.set([...this.connections.values()]);
  }
}

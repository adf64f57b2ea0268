// The engine's other way in: instead of a port-forward per node, one subscription to the shared
// JetStream stream with a subject filter (tapline.<cluster>.<namespace>.<service>, `*` and `>`
// allowed). An ordered push consumer: in order, no duplicates, and when the server or the
// connection comes back it is made again from the last stream sequence it delivered (nats.js
// notices through missed heartbeats). Every message is validated like a sensor's. (nats.js's
// newer pull-based `consumers.get()` hangs against Debian's nats-server 2.9 here.)
import { EventEmitter } from 'node:events';
import { connect, consumerOpts, type ConsumerOptsBuilder, type JetStreamSubscription, type NatsConnection } from 'nats';
import { formatProblems } from '../../../core/src/protocol/check';
import { subjectFilter } from '../../../core/src/protocol/nats-subject';
import type { Transaction } from '../../../core/src/protocol/transaction';
import { validateTransaction } from '../../../core/src/protocol/validate-transaction';

/** The ordered consumer's idle heartbeat: how soon a lost consumer is noticed and made again. */
export const RESUME_HEARTBEAT_MS = 1000;

export interface SubscriberOptions {
  url: string;
  /** A filter string, or its parts (an omitted part matches any token). */
  filter: string | { cluster?: string; namespace?: string; service?: string };
  /** Where to start: everything the stream keeps, only what arrives from now on, or since a time. */
  deliver?: 'all' | 'new' | { sinceMs: number };
  name?: string;
}

export type SubscriberState = { kind: 'connecting' } | { kind: 'live'; filter: string } | { kind: 'retrying'; reason: string } | { kind: 'stopped' };

export class NatsSubscriber extends EventEmitter<{ state: [SubscriberState]; transactions: [Transaction[]]; problem: [string] }> {
  readonly filter: string;
  private nc: NatsConnection | undefined;
  private subscription: JetStreamSubscription | undefined;
  private readonly reported = new Set<string>();
  private current: SubscriberState = { kind: 'stopped' };

  constructor(private readonly opts: SubscriberOptions) {
    super();
    this.filter = subjectFilter(opts.filter);
  }

  get state(): SubscriberState {
    return this.current;
  }

  async start(): Promise<void> {
    this.setState({ kind: 'connecting' });
    this.nc = await connect({ servers: this.opts.url, name: this.opts.name ?? 'tapline-engine', maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    void (async () => {
      for await (const s of this.nc!.status()) {
        if (s.type === 'disconnect') this.setState({ kind: 'retrying', reason: `NATS disconnected (${String(s.data)})` });
        if (s.type === 'reconnect') this.setState({ kind: 'live', filter: this.filter });
      }
    })();
    this.subscription = await this.nc.jetstream().subscribe(this.filter, this.consumerOptions());
    this.setState({ kind: 'live', filter: this.filter });
    void this.read(this.subscription);
  }

  async stop(): Promise<void> {
    this.subscription?.unsubscribe();
    await this.nc?.close();
    this.setState({ kind: 'stopped' });
  }

  private consumerOptions(): ConsumerOptsBuilder {
    const o = consumerOpts();
    o.orderedConsumer();
    // An ordered consumer lives in the server's memory: after a broker restart it is gone, and
    // nats.js makes it again (from the last stream sequence delivered) only when its idle-heartbeat
    // monitor misses heartbeats. At nats.js's default of 5 s that was the ~5 s pause before
    // resuming; at 1 s the subscription resumes about a second after the server is back.
    o.idleHeartbeat(RESUME_HEARTBEAT_MS);
    const d = this.opts.deliver ?? 'new';
    if (d === 'all') o.deliverAll();
    else if (d === 'new') o.deliverNew();
    else o.startTime(new Date(d.sinceMs));
    return o;
  }

  private async read(messages: JetStreamSubscription): Promise<void> {
    for await (const m of messages) {
      let value: unknown;
      try {
        value = m.json();
      } catch {
        this.report(`a message on ${m.subject} is not JSON; dropped`);
        continue;
      }
      const checked = validateTransaction(value);
      if (!checked.ok) {
        this.report(`a message on ${m.subject} is not a transaction (${formatProblems(checked.problems)}); dropped`);
        continue;
      }
      this.emit('transactions', [checked.value]);
    }
  }

  private report(problem: string): void {
    if (this.reported.has(problem) || this.reported.size > 100) return;
    this.reported.add(problem);
    this.emit('problem', problem);
  }

  private setState(state: SubscriberState): void {
    this.current = state;
    this.emit('state', state);
  }
}

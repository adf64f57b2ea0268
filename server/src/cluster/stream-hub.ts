// The engine's subscriptions to the shared stream (NATS JetStream): each a URL and a subject
// filter, its transactions merged into the engine's traffic like a sensor's, and its state one
// status in the snapshot's sensors.
import type { SensorStatus } from '../../../core/src/messages';
import type { SensorHubHost } from '../engine/sensor-hub';
import { NatsSubscriber, type SubscriberOptions, type SubscriberState } from './nats-subscriber';

function statusOf(s: NatsSubscriber, url: string): SensorStatus {
  const state: SubscriberState = s.state;
  const name = `${s.filter} (NATS)`;
  const base = { url: `${url}#${s.filter}`, name };
  switch (state.kind) {
    case 'connecting':
      return { ...base, state: 'connecting', detail: `connecting to ${url}` };
    case 'live':
      return { ...base, state: 'live', detail: `subscribed to ${state.filter} on ${url}` };
    case 'retrying':
      return { ...base, state: 'retrying', detail: state.reason };
    case 'stopped':
      return { ...base, state: 'stopped', detail: 'unsubscribed' };
  }
}

export class StreamHub {
  private readonly subscriptions = new Map<string, { url: string; subscriber: NatsSubscriber }>();

  constructor(private readonly host: SensorHubHost) {}

  /** Subscribes (replacing one with the same URL and filter); resolves with its status or rejects with why not. */
  async subscribe(opts: SubscriberOptions): Promise<SensorStatus> {
    const subscriber = new NatsSubscriber(opts);
    const key = `${opts.url}#${subscriber.filter}`;
    await this.unsubscribe(key);
    subscriber.on('transactions', (items) => this.host.transactions(items));
    subscriber.on('state', () => this.host.changed());
    subscriber.on('problem', (p) => this.host.log('warn', `NATS ${subscriber.filter}: ${p}`));
    try {
      await subscriber.start();
    } catch (e) {
      await subscriber.stop().catch(() => undefined);
      throw new Error(`cannot subscribe to ${subscriber.filter} on ${opts.url}: ${(e as Error).message}`);
    }
    this.subscriptions.set(key, { url: opts.url, subscriber });
    return statusOf(subscriber, opts.url);
  }

  async unsubscribe(key?: string): Promise<void> {
    const keys = key === undefined ? [...this.subscriptions.keys()] : [key];
    for (const k of keys) {
      const entry = this.subscriptions.get(k);
      if (!entry) continue;
      this.subscriptions.delete(k);
      entry.subscriber.removeAllListeners();
      await entry.subscriber.stop();
    }
    this.host.changed();
  }

  statuses(): SensorStatus[] {
    return [...this.subscriptions.values()].map((e) => statusOf(e.subscriber, e.url));
  }
}

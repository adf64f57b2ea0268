// `--publish nats://…`: every redacted transaction also goes to NATS JetStream, on
// tapline.<cluster>.<namespace>.<service>. Each is published with its id as the message id (the
// server drops a retry it already stored) and kept until JetStream acknowledges it: while the
// server is away the queue waits and is retried in order; past maxPending the oldest are dropped
// and counted. The stream is made with bounded retention when it does not exist yet. NATS being
// unreachable never stops the sensor: it starts, says where publishing stands (`status()`, in
// /healthz and every stats message), and connects when NATS comes up.
import { DiscardPolicy, RetentionPolicy, StorageType, connect, nanos, type JetStreamClient, type NatsConnection } from 'nats';
import type { PublishStatus } from '../../../core/src/protocol/messages';
import { STREAM_NAME, SUBJECT_ROOT, transactionSubject } from '../../../core/src/protocol/nats-subject';
import type { Transaction } from '../../../core/src/protocol/transaction';

export interface PublisherOptions {
  url: string;
  cluster: string;
  /** Sensor name, for the NATS connection's name. */
  name: string;
  maxPending?: number;
  /** Retention of a stream this publisher creates (an existing stream is left as it is). */
  retention?: { maxAgeMs: number; maxBytes: number };
  onLog?: (message: string) => void;
}

export interface PublisherCounters {
  published: number;
  dropped: number;
  pending: number;
}

export const DEFAULT_RETENTION = { maxAgeMs: 60 * 60 * 1000, maxBytes: 1024 ** 3 };

export class PublishError extends Error {}

export class NatsPublisher {
  readonly counters: PublisherCounters = { published: 0, dropped: 0, pending: 0 };
  private readonly queue: Array<{ subject: string; id: string; data: Uint8Array }> = [];
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private pumping = false;
  private closed = false;
  private wake: (() => void) | undefined;
  private endSleep: (() => void) | undefined;

  constructor(private readonly opts: PublisherOptions) {}

  private state: Pick<PublishStatus, 'state' | 'detail'> = { state: 'connecting', detail: 'not connected yet' };

  /** Where publishing stands, for /healthz and the stats message. */
  status(): PublishStatus {
    return { ...this.state, url: redactedUrl(this.opts.url), published: this.counters.published, pending: this.queue.length, dropped: this.counters.dropped };
  }

  /**
   * Checks the URL (a PublishError when it is not nats:// or tls://) and starts connecting in the
   * background: the sensor does not wait for NATS, and publishes once it answers.
   */
  start(): void {
    const url = new URL(this.opts.url);
    if (url.protocol !== 'nats:' && url.protocol !== 'tls:') throw new PublishError(`--publish needs a nats:// URL, got ${this.opts.url}`);
    void this.connectLoop();
  }

  private async connectLoop(): Promise<void> {
    let attempts = 0;
    while (!this.closed && !this.nc) {
      try {
        // Without waitOnFirstConnect a server that is down at start is an error we retry here, saying why each time it changes.
        this.nc = await connect({ servers: this.opts.url, name: `tapline-sensor ${this.opts.name}`, maxReconnectAttempts: -1, reconnectTimeWait: 250, waitOnFirstConnect: false });
      } catch (e) {
        const detail = `cannot reach NATS: ${(e as Error).message}; retrying`;
        if (detail !== this.state.detail) this.opts.onLog?.(`publish: ${detail}`);
        this.setState(attempts === 0 ? 'connecting' : 'disconnected', detail);
        attempts++;
        await this.sleep(Math.min(5000, 250 * 2 ** Math.min(attempts, 5)));
      }
    }
    const nc = this.nc;
    if (!nc || this.closed) return;
    try {
      await this.ensureStream(nc);
    } catch (e) {
      this.setState('failed', (e as Error).message);
      this.opts.onLog?.(`publish: ${(e as Error).message}`);
      return;
    }
    this.js = nc.jetstream();
    this.setState('connected', '');
    this.opts.onLog?.(`publish: connected to ${redactedUrl(this.opts.url)}`);
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') this.setState('disconnected', `NATS went away (${String(s.data)}); reconnecting`);
        if (s.type === 'reconnect') this.setState('connected', '');
        if (s.type === 'disconnect' || s.type === 'reconnect') this.opts.onLog?.(`NATS ${s.type} (${String(s.data)})`);
      }
    })();
    void this.pump();
  }

  private async ensureStream(nc: NatsConnection): Promise<void> {
    const jsm = await nc.jetstreamManager().catch((e: unknown) => {
      throw new PublishError(`NATS at ${redactedUrl(this.opts.url)} has no JetStream (start nats-server with -js): ${(e as Error).message}`);
    });
    const retention = this.opts.retention ?? DEFAULT_RETENTION;
    try {
      await jsm.streams.info(STREAM_NAME);
    } catch {
      await jsm.streams.add({
        name: STREAM_NAME,
        subjects: [`${SUBJECT_ROOT}.>`],
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        discard: DiscardPolicy.Old,
        max_age: nanos(retention.maxAgeMs),
        max_bytes: retention.maxBytes,
        duplicate_window: nanos(2 * 60 * 1000),
      });
      this.opts.onLog?.(`created JetStream stream ${STREAM_NAME} (${SUBJECT_ROOT}.>, ${retention.maxAgeMs / 60000} min, ${retention.maxBytes} bytes)`);
    }
  }

  private setState(state: PublishStatus['state'], detail: string): void {
    this.state = { state, detail };
  }

  /** A pause that close() cuts short. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.endSleep = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.endSleep = done;
    });
  }

  publish(tx: Transaction): void {
    if (this.closed) return;
    if (this.queue.length >= (this.opts.maxPending ?? 10_000)) {
      this.queue.shift();
      this.counters.dropped++;
    }
    this.queue.push({ subject: transactionSubject(this.opts.cluster, tx), id: tx.id, data: new TextEncoder().encode(JSON.stringify(tx)) });
    this.counters.pending = this.queue.length;
    this.wake?.();
  }

  /** Publishes what is queued (for up to timeoutMs), then closes the connection. */
  async close(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length > 0 && Date.now() < deadline && this.nc && !this.nc.isClosed()) await new Promise((r) => setTimeout(r, 20));
    this.closed = true;
    this.wake?.();
    this.endSleep?.();
    await this.nc?.close();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    let failures = 0;
    while (!this.closed) {
      const next = this.queue[0];
      if (!next || !this.js) {
        await new Promise<void>((r) => (this.wake = r));
        this.wake = undefined;
        continue;
      }
      try {
        await this.js.publish(next.subject, next.data, { msgID: next.id, timeout: 2000 });
        if (this.queue[0] === next) this.queue.shift();
        this.counters.published++;
        this.counters.pending = this.queue.length;
        failures = 0;
      } catch (e) {
        // Not acknowledged: the same message again after a pause (the server drops a duplicate).
        if (failures++ === 0) this.opts.onLog?.(`publish to NATS failed, retrying: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, Math.min(2000, 100 * failures)));
      }
    }
    this.pumping = false;
  }
}

/** The URL as it may be shown: without user and password. */
function redactedUrl(raw: string): string {
  try {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return '(not a URL)';
  }
}

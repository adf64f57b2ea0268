// One authenticated WebSocket client: hello first, then batched transactions (by count or
// every flush interval), periodic stats, heartbeats. Its queue is bounded: when the client reads
// too slowly the oldest transactions are dropped and counted, never memory.
//
// Flow control: at most `windowBytes` of transactions are in flight (in ws's buffer, the kernel's
// and the client's) beyond what the client has confirmed by answering a ping. Every half window
// the session pings; a pong confirms everything written before its ping. So a ping (the heartbeat
// included) never waits behind more than a window of frames: a slow but live client answers within
// the heartbeat deadline and stays connected (its overflow is dropped from the queue, counted, and
// reported in stats), while a dead one still answers nothing and is closed.
import type { WebSocket } from 'ws';
import type { ErrorCode, HelloMessage, PublishStatus, SensorCounters, SensorMessage, SubscribeFilters } from '../../../core/src/protocol/messages';
import { parseClientMessage } from '../../../core/src/protocol/validate-messages';
import { formatProblems } from '../../../core/src/protocol/check';
import type { DesyncEvent } from '../../../core/src/protocol/desync';
import type { Transaction } from '../../../core/src/protocol/transaction';
import type { VisibilityMessage } from '../../../core/src/protocol/visibility';
import { matchesFilters, shapeFor } from './filters';

export interface SessionOptions {
  hello: () => HelloMessage;
  counters: () => Omit<SensorCounters, 'queueDropped'>;
  /** Where `--publish` stands, sent with every stats message (absent without it). */
  publish?: () => PublishStatus;
  startedAt: number;
  maxQueue: number;
  batchSize: number;
  flushMs: number;
  statsMs: number;
  heartbeatMs: number;
  /** Bytes of transactions a client may have in flight beyond its last answered ping. */
  windowBytes: number;
  onClose: (session: ClientSession) => void;
  log: (message: string) => void;
}

export class ClientSession {
  private queue: Transaction[] = [];
  private filters: SubscribeFilters = {};
  private queueDropped = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly statsTimer: NodeJS.Timeout;
  private readonly heartbeatTimer: NodeJS.Timeout;
  /** Heartbeats in a row with no pong since the one before. */
  private silentBeats = 0;
  private answered = true;
  private closed = false;
  /** Bytes of message text handed to the socket so far. */
  private written = 0;
  /** `written` when the latest answered ping was sent: the client has read up to here. */
  private confirmed = 0;
  /** Pings not answered yet, oldest first: their payload and `written` when each was sent. */
  private readonly pings: { id: string; at: number }[] = [];
  private pingSeq = 0;

  constructor(
    private readonly ws: WebSocket,
    readonly remote: string,
    private readonly opts: SessionOptions,
  ) {
    this.send(opts.hello());
    ws.on('message', (data, isBinary) => this.message(data, isBinary));
    ws.on('pong', (data: Buffer) => this.pong(data));
    ws.on('close', () => this.dispose());
    ws.on('error', (e) => {
      opts.log(`client ${remote}: ${e.message}`);
      this.dispose();
    });
    this.statsTimer = setInterval(() => this.sendStats(), opts.statsMs);
    this.heartbeatTimer = setInterval(() => this.heartbeat(), opts.heartbeatMs);
    this.statsTimer.unref();
    this.heartbeatTimer.unref();
  }

  enqueue(t: Transaction): void {
    if (this.closed || !matchesFilters(this.filters, t)) return;
    this.queue.push(shapeFor(this.filters, t));
    if (this.queue.length > this.opts.maxQueue) {
      const excess = this.queue.length - this.opts.maxQueue;
      this.queue.splice(0, excess);
      this.queueDropped += excess;
    }
    if (this.queue.length >= this.opts.batchSize) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), this.opts.flushMs);
  }

  /** Findings, rare and rate-limited by the pipeline: sent at once, never filtered away. */
  sendDesync(items: DesyncEvent[]): void {
    this.send({ type: 'desync', items });
  }

  sendVisibility(message: VisibilityMessage): void {
    this.send(message);
  }

  sendError(code: ErrorCode, message: string): void {
    this.send({ type: 'error', code, message });
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
    this.dispose();
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.closed) return;
    while (this.queue.length > 0) {
      // The client is a window behind: keep the (bounded) queue; the next pong flushes again.
      if (this.written - this.confirmed >= this.opts.windowBytes) {
        if (this.pings.length === 0) this.ping();
        return;
      }
      // Pongs are the client's word: one that sends them without reading still gets no more
      // than a window into ws's own buffer.
      if (this.ws.bufferedAmount >= this.opts.windowBytes) {
        this.flushTimer = setTimeout(() => this.flush(), this.opts.flushMs);
        return;
      }
      const items = this.queue.splice(0, this.opts.batchSize);
      this.send({ type: 'transactions', items });
      const lastPing = this.pings.at(-1)?.at ?? this.confirmed;
      if (this.written - lastPing >= this.opts.windowBytes / 8) this.ping();
    }
  }

  private ping(): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    const id = String(++this.pingSeq);
    this.pings.push({ id, at: this.written });
    try {
      this.ws.ping(id);
    } catch {
      this.dispose();
    }
  }

  /** Pongs come in order; one whose payload names no ping (an unsolicited pong) confirms the oldest. */
  private pong(data: Buffer): void {
    this.answered = true;
    const id = data.toString();
    const i = Math.max(0, this.pings.findIndex((p) => p.id === id));
    const answered = this.pings.splice(0, i + 1).at(-1);
    if (answered) this.confirmed = Math.max(this.confirmed, answered.at);
    if (this.queue.length > 0) this.flush();
  }

  private sendStats(): void {
    const publish = this.opts.publish?.();
    this.send({ type: 'stats', at: Date.now(), uptimeMs: Date.now() - this.opts.startedAt, counters: { ...this.opts.counters(), queueDropped: this.queueDropped }, ...(publish ? { publish } : {}) });
  }

  /** Closes a client silent for two heartbeat periods (between two and three since its last pong). */
  private heartbeat(): void {
    this.silentBeats = this.answered ? 0 : this.silentBeats + 1;
    if (this.silentBeats >= 2) {
      this.opts.log(`client ${this.remote}: no pong, closing`);
      this.ws.terminate();
      this.dispose();
      return;
    }
    this.answered = false;
    this.ping();
  }

  private message(data: unknown, isBinary: boolean): void {
    if (isBinary) {
      this.sendError('bad-message', 'binary frames are not part of tapline/1; send JSON text');
      return;
    }
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data as Buffer[]).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    const parsed = parseClientMessage(text);
    if (!parsed.ok) {
      this.sendError('bad-message', formatProblems(parsed.problems).slice(0, 1000));
      return;
    }
    const m = parsed.value;
    if (m.type === 'subscribe') this.filters = m.filters;
    else this.opts.log(`client ${this.remote} reported: ${m.code}: ${m.message.slice(0, 200)}`);
  }

  private send(message: SensorMessage): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    const text = JSON.stringify(message);
    this.written += Buffer.byteLength(text);
    this.ws.send(text);
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.statsTimer);
    clearInterval(this.heartbeatTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.queue = [];
    this.opts.onClose(this);
  }
}

// One connection to one sensor over tapline/1, in the engine. Every message is validated; invalid
// ones are reported once per kind of problem and dropped. Reconnects with capped exponential
// backoff until stopped. The sensor pings every heartbeat interval: a connection that hears
// nothing (no message, no ping) for two intervals is declared down and reconnected, which is what
// a stuck `kubectl port-forward` looks like from here.
import type { ProcessVisibility } from '../../../core/src/protocol/visibility';
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { formatProblems } from '../../../core/src/protocol/check';
import { STREAM_PATH, type HelloMessage, type SensorCounters, type SubscribeFilters } from '../../../core/src/protocol/messages';
import type { DesyncEvent } from '../../../core/src/protocol/desync';
import type { Transaction } from '../../../core/src/protocol/transaction';
import { MAX_BATCH_ITEMS, parseSensorMessage } from '../../../core/src/protocol/validate-messages';
import { formatDuration } from '../../../core/src/format/duration';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { trustedTlsConnection } from './sensor-tls';

export type SensorState =
  | { kind: 'connecting'; attempt: number }
  | { kind: 'live'; hello: HelloMessage }
  | { kind: 'retrying'; attempt: number; reason: string; retryAt: number }
  | { kind: 'failed'; reason: string }
  | { kind: 'stopped' };

export interface SensorClientOptions {
  /** ws:// or wss:// URL of the sensor; the stream path is added when the URL has none. */
  url: string;
  token: string;
  filters?: SubscribeFilters;
  backoff?: BackoffOptions;
  /** For wss:// with a self-signed certificate: PEM of the CA to trust. */
  ca?: string | Buffer;
  /** For wss://: the SHA-256 of the sensor's certificate, trusted instead of a CA (sensor-tls.ts). */
  certificateFingerprint?: string;
  /** Fail (stop retrying) after this many consecutive failed attempts; default: retry forever. */
  maxAttempts?: number;
  /** The sensor's ping period (its --heartbeat-ms, 15 s by default); silence for twice this is "down". */
  heartbeatMs?: number;
}

export interface SensorClientEvents {
  state: [SensorState];
  transactions: [Transaction[]];
  stats: [SensorCounters];
  /** Request-smuggling attempts the sensor saw (validated `desync` messages). */
  desync: [DesyncEvent[]];
  /** The sensor's visibility report (the whole list, each time it changes). */
  visibility: [ProcessVisibility[]];
  /** Something the sensor sent that was dropped, or an error message from the sensor; once per distinct text. */
  problem: [string];
  /** The sensor answered 401: the token is not (or no longer) its token. The client retries as usual. */
  tokenRefused: [];
}

const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
// A live connection that stays up this long resets the backoff.
const STABLE_AFTER_MS = 10_000;
export const DEFAULT_HEARTBEAT_MS = 15_000;

export function streamUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') throw new Error(`not a ws:// or wss:// URL: ${url}`);
  if (parsed.pathname === '/' || parsed.pathname === '') parsed.pathname = STREAM_PATH;
  return parsed.toString();
}

export class SensorClient extends EventEmitter<SensorClientEvents> {
  private socket: WebSocket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private currentState: SensorState = { kind: 'stopped' };
  private readonly reported = new Set<string>();
  private liveSince = 0;
  private silenceTimer: NodeJS.Timeout | undefined;
  readonly url: string;

  constructor(private readonly options: SensorClientOptions) {
    super();
    this.url = streamUrl(options.url);
  }

  get state(): SensorState {
    return this.currentState;
  }

  start(): void {
    if (this.currentState.kind !== 'stopped' && this.currentState.kind !== 'failed') return;
    this.attempt = 0;
    this.connect();
  }

  stop(): void {
    clearTimeout(this.timer);
    clearTimeout(this.silenceTimer);
    this.timer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    socket?.removeAllListeners();
    socket?.on('error', () => undefined);
    socket?.terminate();
    this.setState({ kind: 'stopped' });
  }

  subscribe(filters: SubscribeFilters): void {
    this.options.filters = filters;
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: 'subscribe', filters }));
  }

  private connect(): void {
    this.setState({ kind: 'connecting', attempt: this.attempt });
    const socket = new WebSocket(this.url, {
      headers: { authorization: `Bearer ${this.options.token}` },
      maxPayload: MAX_MESSAGE_BYTES,
      handshakeTimeout: 10_000,
      ca: this.options.ca,
      // wss:// is judged (pin or chain) before the upgrade request carries the token.
      ...(this.url.startsWith('wss:') ? { createConnection: trustedTlsConnection(this.options) } : {}),
    });
    this.socket = socket;
    let failure = '';
    socket.on('unexpected-response', (_request, response) => {
      failure =
        response.statusCode === 401 ? 'the sensor refused the token (401)' : `the sensor answered HTTP ${String(response.statusCode)}`;
      response.resume();
      socket.terminate();
      if (response.statusCode === 401) this.emit('tokenRefused');
    });
    socket.on('error', (error) => {
      failure ||= error.message;
    });
    socket.on('message', (data, isBinary) => {
      this.heard(socket);
      this.onMessage(data, isBinary);
    });
    socket.on('ping', () => this.heard(socket));
    socket.on('open', () => this.heard(socket));
    socket.on('close', (code, reason) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      clearTimeout(this.silenceTimer);
      const why = failure || `connection closed (${code}${reason.length ? `: ${reason.toString()}` : ''})`;
      this.scheduleRetry(why);
    });
  }

  /** Restarts the silence deadline: two heartbeat intervals from now. */
  private heard(socket: WebSocket): void {
    clearTimeout(this.silenceTimer);
    const deadline = 2 * (this.options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    this.silenceTimer = setTimeout(() => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
      this.scheduleRetry(`no heartbeat from the sensor for ${formatDuration(deadline)}`);
    }, deadline);
  }

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    if (isBinary) return this.report('the sensor sent a binary frame; tapline/1 is text (JSON) only');
    const parsed = parseSensorMessage(data.toString());
    if (!parsed.ok) return this.report(`invalid message from the sensor dropped: ${formatProblems(parsed.problems)}`);
    const message = parsed.value;
    switch (message.type) {
      case 'hello':
        this.liveSince = Date.now();
        this.setState({ kind: 'live', hello: message });
        if (this.options.filters) this.subscribe(this.options.filters);
        return;
      case 'transactions':
        if (message.items.length > MAX_BATCH_ITEMS) return this.report(`a batch of ${message.items.length} transactions was dropped`);
        this.emit('transactions', message.items);
        return;
      case 'stats':
        this.emit('stats', message.counters);
        return;
      case 'desync':
        this.emit('desync', message.items);
        return;
      case 'visibility':
        this.emit('visibility', message.processes);
        return;
      case 'error':
        this.report(`sensor error (${message.code}): ${message.message}`);
        return;
    }
  }

  private scheduleRetry(reason: string): void {
    if (this.liveSince && Date.now() - this.liveSince >= STABLE_AFTER_MS) this.attempt = 0;
    this.liveSince = 0;
    this.attempt += 1;
    if (this.options.maxAttempts !== undefined && this.attempt >= this.options.maxAttempts) {
      this.setState({ kind: 'failed', reason });
      return;
    }
    const delay = backoffDelay(this.attempt - 1, this.options.backoff ?? DEFAULT_BACKOFF);
    this.setState({ kind: 'retrying', attempt: this.attempt, reason, retryAt: Date.now() + delay });
    this.timer = setTimeout(() => this.connect(), delay);
  }

  private report(problem: string): void {
    const key = problem.slice(0, 200);
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.emit('problem', problem);
  }

  private setState(state: SensorState): void {
    this.currentState = state;
    this.emit('state', state);
  }
}

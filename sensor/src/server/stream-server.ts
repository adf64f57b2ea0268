// The WebSocket endpoint `/v1/stream` (ws or wss) and `GET /healthz`. Upgrades without the
// right bearer token get a bare 401 and nothing else; everything else but /healthz is a 404.
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { HEALTH_PATH, STREAM_PATH, type HelloMessage, type PublishStatus, type SensorCounters } from '../../../core/src/protocol/messages';
import type { DesyncEvent } from '../../../core/src/protocol/desync';
import type { Transaction } from '../../../core/src/protocol/transaction';
import type { VisibilityMessage } from '../../../core/src/protocol/visibility';
import { BadTokenThrottle, bearerMatches, type ThrottleOptions } from './auth';
import { ClientSession, type SessionOptions } from './client-session';

export interface StreamServerOptions {
  host: string;
  port: number;
  token: string;
  tls?: { cert: Buffer; key: Buffer };
  hello: () => HelloMessage;
  counters: () => Omit<SensorCounters, 'queueDropped'>;
  /** The visibility report (live capture): sent after hello, and in /healthz as JSON. */
  visibility?: () => VisibilityMessage;
  /** Where `--publish` stands (absent without it): in /healthz and every stats message. */
  publish?: () => PublishStatus;
  /** Recent transactions kept for clients that connect later (replayed after hello). */
  backlog?: number;
  session?: Partial<Pick<SessionOptions, 'maxQueue' | 'batchSize' | 'flushMs' | 'statsMs' | 'heartbeatMs' | 'windowBytes'>>;
  log: (message: string) => void;
  /** How bad tokens are slowed down (auth.ts has the defaults). */
  badTokens?: ThrottleOptions;
}

export class ListenError extends Error {}

const UNAUTHORIZED = 'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\nContent-Length: 0\r\nConnection: close\r\n\r\n';
const NOT_FOUND = 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n';

export class StreamServer {
  private readonly server: http.Server | https.Server;
  private readonly wss: WebSocketServer;
  private readonly sessions = new Set<ClientSession>();
  private readonly recent: Transaction[] = [];
  /** Desync events are findings: a client that connects later gets the recent ones too. */
  private readonly recentDesync: DesyncEvent[] = [];
  private readonly startedAt = Date.now();

  private readonly throttle: BadTokenThrottle;

  constructor(private readonly opts: StreamServerOptions) {
    this.throttle = new BadTokenThrottle(opts.badTokens);
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => this.request(req, res);
    this.server = opts.tls ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key }, handler) : http.createServer(handler);
    this.server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    this.server.on('clientError', (_e, socket: Duplex) => socket.destroy());
    this.wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, perMessageDeflate: false, clientTracking: false });
  }

  get clientCount(): number {
    return this.sessions.size;
  }

  listen(): Promise<{ host: string; port: number; url: string }> {
    return new Promise((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException): void => {
        const where = `${this.opts.host}:${this.opts.port}`;
        if (e.code === 'EADDRINUSE') reject(new ListenError(`port ${where} is already in use`));
        else if (e.code === 'EACCES') reject(new ListenError(`not allowed to listen on ${where} (ports below 1024 need CAP_NET_BIND_SERVICE)`));
        else if (e.code === 'EADDRNOTAVAIL') reject(new ListenError(`address ${this.opts.host} is not on this machine`));
        else reject(new ListenError(`cannot listen on ${where}: ${e.message}`));
      };
      this.server.once('error', onError);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.off('error', onError);
        const addr = this.server.address() as AddressInfo;
        const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
        resolve({ host: addr.address, port: addr.port, url: `${this.opts.tls ? 'wss' : 'ws'}://${host}:${addr.port}${STREAM_PATH}` });
      });
    });
  }

  publish(t: Transaction): void {
    const max = this.opts.backlog ?? 1000;
    if (max > 0) {
      this.recent.push(t);
      if (this.recent.length > max) this.recent.splice(0, this.recent.length - max);
    }
    for (const s of this.sessions) s.enqueue(t);
  }

  publishDesync(e: DesyncEvent): void {
    this.recentDesync.push(e);
    if (this.recentDesync.length > 200) this.recentDesync.shift();
    for (const s of this.sessions) s.sendDesync([e]);
  }

  /** A report that changed, to every client. */
  broadcast(message: VisibilityMessage): void {
    for (const s of this.sessions) s.sendVisibility(message);
  }

  /** Tell every client (e.g. the capture source failed); never fatal for the server. */
  broadcastError(message: string): void {
    for (const s of this.sessions) s.sendError('capture-failed', message);
  }

  async close(): Promise<void> {
    for (const s of [...this.sessions]) s.close(1001, 'sensor stopping');
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private request(req: http.IncomingMessage, res: http.ServerResponse): void {
    const [path, query = ''] = (req.url ?? '').split('?', 2);
    if (path === HEALTH_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
      const detail = new URLSearchParams(query).get('detail') === '1';
      if (detail) {
        // The detail needs the token too: process names and libraries describe the node.
        // Same door as the stream: a guesser must not get a faster oracle here than on /v1/stream.
        const address = req.socket.remoteAddress ?? '?';
        if (!bearerMatches(req.headers.authorization, this.opts.token)) {
          this.refuseLater(address, `${HEALTH_PATH}?detail=1`, () => {
            res.writeHead(401, { 'WWW-Authenticate': 'Bearer', 'Content-Length': '0', Connection: 'close' });
            res.end();
          }, (close) => res.once('close', close));
          return;
        }
        this.throttle.succeed(address);
        const publish = this.opts.publish?.();
        const body = JSON.stringify({ status: 'ok', uptimeMs: Date.now() - this.startedAt, visibility: this.opts.visibility?.().processes ?? [], ...(publish ? { publish } : {}) });
        res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : `${body}\n`);
        return;
      }
      // Serving is what liveness means: a NATS that is away is reported, not a failure. Only the state
      // goes out without the token; the URL and counters are in the detail.
      const publish = this.opts.publish?.();
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : `ok\n${publish ? `publish: ${publish.state}\n` : ''}`);
      return;
    }
    res.writeHead(404, { 'Content-Length': '0' });
    res.end();
  }

  /** A bad token: counted per address (both doors share the count), logged when due, answered late. */
  private refuseLater(address: string, where: string, answer: () => void, onClose: (cancel: () => void) => void): void {
    const { delayMs, log } = this.throttle.fail(address, Date.now());
    if (log) this.opts.log(`${log} (${where})`);
    const timer = setTimeout(answer, delayMs);
    timer.unref();
    onClose(() => clearTimeout(timer));
  }

  private upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '').split('?')[0];
    if (path !== STREAM_PATH) {
      socket.end(NOT_FOUND);
      return;
    }
    const address = req.socket.remoteAddress ?? '?';
    if (!bearerMatches(req.headers.authorization, this.opts.token)) {
      this.refuseLater(address, STREAM_PATH, () => socket.end(UNAUTHORIZED), (close) => socket.once('close', close));
      return;
    }
    this.throttle.succeed(address);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const remote = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? 0}`;
      const s = this.opts.session ?? {};
      const session = new ClientSession(ws, remote, {
        hello: this.opts.hello,
        counters: this.opts.counters,
        ...(this.opts.publish ? { publish: this.opts.publish } : {}),
        startedAt: this.startedAt,
        maxQueue: s.maxQueue ?? 10_000,
        batchSize: s.batchSize ?? 200,
        flushMs: s.flushMs ?? 100,
        statsMs: s.statsMs ?? 5000,
        heartbeatMs: s.heartbeatMs ?? 15_000,
        windowBytes: s.windowBytes ?? 1024 * 1024,
        onClose: (gone) => this.sessions.delete(gone),
        log: this.opts.log,
      });
      this.sessions.add(session);
      if (this.opts.visibility) session.sendVisibility(this.opts.visibility());
      for (const t of this.recent) session.enqueue(t);
      if (this.recentDesync.length > 0) session.sendDesync([...this.recentDesync]);
    });
  }
}

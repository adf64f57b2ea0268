// Capture events in, redacted transactions out: connections are tracked per (pid, fd,
// generation), parsed and paired; a loopback exchange seen from both ends is reported once,
// from the server's side, with the client process named.
import type { DesyncEvent } from '../../../core/src/protocol/desync';
import type { KubernetesRef, Transaction } from '../../../core/src/protocol/transaction';
import type { Redactor } from '../../../core/src/redaction/redactor';
import type { CaptureEvent, DataEvent, OpenEvent, SocketTuple } from '../capture/events';
import { buildTransaction, normalizeAddress } from './build-transaction';
import { KernelClock } from './clock';
import { Connection, type Exchange } from './connection';
import { DesyncReporter } from './desync-report';
import type { Desync } from '../http/parser';
import { newCounters, type PipelineCounters } from './counters';
import { ProcessInfo } from './process-info';
import { Sampler, type EndpointSlot, type SamplerOptions } from './sampler';
import { fieldValue, fieldValues } from '../http/head';
import { ScannedRequestHead } from '../http/field-lines';
import { networkInterfaces } from 'node:os';

let localAddresses: Set<string> | undefined;

/** Addresses of this machine (loopback included), read once. */
function isLocalAddress(address: string): boolean {
  const a = normalizeAddress(address);
  if (a.startsWith('127.') || a === '::1' || a === '0.0.0.0' || a === '::') return true;
  if (!localAddresses) {
    localAddresses = new Set<string>();
    for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) localAddresses.add(i.address);
  }
  return localAddresses.has(a);
}

export interface PipelineFilters {
  pids?: number[];
  comms?: string[];
  ports?: number[];
}

export interface PipelineOptions {
  maxBody: number;
  redactor: Redactor;
  onTransaction: (t: Transaction) => void;
  /** Prefix of transaction ids (the sensor id), so ids stay unique across sensors. */
  idPrefix: string;
  filters?: PipelineFilters;
  /** Never report this process's traffic (the sensor's own). */
  selfPid?: number;
  processInfo?: ProcessInfo;
  /** The pod of a serving process (sensor/src/k8s/attributor.ts); absent outside Kubernetes. */
  attribute?: (pid: number) => { ref: KubernetesRef; service: string } | undefined;
  clock?: KernelClock;
  /** Connections idle longer than this are forgotten (ns). */
  idleNs?: bigint;
  maxConnections?: number;
  /** Per-second budgets (sampler.ts); no sampling when absent. */
  sampling?: SamplerOptions;
  onLog?: (message: string) => void;
  /** A connection broke framing the way smuggling attempts do (desync-report.ts). */
  onDesync?: (event: DesyncEvent) => void;
  /** Desync events sent per second at most; the rest are counted in `desyncs` only (default 100). */
  maxDesyncPerSecond?: number;
}

interface Ends {
  server?: Connection;
  client?: Connection;
}

/** Per tuple, its key as a server's and as a client's: looked up for every exchange, built once. */
const endsKeys = new WeakMap<SocketTuple, { server?: string; client?: string }>();

/** Both ends of one TCP connection share this key: server address first. */
function endsKey(role: 'client' | 'server', t: SocketTuple): string {
  let keys = endsKeys.get(t);
  if (!keys) endsKeys.set(t, (keys = {}));
  const known = keys[role];
  if (known !== undefined) return known;
  const local = `${normalizeAddress(t.localAddress)}:${t.localPort}`;
  const remote = `${normalizeAddress(t.remoteAddress)}:${t.remotePort}`;
  return (keys[role] = role === 'server' ? `${local}|${remote}` : `${remote}|${local}`);
}

export class Pipeline {
  readonly counters: PipelineCounters = newCounters();
  private readonly connections = new Map<string, Connection>();
  private readonly ends = new Map<string, Ends>();
  /** Ends of closed connections, kept a while: the other end may still be finishing its exchange. */
  private readonly closedEnds: Array<{ key: string; conn: Connection; at: bigint }> = [];
  private readonly clock: KernelClock;
  private readonly processInfo: ProcessInfo;
  private sequence = 0;
  private chain: Promise<void> = Promise.resolve();
  private pendingAsync = 0;
  private readonly sampler: Sampler | undefined;
  private lastNs = 0n;
  private readonly ownPorts = new Set<number>();
  private readonly ownAuthorization = new Set<string>();
  private readonly desyncReporter: DesyncReporter;
  /** Connections (by both-ends key) already reported: a loopback connection is seen from both ends. */
  private readonly desyncedEnds = new Map<string, bigint>();

  constructor(private readonly opts: PipelineOptions) {
    this.clock = opts.clock ?? new KernelClock();
    this.processInfo = opts.processInfo ?? new ProcessInfo();
    this.sampler = opts.sampling ? new Sampler(opts.sampling) : undefined;
    this.desyncReporter = new DesyncReporter({ idPrefix: opts.idPrefix, redactor: opts.redactor, ...(opts.maxDesyncPerSecond !== undefined ? { maxPerSecond: opts.maxDesyncPerSecond } : {}) });
  }

  push(event: CaptureEvent): void {
    if (event.kind === 'lost') {
      this.counters.droppedEvents += event.count;
      return;
    }
    this.counters.capturedEvents++;
    if (event.pid === this.opts.selfPid) return;
    this.lastNs = event.timestampNs > this.lastNs ? event.timestampNs : this.lastNs;
    if (event.kind === 'close') {
      const conn = this.connections.get(event.connectionId);
      if (conn) this.closeConnection(conn, event.timestampNs);
      return;
    }
    if (!this.accepts(event.pid, event.comm, event.kind === 'open' ? event.tuple : event.tuple)) return;
    const conn = this.connection(event);
    if (event.kind === 'open') {
      conn.role = event.role;
      conn.tuple = event.tuple;
      if (event.peer) conn.peer = event.peer;
      this.register(conn);
      return;
    }
    this.counters.capturedBytes += event.originalLength;
    const hadTuple = conn.tuple !== undefined && conn.role !== undefined;
    conn.data(event);
    if (!hadTuple && conn.tuple && conn.role) this.register(conn);
  }

  /**
   * The sensor's own endpoint: its clients' side of the WebSocket (and health probes) is traced
   * like any traffic, but must never be reported. Matched by local port and by our token.
   */
  ignoreOwnEndpoint(port: number, token: string): void {
    this.ownPorts.add(port);
    this.ownAuthorization.add(`bearer ${token}`.toLowerCase());
  }

  private isOwnTraffic(conn: Connection, x: Exchange): boolean {
    if (conn.own) return true;
    const own = this.identifiesOwn(conn, x);
    // Sticky: what identified the connection once (its tuple, our token) covers its later exchanges.
    if (own) conn.own = true;
    return own;
  }

  private identifiesOwn(conn: Connection, x: Exchange): boolean {
    if (this.ownPorts.size > 0) {
      const t = conn.tuple;
      if (t) {
        // A role not known yet: either end may be ours.
        if (conn.role !== 'server' && this.ownPorts.has(t.remotePort) && isLocalAddress(t.remoteAddress)) return true;
        if (conn.role !== 'client' && this.ownPorts.has(t.localPort) && isLocalAddress(t.localAddress)) return true;
      } else {
        // The tuple can arrive after the exchange (no open event seen yet): the Host the client
        // named then tells whether it spoke to our port on this machine.
        const host = x.request.head.kind === 'request' ? fieldValue(x.request.head, 'host') : undefined;
        const m = host ? /^\[?([^\]]*?)\]?:(\d+)$/.exec(host.trim()) : null;
        if (m && this.ownPorts.has(Number(m[2])) && (m[1] === 'localhost' || isLocalAddress(m[1] ?? ''))) return true;
      }
    }
    if (this.ownAuthorization.size === 0) return false;
    for (const value of fieldValues(x.request.head, 'authorization')) {
      if (this.ownAuthorization.has(value.trim().toLowerCase().replace(/\s+/g, ' '))) return true;
    }
    return false;
  }

  /** Resolves when every exchange seen so far has been turned into a transaction. */
  flush(): Promise<void> {
    return this.chain;
  }

  /** Forget idle connections; called periodically. */
  sweep(nowNs: bigint = this.lastNs): void {
    const idle = this.opts.idleNs ?? 300_000_000_000n;
    for (const conn of this.connections.values()) if (nowNs - conn.lastSeenNs > idle) this.closeConnection(conn, nowNs);
    const keep = 10_000_000_000n;
    for (const [key, at] of this.desyncedEnds) if (nowNs - at > keep) this.desyncedEnds.delete(key);
    while (this.closedEnds.length > 0 && nowNs - (this.closedEnds[0]?.at ?? nowNs) > keep) {
      const gone = this.closedEnds.shift();
      if (!gone) break;
      const ends = this.ends.get(gone.key);
      if (ends?.server === gone.conn) delete ends.server;
      if (ends?.client === gone.conn) delete ends.client;
      if (ends && !ends.server && !ends.client) this.ends.delete(gone.key);
    }
  }

  private accepts(pid: number, comm: string, tuple: SocketTuple | undefined): boolean {
    const f = this.opts.filters;
    if (!f) return true;
    if (f.pids?.length && !f.pids.includes(pid)) return false;
    if (f.comms?.length && !f.comms.includes(comm)) return false;
    if (f.ports?.length && tuple && !f.ports.includes(tuple.localPort) && !f.ports.includes(tuple.remotePort)) return false;
    return true;
  }

  private connection(event: OpenEvent | DataEvent): Connection {
    let conn = this.connections.get(event.connectionId);
    if (conn) return conn;
    const max = this.opts.maxConnections ?? 20_000;
    if (this.connections.size >= max) {
      const oldest = this.connections.values().next();
      if (!oldest.done) this.closeConnection(oldest.value, event.timestampNs);
    }
    conn = new Connection(event.connectionId, event.pid, event.comm, {
      maxBody: this.opts.maxBody,
      onExchange: (x) => this.exchange(x),
      onParseError: () => {
        this.counters.parseErrors++;
      },
      onTruncated: () => {
        this.counters.truncated++;
      },
      onDesync: (c, side, d) => this.desync(c, side, d),
    });
    conn.lastSeenNs = event.timestampNs;
    this.connections.set(event.connectionId, conn);
    this.counters.activeConnections = this.connections.size;
    return conn;
  }

  private register(conn: Connection): void {
    if (!conn.tuple || !conn.role) return;
    const key = endsKey(conn.role, conn.tuple);
    const ends = this.ends.get(key) ?? {};
    ends[conn.role] = conn;
    this.ends.set(key, ends);
  }

  private closeConnection(conn: Connection, ns: bigint): void {
    conn.close(ns);
    this.connections.delete(conn.id);
    this.counters.activeConnections = this.connections.size;
    if (conn.tuple && conn.role) this.closedEnds.push({ key: endsKey(conn.role, conn.tuple), conn, at: ns });
  }

  private desync(conn: Connection, side: 'request' | 'response', d: Desync): void {
    const t = conn.tuple;
    if (t && this.ownPorts.has(conn.role === 'client' ? t.remotePort : t.localPort)) return;
    if (t && conn.role) {
      const key = endsKey(conn.role, t);
      if (this.desyncedEnds.has(key)) return; // the other end of the same connection reported it
      this.desyncedEnds.set(key, conn.lastSeenNs);
    }
    this.counters.desyncs = (this.counters.desyncs ?? 0) + 1;
    const event = this.desyncReporter.build(conn, side, d);
    if (event) this.opts.onDesync?.(event);
  }

  private exchange(x: Exchange): void {
    const conn = x.connection;
    if (this.isOwnTraffic(conn, x)) return;
    const role = conn.role ?? 'server';
    const ends = conn.tuple ? this.ends.get(endsKey(role, conn.tuple)) : undefined;
    if (role === 'client' && ends?.server && ends.server !== conn && !ends.server.ignored) {
      // The server's side reports this exchange, with this client named.
      this.counters.deduplicated++;
      return;
    }
    if (this.sampler && !this.sampled(conn, x)) return;
    const other = role === 'server' ? (ends?.client ?? conn.peer) : undefined;
    const id = `${this.opts.idPrefix}-${(++this.sequence).toString(36)}`;
    const containerId = this.processInfo.containerId(conn.pid);
    const proc = { pid: conn.pid, comm: conn.comm, ...(containerId ? { containerId } : {}) };
    let peerProcess: { pid: number; comm: string; containerId?: string } | undefined;
    if (other && other !== conn) {
      const otherContainer = this.processInfo.containerId(other.pid);
      peerProcess = { pid: other.pid, comm: other.comm, ...(otherContainer ? { containerId: otherContainer } : {}) };
    }
    const servingPid = role === 'server' ? conn.pid : undefined;
    const k8s = servingPid === undefined ? undefined : this.opts.attribute?.(servingPid);
    const ctx = {
      id,
      tls: conn.tls,
      role,
      tuple: conn.tuple,
      process: proc,
      ...(peerProcess ? { peerProcess } : {}),
      ...(k8s ? { k8s } : {}),
      origin: 'ebpf' as const,
      maxBody: this.opts.maxBody,
      clock: this.clock,
    };
    // Transactions leave in the order their exchanges completed: while a body is being
    // decompressed, later exchanges queue behind it; otherwise they leave at once, no promise.
    const built = buildTransaction(ctx, x.request, x.response);
    if (!(built instanceof Promise) && this.pendingAsync === 0) {
      this.emit(built);
      return;
    }
    this.pendingAsync++;
    if (built instanceof Promise) built.catch(() => undefined); // handled in order below
    this.chain = this.chain.then(async () => {
      try {
        this.emit(await built);
      } catch (e) {
        this.opts.onLog?.(`dropped an exchange whose body could not be decoded: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        this.pendingAsync--;
      }
    });
  }

  /** Decided before anything is built, so that sampled-out exchanges cost almost nothing. */
  private sampled(conn: Connection, x: Exchange): boolean {
    const head = x.request.head;
    const sampler = this.sampler;
    if (!sampler || head.kind !== 'request') return true;
    if (!sampler.admits(x.response?.endNs ?? x.request.endNs)) {
      this.counters.sampledOut = sampler.sampledOut;
      return false;
    }
    // A keep-alive connection mostly repeats its endpoint: the slot of the last one is reused
    // when the head names the same (compared in place), with no string built or looked up.
    const memo = conn.sampling;
    let slot: EndpointSlot | undefined;
    // Without a Host the service is the tuple's: the same object, the same service. An HTTP/2
    // head's method and target mostly are the very strings of the last one (HPACK's table).
    // A head the parser reused (its bytes repeated the last one's) is the very object of last time.
    const same =
      memo !== undefined &&
      memo.window === sampler.window &&
      memo.tuple === conn.tuple &&
      (memo.head === head ||
        (head instanceof ScannedRequestHead ? head.hasEndpoint(memo.endpoint) && head.fields.valueIs('host', memo.host) : head.target === memo.target && head.method === memo.method && fieldValue(head, 'host') === memo.host));
    if (same) {
      slot = memo.slot;
      memo.head = head;
    } else {
      let endpoint: string;
      if (head instanceof ScannedRequestHead) endpoint = head.endpoint();
      else {
        const q = head.target.indexOf('?');
        endpoint = `${head.method} ${q < 0 ? head.target : head.target.slice(0, q)}`;
      }
      const host = fieldValue(head, 'host');
      slot = sampler.slot(host ?? `${conn.tuple?.localAddress ?? ''}:${conn.tuple?.localPort ?? 0}`, endpoint);
      conn.sampling = { window: sampler.window, tuple: conn.tuple, head, method: head.method, target: head.target, endpoint, host, slot };
    }
    const kept = sampler.keepSlot(slot);
    if (!kept) this.counters.sampledOut = sampler.sampledOut;
    return kept;
  }

  /** Never throws: one bad exchange must not take the capture loop down with it. */
  private emit(built: Transaction): void {
    let tx: Transaction;
    try {
      tx = this.opts.redactor.redact(built);
    } catch (e) {
      this.opts.onLog?.(`dropped an exchange that could not be redacted: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.counters.transactions++;
    for (const r of tx.redactions) this.counters.redactions += r.count;
    this.opts.onTransaction(tx);
  }
}

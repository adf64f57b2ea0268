// An Exchange (parsed request + response of one connection) to a Transaction per the contract
// in core/src/protocol/transaction.ts, before redaction.
import type { CapturedBody, KubernetesRef, Peer, Transaction } from '../../../core/src/protocol/transaction';
import { splitTarget } from '../../../core/src/protocol/target';
import type { SocketTuple } from '../capture/events';
import { buildBody } from '../http/body';
import { fieldValue } from '../http/head';
import type { ParsedMessage } from '../http/parser';
import { durationMs, type KernelClock } from './clock';
import { grpcCall, isGrpc } from '../http2/grpc';

export interface ExchangeContext {
  id: string;
  tls: boolean;
  /** The traced process's side of the connection. */
  role: 'client' | 'server';
  tuple: SocketTuple | undefined;
  process: { pid: number; comm: string; containerId?: string };
  /** The other end, when it is a local process that was seen too. */
  peerProcess?: { pid: number; comm: string; containerId?: string };
  origin: Transaction['origin'];
  /** The serving pod (sensor/src/k8s/), and the service name the inventory groups it under. */
  k8s?: { ref: KubernetesRef; service: string };
  maxBody: number;
  clock: KernelClock;
}

function peer(address: string | undefined, port: number | undefined, proc: ExchangeContext['process'] | undefined): Peer {
  const p: Peer = { address: normalizeAddress(address ?? ''), port: port ?? 0 };
  if (proc) {
    p.pid = proc.pid;
    p.process = proc.comm;
    if (proc.containerId) p.containerId = proc.containerId;
  }
  return p;
}

export function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** Synchronous unless a body must be decompressed; then a promise of the same transaction. */
export function buildTransaction(ctx: ExchangeContext, request: ParsedMessage, response: ParsedMessage | undefined): Transaction | Promise<Transaction> {
  const reqHead = request.head;
  if (reqHead.kind !== 'request') throw new Error('request side holds a response');
  const t = ctx.tuple;
  const local = ctx.role === 'server' ? ctx.process : ctx.peerProcess;
  const remote = ctx.role === 'server' ? ctx.peerProcess : ctx.process;
  const server = ctx.role === 'server' ? peer(t?.localAddress, t?.localPort, local) : peer(t?.remoteAddress, t?.remotePort, local);
  const client = ctx.role === 'server' ? peer(t?.remoteAddress, t?.remotePort, remote) : peer(t?.localAddress, t?.localPort, remote);
  const split = splitTarget(reqHead.target);
  const host = fieldValue(reqHead, 'host') ?? reqHead.authority;
  const endNs = response ? response.endNs : request.endNs;
  const tx: Transaction = {
    id: ctx.id,
    startedAt: ctx.clock.toEpochMs(request.startNs),
    durationMs: durationMs(request.startNs, endNs),
    origin: ctx.origin,
    service: host ?? (server.address ? `${server.address.includes(':') ? `[${server.address}]` : server.address}:${server.port}` : 'unknown'),
    client,
    server,
    tls: ctx.tls,
    httpVersion: reqHead.version,
    request: { method: reqHead.method, target: reqHead.target, ...split, headers: reqHead.headers },
    redactions: [],
  };
  if (ctx.k8s) {
    tx.k8s = ctx.k8s.ref;
    tx.service = ctx.k8s.service;
  }
  const reqBody = bodyOf(request, ctx.maxBody);
  let resBody: ReturnType<typeof bodyOf> = undefined;
  if (response && response.head.kind === 'response') {
    const head = response.head;
    tx.response = { status: head.status, headers: response.trailers.length > 0 ? [...head.headers, ...response.trailers] : head.headers };
    if (head.reason) tx.response.reason = head.reason;
    resBody = bodyOf(response, ctx.maxBody);
  }
  if (reqHead.version === '2' && isGrpc(fieldValue(reqHead, 'content-type'))) {
    const call = grpcCall(split.path, tx.response?.headers);
    if (call) tx.grpc = call;
  }
  if (reqBody instanceof Promise || resBody instanceof Promise) {
    return Promise.all([reqBody, resBody]).then(([q, r]) => attachBodies(tx, q, r));
  }
  return attachBodies(tx, reqBody, resBody);
}

function attachBodies(tx: Transaction, reqBody: CapturedBody | undefined, resBody: CapturedBody | undefined): Transaction {
  if (reqBody) tx.request.body = reqBody;
  if (resBody && tx.response) tx.response.body = resBody;
  return tx;
}

function bodyOf(m: ParsedMessage, maxBody: number): ReturnType<typeof buildBody> {
  // No body crossed the wire (most requests): nothing to join or look up.
  if (m.bodySize === 0 && m.bodyParts.length === 0) return undefined;
  const contentType = fieldValue(m.head, 'content-type');
  const contentEncoding = fieldValue(m.head, 'content-encoding');
  return buildBody({
    bytes: m.body,
    size: m.bodySize,
    truncated: m.truncated,
    maxBody,
    ...(contentType !== undefined ? { contentType } : {}),
    ...(contentEncoding !== undefined ? { contentEncoding } : {}),
  });
}

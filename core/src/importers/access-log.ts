// One line of a gateway's JSON access log as a Transaction: nginx (`log_format … escape=json`
// with its variable names as keys: `request_method`, `request_uri` or `request`, `status`, …),
// Envoy (`json_format` with the names of its default format: `method`, `path`, `response_code`,
// `authority`, …) and Tapline's own gateway (`log_format tapline_gateway`: `method`, `target`,
// `client`, `decision`, …). An access log has no bodies and few headers, so what it can show is which
// operations are called, with which statuses, by whom: undocumented endpoints and statuses,
// unused and deprecated operations, coverage.
import { isRecord, type JsonRecord } from '../protocol/check';
import { splitTarget } from '../protocol/target';
import type { HttpHeader, Peer, Transaction } from '../protocol/transaction';

export type AccessLogKind = 'nginx' | 'envoy' | 'tapline-gateway';

function str(r: JsonRecord, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const v = r[key];
    if (typeof v === 'string' && v !== '' && v !== '-') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return undefined;
}

function num(r: JsonRecord, ...keys: string[]): number | undefined {
  const s = str(r, ...keys);
  if (s === undefined) return undefined;
  const n = Number(s.split(/[,\s]/)[0]); // nginx's upstream times may list several: "0.004, 0.010"
  return Number.isFinite(n) ? n : undefined;
}

/** `10.0.0.7:51234`, `[::1]:8080`, or an address alone. */
function peer(value: string | undefined, port?: number): Peer {
  if (value === undefined) return { address: '0.0.0.0', port: port ?? 0 };
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(value);
  if (v6) return { address: v6[1]!, port: Number(v6[2]) };
  const v4 = /^([^:]+):(\d+)$/.exec(value);
  if (v4) return { address: v4[1]!, port: Number(v4[2]) };
  return { address: value, port: port ?? 0 };
}

/** Which access log a record is from, by the keys it has; undefined when neither. */
export function accessLogKind(r: JsonRecord): AccessLogKind | undefined {
  if ('response_code' in r && ('method' in r || ':method' in r) && ('path' in r || 'x_envoy_original_path' in r)) return 'envoy';
  if ('status' in r && 'decision' in r && 'target' in r && 'method' in r) return 'tapline-gateway';
  if ('status' in r && ('request_uri' in r || 'request' in r || 'uri' in r)) return 'nginx';
  return undefined;
}

function time(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (Number.isFinite(n)) return n > 1e12 ? n : n * 1000; // nginx $msec is seconds with a fraction
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function headers(pairs: Array<[string, string | undefined]>): HttpHeader[] {
  return pairs.flatMap(([name, value]) => (value === undefined ? [] : [{ name, value }]));
}

/** What a record says, by kind; undefined where it says nothing. */
interface Fields {
  method: string | undefined;
  target: string | undefined;
  httpVersion?: string | undefined;
  status: number | undefined;
  durationMs: number | undefined;
  host: string | undefined;
  client: Peer;
  server: Peer;
  startedAt: number | undefined;
  userAgent?: string | undefined;
}

function seconds(r: JsonRecord, ...keys: string[]): number | undefined {
  const s = num(r, ...keys);
  return s === undefined ? undefined : s * 1000;
}

function nginxFields(r: JsonRecord): Fields {
  const request = str(r, 'request')?.split(' ');
  const durationMs = seconds(r, 'request_time', 'upstream_response_time');
  let startedAt = time(str(r, 'msec', 'time_iso8601', 'time_local', 'time'));
  if (startedAt !== undefined && durationMs !== undefined && str(r, 'msec', 'time_iso8601') !== undefined) startedAt -= durationMs; // nginx logs when the request ends
  return {
    method: str(r, 'request_method', 'method') ?? request?.[0],
    target: str(r, 'request_uri', 'uri') ?? request?.[1],
    httpVersion: str(r, 'server_protocol') ?? request?.[2],
    status: num(r, 'status'),
    durationMs,
    host: str(r, 'host', 'http_host', 'server_name'),
    client: peer(str(r, 'remote_addr'), num(r, 'remote_port')),
    server: peer(str(r, 'server_addr'), num(r, 'server_port')),
    startedAt,
    userAgent: str(r, 'http_user_agent', 'user_agent'),
  };
}

function envoyFields(r: JsonRecord): Fields {
  return {
    method: str(r, 'method', ':method'),
    target: str(r, 'x_envoy_original_path', 'path'),
    httpVersion: str(r, 'protocol'),
    status: num(r, 'response_code'),
    durationMs: num(r, 'duration'),
    host: str(r, 'authority', ':authority', 'host'),
    client: peer(str(r, 'downstream_remote_address', 'x_forwarded_for')),
    server: peer(str(r, 'downstream_local_address', 'upstream_host')),
    startedAt: time(str(r, 'start_time')),
    userAgent: str(r, 'user_agent'),
  };
}

/**
 * Tapline's own gateway (log_format tapline_gateway in gateway/nginx.ts): `time` is when the
 * request ended; `target` is empty when nginx refused the request line, which `request` still has.
 */
function gatewayFields(r: JsonRecord): Fields {
  const durationMs = seconds(r, 'request_time');
  const ended = time(str(r, 'time'));
  return {
    method: str(r, 'method'),
    target: str(r, 'target') ?? str(r, 'request')?.split(' ')[1],
    httpVersion: str(r, 'protocol'),
    status: num(r, 'status'),
    durationMs,
    host: str(r, 'host'),
    client: peer(str(r, 'client')),
    server: peer(str(r, 'upstream')?.split(',')[0]?.trim()), // "a:1, b:2" when nginx tried several
    startedAt: ended !== undefined && durationMs !== undefined ? ended - durationMs : ended,
  };
}

/**
 * Why a Tapline gateway record's status is the gateway's and not the API's, or undefined when the
 * API answered: enforce mode blocked it (`decision` block), or nginx refused it before any location
 * ran (an empty decision: a malformed escape, `%00`). Report mode's would-block was proxied.
 */
export function gatewayAnswered(r: JsonRecord): string | undefined {
  if (accessLogKind(r) !== 'tapline-gateway') return undefined;
  const decision = str(r, 'decision');
  if (decision === 'block') return `blocked by the gateway (${str(r, 'reason') ?? 'no reason'}), not answered by the API`;
  if (decision === undefined) return 'refused by nginx before the gateway ran, not answered by the API';
  return undefined;
}

/** The record as a transaction, or the reason it is not one. */
export function accessLogToTransaction(r: JsonRecord, id: string): { tx: Transaction } | { problem: string } {
  const kind = accessLogKind(r);
  if (kind === undefined) return { problem: 'neither an nginx, an Envoy nor a Tapline gateway JSON access log record (no status and request fields)' };
  const { method, target, httpVersion, status, durationMs, host, client, server, startedAt, userAgent } = kind === 'nginx' ? nginxFields(r) : kind === 'envoy' ? envoyFields(r) : gatewayFields(r);
  if (method === undefined || !/^[A-Z][A-Z0-9_-]{0,31}$/.test(method)) return { problem: `${kind}: no request method` };
  if (target === undefined || !target.startsWith('/')) return { problem: `${kind}: no request path` };
  if (status === undefined || !Number.isInteger(status) || status < 0 || status > 999) return { problem: `${kind}: no response status` };
  const split = splitTarget(target);
  const version = (httpVersion ?? 'HTTP/1.1').replace(/^HTTP\//i, '');
  const service = host ?? `${server.address}:${server.port}`;
  const tx: Transaction = {
    id,
    startedAt: startedAt ?? 0,
    durationMs: durationMs !== undefined && durationMs >= 0 ? durationMs : 0,
    origin: 'import',
    service: service.slice(0, 255),
    client,
    server,
    tls: str(r, 'scheme') === 'https' || str(r, 'https') === 'on',
    httpVersion: version === '2' || version === '2.0' ? '2' : version === '1.0' ? '1.0' : '1.1',
    request: { method, target, path: split.path, query: split.query, queryParams: split.queryParams, headers: headers([['Host', host], ['User-Agent', userAgent]]) },
    response: { status, headers: [] },
    redactions: [],
  };
  return { tx };
}

export { isRecord };

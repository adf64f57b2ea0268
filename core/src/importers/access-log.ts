// One line of a gateway's JSON access log as a Transaction: nginx (`log_format … escape=json`
// with its variable names as keys: `request_method`, `request_uri` or `request`, `status`, …) and
// Envoy (`json_format` with the names of its default format: `method`, `path`, `response_code`,
// `authority`, …). An access log has no bodies and few headers, so what it can show is which
// operations are called, with which statuses, by whom: undocumented endpoints and statuses,
// unused and deprecated operations, coverage.
import { isRecord, type JsonRecord } from '../protocol/check';
import { splitTarget } from '../protocol/target';
import type { HttpHeader, Peer, Transaction } from '../protocol/transaction';

export type AccessLogKind = 'nginx' | 'envoy';

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

/** The record as a transaction, or the reason it is not one. */
export function accessLogToTransaction(r: JsonRecord, id: string): { tx: Transaction } | { problem: string } {
  const kind = accessLogKind(r);
  if (kind === undefined) return { problem: 'neither an nginx nor an Envoy JSON access log record (no status and request fields)' };
  let method: string | undefined;
  let target: string | undefined;
  let httpVersion: string | undefined;
  let status: number | undefined;
  let durationMs: number | undefined;
  let host: string | undefined;
  let client: Peer;
  let server: Peer;
  let startedAt: number | undefined;
  let userAgent: string | undefined;
  if (kind === 'nginx') {
    const request = str(r, 'request')?.split(' ');
    method = str(r, 'request_method', 'method') ?? request?.[0];
    target = str(r, 'request_uri', 'uri') ?? request?.[1];
    httpVersion = str(r, 'server_protocol') ?? request?.[2];
    status = num(r, 'status');
    const seconds = num(r, 'request_time', 'upstream_response_time');
    durationMs = seconds === undefined ? undefined : seconds * 1000;
    host = str(r, 'host', 'http_host', 'server_name');
    client = peer(str(r, 'remote_addr'), num(r, 'remote_port'));
    server = peer(str(r, 'server_addr'), num(r, 'server_port'));
    startedAt = time(str(r, 'msec', 'time_iso8601', 'time_local', 'time'));
    if (startedAt !== undefined && durationMs !== undefined && str(r, 'msec', 'time_iso8601') !== undefined) startedAt -= durationMs; // nginx logs when the request ends
    userAgent = str(r, 'http_user_agent', 'user_agent');
  } else {
    method = str(r, 'method', ':method');
    target = str(r, 'x_envoy_original_path', 'path');
    httpVersion = str(r, 'protocol');
    status = num(r, 'response_code');
    durationMs = num(r, 'duration');
    host = str(r, 'authority', ':authority', 'host');
    client = peer(str(r, 'downstream_remote_address', 'x_forwarded_for'));
    server = peer(str(r, 'downstream_local_address', 'upstream_host'));
    startedAt = time(str(r, 'start_time'));
    userAgent = str(r, 'user_agent');
  }
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

// HAR 1.2 (as Chromium's DevTools and Playwright export it) to Transactions. The whole file is
// checked; entries that cannot become a transaction (no URL, a WebSocket, a failed request…)
// are skipped and reported with their JSON path, the rest are imported.
import { Checker, type JsonRecord, type Problem, type Validation, isRecord } from '../protocol/check';
import { splitTarget } from '../protocol/target';
import type { CapturedBody, HttpHeader, Peer, Redaction, Transaction } from '../protocol/transaction';
import { checkTransaction } from '../protocol/validate-transaction';

export interface HarImportOptions {
  origin: 'replay' | 'import';
  /** Used for ids of entries that carry none of their own. */
  idPrefix: string;
}

export interface HarImport {
  transactions: Transaction[];
  /** Entries left out, and why. */
  skipped: Problem[];
}

const TEXT_MIME = /^(text\/|application\/(?:[\w.+-]*\+)?(?:json|xml|javascript|ecmascript|x-www-form-urlencoded|graphql|x-ndjson|yaml|x-yaml)\b)|\+json\b|\+xml\b/i;

export function parseHar(text: string, opts: HarImportOptions): Validation<HarImport> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ok: false, problems: [{ path: '$', message: `not JSON: ${e instanceof Error ? e.message : String(e)}` }] };
  }
  return harToTransactions(doc, opts);
}

export function harToTransactions(doc: unknown, opts: HarImportOptions): Validation<HarImport> {
  const c = new Checker();
  const root = c.record(doc, '$');
  const log = root ? c.record(root.log, '$.log') : undefined;
  if (!log) return { ok: false, problems: c.problems };
  const version = c.string(log, 'version', '$.log', { optional: true, max: 16 });
  if (version !== undefined && !/^1\.[12]$/.test(version)) c.fail('$.log.version', `HAR ${version} is not supported (1.1 or 1.2)`);
  const entries = c.array(log.entries, '$.log.entries', 1_000_000);
  if (!entries || !c.ok) return { ok: false, problems: c.problems };
  const transactions: Transaction[] = [];
  const skipped: Problem[] = [];
  entries.forEach((entry, i) => {
    const path = `$.log.entries[${i}]`;
    const r = entryToTransaction(entry, path, `${opts.idPrefix}-${i}`, opts.origin);
    if ('problem' in r) skipped.push(r.problem);
    else transactions.push(r.tx);
  });
  return { ok: true, value: { transactions, skipped } };
}

function pairs(value: unknown): HttpHeader[] {
  if (!Array.isArray(value)) return [];
  const out: HttpHeader[] = [];
  for (const item of value) {
    if (isRecord(item) && typeof item.name === 'string' && typeof item.value === 'string') {
      // HTTP/2 pseudo-headers (:method, :path…) are not headers in the HTTP/1.x sense.
      if (!item.name.startsWith(':')) out.push({ name: item.name, value: item.value });
    }
  }
  return out;
}

function header(headers: readonly HttpHeader[], name: string): string | undefined {
  return headers.find((h) => h.name.toLowerCase() === name)?.value;
}

function decodeBase64(b64: string): Uint8Array | undefined {
  try {
    const bin = atob(b64);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}

function body(text: unknown, encoding: unknown, mimeType: string | undefined, size: number, headers: readonly HttpHeader[]): CapturedBody | undefined {
  if (typeof text !== 'string' || (text === '' && size <= 0)) return size > 0 ? { size, truncated: false, encoding: 'none', ...(mimeType ? { contentType: mimeType } : {}) } : undefined;
  const b: CapturedBody = { size, truncated: false, encoding: 'text' };
  if (mimeType) b.contentType = mimeType;
  const ce = header(headers, 'content-encoding');
  if (ce && ce !== 'identity') b.contentEncoding = ce.toLowerCase();
  if (encoding === 'base64') {
    const bytes = decodeBase64(text);
    if (!bytes) return { ...b, encoding: 'none' };
    if (b.size < 0) b.size = bytes.length;
    if (mimeType && TEXT_MIME.test(mimeType)) {
      try {
        return { ...b, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
      } catch {
        // declared text but not UTF-8: keep it as binary
      }
    }
    return { ...b, encoding: 'base64', base64: text };
  }
  if (b.size < 0) b.size = new TextEncoder().encode(text).length;
  return { ...b, text };
}

function peerFrom(value: unknown, fallback: Peer): Peer {
  if (!isRecord(value) || typeof value.address !== 'string' || typeof value.port !== 'number') return fallback;
  const p: Peer = { address: value.address, port: value.port };
  if (typeof value.pid === 'number') p.pid = value.pid;
  if (typeof value.process === 'string') p.process = value.process;
  if (typeof value.containerId === 'string') p.containerId = value.containerId;
  return p;
}

function redactionsFrom(value: unknown): Redaction[] {
  return Array.isArray(value) ? (value.filter((r) => isRecord(r)) as unknown as Redaction[]) : [];
}

/** `HTTP/2`, `HTTP/2.0` and `h2` (what browsers write) are HTTP/2; `HTTP/1.0` is 1.0; the rest 1.1. */
function httpVersionOf(value: unknown): Transaction['httpVersion'] {
  if (typeof value !== 'string') return '1.1';
  if (/^(?:HTTP\/2(?:\.0)?|h2c?)$/i.test(value.trim())) return '2';
  return /1\.0$/.test(value) ? '1.0' : '1.1';
}

export function entryToTransaction(entry: unknown, path: string, fallbackId: string, origin: 'replay' | 'import'): { tx: Transaction } | { problem: Problem } {
  const c = new Checker();
  const e = c.record(entry, path);
  const req = e ? c.record(e.request, `${path}.request`) : undefined;
  const res = e ? c.record(e.response, `${path}.response`) : undefined;
  if (!e || !req || !res) return { problem: c.problems[0] ?? { path, message: 'not an entry' } };
  const method = c.string(req, 'method', `${path}.request`, { min: 1, max: 64 });
  const url = c.string(req, 'url', `${path}.request`, { min: 1, max: 65536 });
  const started = c.string(e, 'startedDateTime', path, { max: 64 });
  const status = c.number(res, 'status', `${path}.response`, { integer: true, min: 0, max: 999 });
  if (!c.ok || method === undefined || url === undefined || started === undefined || status === undefined) return { problem: c.problems[0] ?? { path, message: 'invalid entry' } };
  const m = /^(https?|wss?):\/\/([^/?#]*)(.*)$/i.exec(url);
  if (!m) return { problem: { path: `${path}.request.url`, message: 'not an http(s) URL (data:, blob: and the like are not traffic)' } };
  const scheme = (m[1] ?? '').toLowerCase();
  if (scheme.startsWith('ws')) return { problem: { path: `${path}.request.url`, message: 'WebSocket entries are not HTTP exchanges' } };
  const authority = (m[2] ?? '').replace(/^[^@]*@/, '');
  const target = (m[3] ?? '').replace(/#.*$/, '') || '/';
  const startedAt = Date.parse(started);
  if (!Number.isFinite(startedAt)) return { problem: { path: `${path}.startedDateTime`, message: 'not a date' } };
  const tls = scheme === 'https';
  const hostPort = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(authority);
  const host = (hostPort?.[1] ?? authority).replace(/^\[|\]$/g, '');
  const port = hostPort?.[2] ? Number(hostPort[2]) : tls ? 443 : 80;
  const ext = isRecord(e._tapline) ? e._tapline : undefined;
  const serverIp = typeof e.serverIPAddress === 'string' && e.serverIPAddress !== '' ? e.serverIPAddress.replace(/^\[|\]$/g, '') : host;
  const reqHeaders = pairs(req.headers);
  const resHeaders = pairs(res.headers);
  const version = httpVersionOf(req.httpVersion);
  const tx: Transaction = {
    id: typeof ext?.id === 'string' && origin === 'import' ? ext.id : fallbackId,
    startedAt,
    durationMs: typeof e.time === 'number' && e.time > 0 ? e.time : 0,
    origin,
    service: typeof ext?.service === 'string' ? ext.service : authority,
    client: peerFrom(ext?.client, { address: '', port: 0 }),
    server: peerFrom(ext?.server, { address: serverIp, port }),
    tls,
    httpVersion: version,
    request: { method: method.toUpperCase(), target, ...splitTarget(target), headers: reqHeaders },
    redactions: redactionsFrom(ext?.redactions),
  };
  if (ext?.k8s !== undefined) tx.k8s = ext.k8s as Transaction['k8s']; // checked with the rest below
  if (ext?.grpc !== undefined) tx.grpc = ext.grpc as Transaction['grpc']; // likewise
  const post = isRecord(req.postData) ? req.postData : undefined;
  if (post) {
    const mime = typeof post.mimeType === 'string' && post.mimeType !== '' ? post.mimeType : header(reqHeaders, 'content-type');
    const size = typeof ext?.requestBodySize === 'number' ? ext.requestBodySize : typeof req.bodySize === 'number' && req.bodySize >= 0 ? req.bodySize : -1;
    const b = body(post.text, ext?.requestBodyEncoding === 'base64' ? 'base64' : undefined, mime, size, reqHeaders);
    if (b) tx.request.body = { ...b, truncated: ext?.requestTruncated === true };
  }
  if (status !== 0 && ext?.noResponse !== true) {
    if (status < 100) return { problem: { path: `${path}.response.status`, message: `status ${status} is not an HTTP status` } };
    tx.response = { status, headers: resHeaders };
    if (typeof res.statusText === 'string' && res.statusText !== '') tx.response.reason = res.statusText;
    const content: JsonRecord = isRecord(res.content) ? res.content : {};
    const mime = typeof content.mimeType === 'string' && content.mimeType !== '' ? content.mimeType : header(resHeaders, 'content-type');
    // Transaction sizes are before content decoding: HAR's bodySize when the body was encoded
    // (content.size is the decoded size), content.size otherwise (bodySize may count chunk framing).
    const encoded = (header(resHeaders, 'content-encoding') ?? 'identity').toLowerCase() !== 'identity';
    const wire = typeof res.bodySize === 'number' && res.bodySize >= 0 ? res.bodySize : undefined;
    const decodedSize = typeof content.size === 'number' && content.size >= 0 ? content.size : undefined;
    const size = typeof ext?.responseBodySize === 'number' ? ext.responseBodySize : ((encoded ? wire : decodedSize) ?? decodedSize ?? -1);
    const b = body(content.text, content.encoding, mime, size, resHeaders);
    if (b) tx.response.body = { ...b, truncated: ext?.responseTruncated === true };
  }
  const check = new Checker();
  checkTransaction(check, tx, path);
  if (!check.ok) return { problem: check.problems[0] ?? { path, message: 'invalid' } };
  return { tx };
}

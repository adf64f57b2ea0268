// Runtime validation of a Transaction (protocol tapline/1, also used for HAR imports): every
// field the type promises is checked, so consumers can trust the shape of what they render.
import { Checker, type JsonRecord, type Validation } from './check';
import type { RedactionKind, RedactionLocation, Transaction } from './transaction';

export const LIMITS = {
  /** Generous: a body is capped by the sensor well below this; base64 grows it by a third. */
  bodyChars: 32 * 1024 * 1024,
  shortString: 1024,
  target: 64 * 1024,
  headerValue: 64 * 1024,
  headers: 1000,
  queryParams: 1000,
  redactions: 1000,
} as const;

const REDACTION_KINDS: readonly RedactionKind[] = ['authorization', 'cookie', 'set-cookie', 'api-key', 'jwt', 'email', 'card-number', 'national-id', 'credential', 'private-key', 'iban', 'phone', 'custom'];
const REDACTION_LOCATIONS: readonly RedactionLocation[] = ['request.path', 'request.query', 'request.header', 'request.body', 'response.header', 'response.body'];

function checkPairs(c: Checker, obj: JsonRecord, key: string, path: string, maxItems: number): void {
  const list = c.array(obj[key], `${path}.${key}`, maxItems);
  list?.forEach((item, i) => {
    const p = `${path}.${key}[${i}]`;
    const rec = c.record(item, p);
    if (!rec) return;
    c.string(rec, 'name', p, { max: LIMITS.shortString });
    c.string(rec, 'value', p, { max: LIMITS.headerValue });
  });
}

function checkBody(c: Checker, owner: JsonRecord, path: string): void {
  if (owner.body === undefined) return;
  const p = `${path}.body`;
  const body = c.record(owner.body, p);
  if (!body) return;
  c.number(body, 'size', p, { integer: true, min: 0 });
  c.boolean(body, 'truncated', p);
  c.string(body, 'contentType', p, { optional: true, max: LIMITS.shortString });
  c.string(body, 'contentEncoding', p, { optional: true, max: LIMITS.shortString });
  const encoding = c.oneOf(body, 'encoding', p, ['text', 'base64', 'none'] as const);
  const text = c.string(body, 'text', p, { optional: true, max: LIMITS.bodyChars });
  const base64 = c.string(body, 'base64', p, { optional: true, max: LIMITS.bodyChars });
  if (encoding === 'text' && text === undefined) c.fail(`${p}.text`, 'is required when encoding is "text"');
  if (encoding === 'base64' && base64 === undefined) c.fail(`${p}.base64`, 'is required when encoding is "base64"');
  if (base64 !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) c.fail(`${p}.base64`, 'is not base64');
}

function checkPeer(c: Checker, obj: JsonRecord, key: string, path: string): void {
  const p = `${path}.${key}`;
  const peer = c.record(obj[key], p);
  if (!peer) return;
  c.string(peer, 'address', p, { max: 256 });
  c.number(peer, 'port', p, { integer: true, min: 0, max: 65535 });
  c.number(peer, 'pid', p, { optional: true, integer: true, min: 0 });
  c.string(peer, 'process', p, { optional: true, max: LIMITS.shortString });
  c.string(peer, 'containerId', p, { optional: true, max: 256 });
}

// Names as Kubernetes allows them (DNS labels and subdomains, kinds are identifiers); anything
// else came from somewhere else and is refused rather than rendered.
const K8S_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const K8S_KIND = /^[A-Za-z][A-Za-z0-9]{0,62}$/;

function checkKubernetes(c: Checker, t: JsonRecord, path: string): void {
  if (t.k8s === undefined) return;
  const p = `${path}.k8s`;
  const k = c.record(t.k8s, p);
  if (!k) return;
  const name = (key: string, optional: boolean, owner: JsonRecord, at: string): void => {
    const v = c.string(owner, key, at, { optional, min: 1, max: 253 });
    if (v !== undefined && !K8S_NAME.test(v)) c.fail(`${at}.${key}`, 'is not a Kubernetes name');
  };
  name('namespace', false, k, p);
  name('pod', false, k, p);
  name('container', true, k, p);
  if (k.workload !== undefined) {
    const wp = `${p}.workload`;
    const w = c.record(k.workload, wp);
    if (!w) return;
    const kind = c.string(w, 'kind', wp, { min: 1, max: 63 });
    if (kind !== undefined && !K8S_KIND.test(kind)) c.fail(`${wp}.kind`, 'is not a Kubernetes kind');
    name('name', false, w, wp);
  }
}

export function checkTransaction(c: Checker, value: unknown, path: string): void {
  const t = c.record(value, path);
  if (!t) return;
  c.string(t, 'id', path, { min: 1, max: 256 });
  c.number(t, 'startedAt', path, { min: 0 });
  c.number(t, 'durationMs', path, { min: 0 });
  c.oneOf(t, 'origin', path, ['ebpf', 'replay', 'import'] as const);
  c.string(t, 'service', path, { max: LIMITS.shortString });
  checkPeer(c, t, 'client', path);
  checkPeer(c, t, 'server', path);
  c.boolean(t, 'tls', path);
  c.oneOf(t, 'httpVersion', path, ['1.0', '1.1', '2'] as const);

  const rp = `${path}.request`;
  const req = c.record(t.request, rp);
  if (req) {
    const method = c.string(req, 'method', rp, { min: 1, max: 64 });
    if (method !== undefined && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(method)) c.fail(`${rp}.method`, 'is not an HTTP token');
    c.string(req, 'target', rp, { max: LIMITS.target });
    c.string(req, 'path', rp, { max: LIMITS.target });
    c.string(req, 'query', rp, { max: LIMITS.target });
    checkPairs(c, req, 'queryParams', rp, LIMITS.queryParams);
    checkPairs(c, req, 'headers', rp, LIMITS.headers);
    checkBody(c, req, rp);
  }

  if (t.response !== undefined) {
    const sp = `${path}.response`;
    const res = c.record(t.response, sp);
    if (res) {
      c.number(res, 'status', sp, { integer: true, min: 100, max: 999 });
      c.string(res, 'reason', sp, { optional: true, max: LIMITS.shortString });
      checkPairs(c, res, 'headers', sp, LIMITS.headers);
      checkBody(c, res, sp);
    }
  }

  checkKubernetes(c, t, path);
  checkGrpc(c, t, path);

  const list = c.array(t.redactions, `${path}.redactions`, LIMITS.redactions);
  list?.forEach((item, i) => {
    const p = `${path}.redactions[${i}]`;
    const r = c.record(item, p);
    if (!r) return;
    c.oneOf(r, 'kind', p, REDACTION_KINDS);
    c.oneOf(r, 'location', p, REDACTION_LOCATIONS);
    c.string(r, 'name', p, { optional: true, max: LIMITS.shortString });
    c.number(r, 'count', p, { integer: true, min: 1 });
  });
}

export function validateTransaction(value: unknown): Validation<Transaction> {
  const c = new Checker();
  checkTransaction(c, value, '$');
  return c.result<Transaction>(value);
}

function checkGrpc(c: Checker, t: JsonRecord, path: string): void {
  if (t.grpc === undefined) return;
  const gp = `${path}.grpc`;
  const g = c.record(t.grpc, gp);
  if (!g) return;
  c.string(g, 'service', gp, { max: LIMITS.shortString });
  c.string(g, 'method', gp, { max: LIMITS.shortString });
  c.number(g, 'status', gp, { optional: true, integer: true, min: 0, max: 0x7fffffff });
  c.string(g, 'message', gp, { optional: true, max: LIMITS.target });
}

// Bounded sample transactions per endpoint: the most recent N, plus the latest one for each
// distinct status (so a rare 500 stays visible next to a flood of 200s). Each sample is a copy
// with bodies, headers and strings capped, so an endpoint's samples cost at most
// (recent + statuses) × sampleBytesBound(options) whatever the traffic sends.

import type { CapturedBody, HttpHeader, KubernetesRef, QueryParam, Transaction } from '../protocol/transaction';
import { sampleStatus } from './grpc-endpoint';

export interface SampleLimits {
  maxRecentSamples: number;
  maxStatusSamples: number;
  /** Per body (request and response each), in UTF-8 bytes of text or decoded bytes of base64. */
  maxBodyBytes: number;
  /** Per header block (request and response each): names plus values. */
  maxHeaderBytes: number;
  /**
   * A new "recent" sample is taken at most this often per endpoint (transaction time), so that a
   * hot endpoint does not pay a copy per call. New statuses are always sampled.
   */
  minSampleIntervalMs: number;
}

const MAX_TARGET_CHARS = 2048;
const MAX_QUERY_PARAMS = 64;
const MAX_SHORT_CHARS = 256;

/** Upper bound of one sample's size in bytes, used for the documented memory figure. */
export function sampleBytesBound(limits: SampleLimits): number {
  // two bodies, two header blocks, target + path + query (+ parsed query), peers and fixed fields
  return 2 * limits.maxBodyBytes + 2 * limits.maxHeaderBytes + 4 * MAX_TARGET_CHARS + 1024;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The first `maxBytes` UTF-8 bytes of `text`, as a fresh string: a plain slice would keep the
 * whole original alive in V8 (sliced strings point into their parent).
 */
export function truncateUtf8(text: string, maxBytes: number): { text: string; truncated: boolean } {
  if (text.length <= maxBytes / 3) return { text, truncated: false };
  const bytes = encoder.encode(text.length > maxBytes ? text.slice(0, maxBytes) : text);
  if (bytes.length <= maxBytes && text.length <= maxBytes) return { text, truncated: false };
  let end = Math.min(maxBytes, bytes.length);
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--; // do not cut a character in half
  return { text: decoder.decode(bytes.subarray(0, end)), truncated: true };
}

function capString(value: string, max: number): string {
  return value.length <= max ? value : truncateUtf8(value, max).text;
}

function boundBody(body: CapturedBody | undefined, maxBytes: number): CapturedBody | undefined {
  if (body === undefined) return undefined;
  const out: CapturedBody = { size: body.size, truncated: body.truncated, encoding: body.encoding };
  if (body.contentType !== undefined) out.contentType = capString(body.contentType, MAX_SHORT_CHARS);
  if (body.contentEncoding !== undefined) out.contentEncoding = capString(body.contentEncoding, MAX_SHORT_CHARS);
  if (body.text !== undefined) {
    const t = truncateUtf8(body.text, maxBytes);
    out.text = t.text;
    out.truncated ||= t.truncated;
  }
  if (body.base64 !== undefined) {
    const maxChars = Math.floor(maxBytes / 3) * 4;
    if (body.base64.length > maxChars) {
      out.base64 = truncateUtf8(body.base64, maxChars).text;
      out.truncated = true;
    } else {
      out.base64 = body.base64;
    }
  }
  return out;
}

function boundHeaders(headers: readonly HttpHeader[], maxBytes: number): HttpHeader[] {
  const out: HttpHeader[] = [];
  let used = 0;
  for (const h of headers) {
    const name = capString(h.name, MAX_SHORT_CHARS);
    const room = maxBytes - used - name.length;
    if (room <= 0) break;
    const value = capString(h.value, Math.min(room, 1024));
    out.push({ name, value });
    used += name.length + value.length;
  }
  return out;
}

function boundQuery(params: readonly QueryParam[]): QueryParam[] {
  return params.slice(0, MAX_QUERY_PARAMS).map((p) => ({
    name: capString(p.name, MAX_SHORT_CHARS),
    value: capString(p.value, MAX_SHORT_CHARS),
  }));
}

/** The pod a sample was served by, each name capped (they come from the node's API answers). */
function boundK8s(k: KubernetesRef): KubernetesRef {
  const out: KubernetesRef = { namespace: capString(k.namespace, MAX_SHORT_CHARS), pod: capString(k.pod, MAX_SHORT_CHARS) };
  if (k.container !== undefined) out.container = capString(k.container, MAX_SHORT_CHARS);
  if (k.workload !== undefined) out.workload = { kind: capString(k.workload.kind, MAX_SHORT_CHARS), name: capString(k.workload.name, MAX_SHORT_CHARS) };
  return out;
}

/** A copy of `t` that respects the limits; the original is not retained. */
export function boundedCopy(t: Transaction, limits: SampleLimits): Transaction {
  const copy: Transaction = {
    id: capString(t.id, MAX_SHORT_CHARS),
    startedAt: t.startedAt,
    durationMs: t.durationMs,
    origin: t.origin,
    service: capString(t.service, MAX_SHORT_CHARS),
    client: { ...t.client, address: capString(t.client.address, MAX_SHORT_CHARS) },
    server: { ...t.server, address: capString(t.server.address, MAX_SHORT_CHARS) },
    tls: t.tls,
    httpVersion: t.httpVersion,
    request: {
      method: capString(t.request.method, 32),
      target: capString(t.request.target, MAX_TARGET_CHARS),
      path: capString(t.request.path, MAX_TARGET_CHARS),
      query: capString(t.request.query, MAX_TARGET_CHARS),
      queryParams: boundQuery(t.request.queryParams),
      headers: boundHeaders(t.request.headers, limits.maxHeaderBytes),
    },
    redactions: t.redactions.slice(0, 32).map((r) => ({ ...r })),
  };
  if (t.k8s !== undefined) copy.k8s = boundK8s(t.k8s);
  if (t.grpc !== undefined) {
    copy.grpc = { service: capString(t.grpc.service, MAX_SHORT_CHARS), method: capString(t.grpc.method, MAX_SHORT_CHARS) };
    if (t.grpc.status !== undefined) copy.grpc.status = t.grpc.status;
    if (t.grpc.message !== undefined) copy.grpc.message = capString(t.grpc.message, MAX_TARGET_CHARS);
  }
  const requestBody = boundBody(t.request.body, limits.maxBodyBytes);
  if (requestBody !== undefined) copy.request.body = requestBody;
  if (t.response !== undefined) {
    copy.response = { status: t.response.status, headers: boundHeaders(t.response.headers, limits.maxHeaderBytes) };
    if (t.response.reason !== undefined) copy.response.reason = capString(t.response.reason, MAX_SHORT_CHARS);
    const responseBody = boundBody(t.response.body, limits.maxBodyBytes);
    if (responseBody !== undefined) copy.response.body = responseBody;
  }
  return copy;
}

export class SampleSet {
  private recent: Transaction[] = [];
  private next = 0;
  private readonly byStatus = new Map<number, Transaction>();
  /** Samples not yet handed out by takeUnsent(); pruned so it never outgrows the set itself. */
  private unsent = new Set<Transaction>();

  constructor(private readonly limits: SampleLimits) {}

  private lastRecentAt = -Infinity;

  /** Whether a transaction with this status at this time would be kept (decide before copying). */
  wants(status: number, startedAt: number): boolean {
    if (!this.byStatus.has(status) && this.byStatus.size < this.limits.maxStatusSamples) return true;
    if (this.limits.maxRecentSamples === 0) return false;
    return this.recent.length < this.limits.maxRecentSamples || startedAt - this.lastRecentAt >= this.limits.minSampleIntervalMs;
  }

  /** `sample` must already be a bounded copy. */
  add(sample: Transaction): void {
    this.lastRecentAt = Math.max(this.lastRecentAt, sample.startedAt);
    if (this.limits.maxRecentSamples > 0) {
      if (this.recent.length < this.limits.maxRecentSamples) this.recent.push(sample);
      else {
        this.recent[this.next] = sample;
        this.next = (this.next + 1) % this.limits.maxRecentSamples;
      }
    }
    const status = sampleStatus(sample);
    if (this.byStatus.has(status) || this.byStatus.size < this.limits.maxStatusSamples) this.byStatus.set(status, sample);
    this.unsent.add(sample);
    if (this.unsent.size > 2 * (this.limits.maxRecentSamples + this.limits.maxStatusSamples)) {
      const kept = new Set(this.list());
      this.unsent = new Set([...this.unsent].filter((t) => kept.has(t)));
    }
  }

  /** The samples added since the previous call (still held), oldest first. */
  takeUnsent(): Transaction[] {
    if (this.unsent.size === 0) return [];
    const out = this.list().filter((t) => this.unsent.has(t));
    this.unsent.clear();
    return out;
  }

  /** Takes the other set's samples in time order, as if they had arrived here. */
  merge(other: SampleSet): void {
    const mine = this.list();
    const theirs = other.list();
    this.recent = [];
    this.next = 0;
    this.byStatus.clear();
    for (const s of [...mine, ...theirs].sort((a, b) => a.startedAt - b.startedAt)) this.add(s);
  }

  /**
   * The limits changed (the store's options object, shared by reference): keeps the newest
   * samples that fit, each passed through `copy` (a smaller body limit re-bounds them). What was
   * unsent and is kept stays unsent.
   */
  reshape(copy: (t: Transaction) => Transaction): void {
    const before = this.list();
    this.recent = [];
    this.next = 0;
    this.byStatus.clear();
    this.lastRecentAt = -Infinity;
    const unsent = this.unsent;
    this.unsent = new Set();
    const copies = new Map<Transaction, Transaction>();
    for (const s of before) {
      const c = copy(s);
      copies.set(c, s);
      this.add(c);
    }
    this.unsent = new Set(this.list().filter((c) => unsent.has(copies.get(c)!)));
  }

  /** Distinct samples, oldest first. */
  list(): Transaction[] {
    // A handful of items: an array with includes() beats a Set here.
    const out: Transaction[] = [];
    for (const s of this.byStatus.values()) if (!out.includes(s)) out.push(s);
    for (const s of this.recent) if (!out.includes(s)) out.push(s);
    return out.sort((a, b) => a.startedAt - b.startedAt);
  }

  get size(): number {
    return this.list().length;
  }
}

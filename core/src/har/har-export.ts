// Transactions to HAR 1.2, readable by browsers' DevTools and any HAR viewer; Tapline's own
// fields (process, redactions, truncation) ride along in `_tapline` so an import is lossless.
import type { CapturedBody, HttpHeader, Transaction } from '../protocol/transaction';
import type { Har, HarContent, HarEntry, HarTaplineExtension } from './har-types';

export interface HarExportOptions {
  creator?: { name: string; version: string };
}

function mime(body: CapturedBody | undefined, headers: readonly HttpHeader[]): string {
  return body?.contentType ?? headers.find((h) => h.name.toLowerCase() === 'content-type')?.value ?? '';
}

function content(body: CapturedBody | undefined, headers: readonly HttpHeader[]): HarContent {
  const c: HarContent = { size: body?.size ?? 0, mimeType: mime(body, headers) };
  if (body?.encoding === 'text' && body.text !== undefined) c.text = body.text;
  else if (body?.encoding === 'base64' && body.base64 !== undefined) {
    c.text = body.base64;
    c.encoding = 'base64';
  }
  return c;
}

export function transactionToHarEntry(t: Transaction): HarEntry {
  const scheme = t.tls ? 'https' : 'http';
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(t.request.target) ? t.request.target : `${scheme}://${t.service}${t.request.target.startsWith('/') ? '' : '/'}${t.request.target}`;
  const ext: HarTaplineExtension = {
    id: t.id,
    origin: t.origin,
    service: t.service,
    client: t.client,
    server: t.server,
    redactions: t.redactions,
  };
  if (t.k8s) ext.k8s = t.k8s;
  if (t.grpc) ext.grpc = { ...t.grpc };
  if (t.request.body) {
    ext.requestTruncated = t.request.body.truncated;
    ext.requestBodySize = t.request.body.size;
  }
  if (t.response?.body) {
    ext.responseTruncated = t.response.body.truncated;
    ext.responseBodySize = t.response.body.size;
  }
  if (!t.response) ext.noResponse = true;
  const httpVersion = `HTTP/${t.httpVersion}`;
  const entry: HarEntry = {
    startedDateTime: new Date(t.startedAt).toISOString(),
    time: t.durationMs,
    request: {
      method: t.request.method,
      url,
      httpVersion,
      cookies: [],
      headers: t.request.headers.map((h) => ({ ...h })),
      queryString: t.request.queryParams.map((q) => ({ ...q })),
      headersSize: -1,
      bodySize: t.request.body?.size ?? 0,
    },
    response: {
      status: t.response?.status ?? 0,
      statusText: t.response?.reason ?? '',
      httpVersion,
      cookies: [],
      headers: (t.response?.headers ?? []).map((h) => ({ ...h })),
      content: content(t.response?.body, t.response?.headers ?? []),
      redirectURL: t.response?.headers.find((h) => h.name.toLowerCase() === 'location')?.value ?? '',
      headersSize: -1,
      bodySize: t.response?.body?.size ?? (t.response ? 0 : -1),
    },
    cache: {},
    timings: { send: 0, wait: t.durationMs, receive: 0 },
    _tapline: ext,
  };
  if (t.request.body) {
    const b = t.request.body;
    entry.request.postData = { mimeType: mime(b, t.request.headers), text: b.encoding === 'text' ? (b.text ?? '') : (b.base64 ?? '') };
    if (b.encoding === 'base64') ext.requestBodyEncoding = 'base64';
  }
  if (t.server.address) entry.serverIPAddress = t.server.address;
  return entry;
}

export function transactionsToHar(transactions: readonly Transaction[], opts: HarExportOptions = {}): Har {
  return {
    log: {
      version: '1.2',
      creator: opts.creator ?? { name: 'Tapline', version: '0.1.0' },
      pages: [],
      entries: transactions.map(transactionToHarEntry),
    },
  };
}

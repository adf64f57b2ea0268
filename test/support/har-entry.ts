// One HAR 1.2 entry from what a test says about a call (the rest of HAR's required fields filled
// in), and the log around entries: the e2e journeys, the XSS corpus and the CLI tests build their
// recordings with it.

export interface HarCall {
  method: string;
  url: string;
  startedAt: number;
  time: number;
  status: number;
  statusText?: string;
  requestHeaders?: ReadonlyArray<readonly [string, string]>;
  query?: Array<{ name: string; value: string }>;
  responseHeaders?: ReadonlyArray<readonly [string, string]>;
  /** The response body's media type ('' without a body) and text. */
  mimeType?: string;
  text?: string;
}

const headers = (list: HarCall['requestHeaders'] = []): Array<{ name: string; value: string }> => list.map(([name, value]) => ({ name, value }));

export function harEntry(call: HarCall): Record<string, unknown> {
  const text = call.text ?? '';
  return {
    startedDateTime: new Date(call.startedAt).toISOString(),
    time: call.time,
    request: { method: call.method, url: call.url, httpVersion: 'HTTP/1.1', headers: headers(call.requestHeaders), queryString: call.query ?? [], cookies: [], headersSize: -1, bodySize: 0 },
    response: {
      status: call.status,
      statusText: call.statusText ?? '',
      httpVersion: 'HTTP/1.1',
      headers: headers(call.responseHeaders),
      cookies: [],
      content: { size: text.length, mimeType: call.mimeType ?? '', ...(text ? { text } : {}) },
      redirectURL: '',
      headersSize: -1,
      bodySize: text.length,
    },
    cache: {},
    timings: { send: 0, wait: call.time, receive: 0 },
  };
}

export function harLog(creator: string, entries: unknown[]): { log: { version: string; creator: { name: string; version: string }; entries: unknown[] } } {
  return { log: { version: '1.2', creator: { name: creator, version: '1' }, entries } };
}

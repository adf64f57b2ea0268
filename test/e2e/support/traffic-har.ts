// The traffic the e2e journeys replay: the pet service as a client app uses it, drift included,
// plus a request whose path and headers carry HTML and script (which must show as text).
import { harEntry, harLog } from '../../support/har-entry';

export const HOSTILE = '<img src=x onerror=window.__pwned=1>';

interface Call {
  method: string;
  path: string;
  status: number;
  body?: unknown;
  headers?: Array<[string, string]>;
}

const CALLS: Call[] = [
  { method: 'GET', path: '/v1/pets?limit=10', status: 200, body: [{ id: 1, name: 'Rex' }, { id: 2, name: 'Tom' }] },
  { method: 'GET', path: '/v1/pets?limit=2', status: 200, body: [{ id: 1, name: 'Rex' }] },
  { method: 'GET', path: '/v1/pets/1', status: 200, body: [{ id: 1, name: 'Rex', tag: 'dog' }] },
  { method: 'GET', path: '/v1/pets/2', status: 200, body: [{ id: 2, name: 'Tom' }] },
  { method: 'GET', path: '/v1/pets/3', status: 200, body: [{ id: 3, name: 'Nibbles' }] },
  { method: 'GET', path: '/v1/pets/99', status: 404, body: { code: 404, message: 'no pet 99' } },
  { method: 'POST', path: '/v1/pets', status: 201 },
  { method: 'GET', path: '/v1/orders/7f3c9a12-4b5e-4c6d-8e9f-0a1b2c3d4e5f', status: 200, body: { orderId: '7f3c9a12', petId: 1, status: 'placed' } },
  { method: 'GET', path: '/v1/orders/0b6e2d4c-1a3f-4e5d-9c7b-8a6f5e4d3c2b', status: 200, body: { orderId: '0b6e2d4c', petId: 2, status: 'delivered' } },
  { method: 'GET', path: '/v1/orders/5d1e8f70-2c4b-4a9d-b3e6-7f8a9b0c1d2e', status: 200, body: { orderId: '5d1e8f70', petId: 3, status: 'placed' } },
  {
    method: 'GET',
    path: `/v1/notes/${HOSTILE}`,
    status: 200,
    body: { note: `<script>window.__pwned=1</script>${HOSTILE}` },
    headers: [['x-note', `<script>window.__pwned=1</script>`]],
  },
];

export function petTrafficHar(port = 8080): unknown {
  const started = Date.parse('2026-11-26T09:00:00Z');
  const entries = CALLS.map((call, i) => {
    const url = `http://127.0.0.1:${port}${call.path}`;
    const text = call.body === undefined ? '' : JSON.stringify(call.body);
    const query = [...new URL(url.replace(/[<>]/g, '_')).searchParams].map(([name, value]) => ({ name, value }));
    return harEntry({
      method: call.method,
      url,
      startedAt: started + i * 1000,
      time: 5 + i,
      status: call.status,
      requestHeaders: [['Host', `127.0.0.1:${port}`], ...(call.headers ?? [])],
      query,
      responseHeaders: text ? [['Content-Type', 'application/json']] : [],
      mimeType: text ? 'application/json' : '',
      text,
    });
  });
  return harLog('tapline-e2e', entries);
}

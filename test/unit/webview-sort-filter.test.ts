import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointRow } from '../../webview/src/model';
import { compareEndpoints, filterEndpoints, nextSort, sortEndpoints, visibleEndpoints } from '../../webview/src/sort-filter';

function row(over: Partial<EndpointRow> & Pick<EndpointRow, 'template'>): EndpointRow {
  const base: EndpointRow = { id: '', service: 'api:80', method: 'GET', template: '', calls: 1, p50: 1, p95: 2, p99: 3, errors4xx: 0, errors5xx: 0, lastSeen: 0, specState: 'documented' };
  const r = { ...base, ...over };
  return { ...r, id: r.id || `${r.service} ${r.method} ${r.template}` };
}

const rows: EndpointRow[] = [
  row({ template: '/users/{id}', calls: 50, p95: 30, errors4xx: 2 }),
  row({ template: '/orders', method: 'POST', service: 'orders:8080', calls: 500, p95: 80, errors5xx: 1, specState: 'undocumented' }),
  row({ template: '/health', calls: 5, p95: undefined, p50: undefined, p99: undefined }),
  row({ template: '/users', calls: 50, p95: 10, specState: 'mismatching' }),
];

test('numbers sort by value in both directions; rows without a value stay last', () => {
  const desc = sortEndpoints(rows, { key: 'p95', direction: 'desc' }).map((r) => r.template);
  assert.deepEqual(desc, ['/orders', '/users/{id}', '/users', '/health']);
  const asc = sortEndpoints(rows, { key: 'p95', direction: 'asc' }).map((r) => r.template);
  assert.deepEqual(asc, ['/users', '/users/{id}', '/orders', '/health']);
});

test('ties fall back to service, template and method so the order is stable', () => {
  const byCalls = sortEndpoints(rows, { key: 'calls', direction: 'desc' }).map((r) => r.template);
  assert.deepEqual(byCalls, ['/orders', '/users', '/users/{id}', '/health']);
  assert.equal(compareEndpoints(rows[0]!, rows[0]!, { key: 'calls', direction: 'asc' }), 0);
});

test('text columns sort case-insensitively; spec state sorts problems first', () => {
  const mixed = [row({ template: '/b' }), row({ template: '/A' }), row({ template: '/a2' })];
  assert.deepEqual(sortEndpoints(mixed, { key: 'template', direction: 'asc' }).map((r) => r.template), ['/A', '/a2', '/b']);
  assert.deepEqual(sortEndpoints(rows, { key: 'spec', direction: 'asc' }).map((r) => r.specState).slice(0, 2), ['mismatching', 'undocumented']);
});

test('sorting does not mutate its input', () => {
  const before = rows.map((r) => r.id);
  sortEndpoints(rows, { key: 'template', direction: 'asc' });
  assert.deepEqual(rows.map((r) => r.id), before);
});

test('a first click picks the natural direction, a second click flips it', () => {
  assert.deepEqual(nextSort({ key: 'calls', direction: 'desc' }, 'template'), { key: 'template', direction: 'asc' });
  assert.deepEqual(nextSort({ key: 'template', direction: 'asc' }, 'p99'), { key: 'p99', direction: 'desc' });
  assert.deepEqual(nextSort({ key: 'p99', direction: 'desc' }, 'p99'), { key: 'p99', direction: 'asc' });
});

test('words match service, method and path, all of them, case-insensitively', () => {
  assert.deepEqual(filterEndpoints(rows, 'USERS').map((r) => r.template), ['/users/{id}', '/users']);
  assert.deepEqual(filterEndpoints(rows, 'users {id}').map((r) => r.template), ['/users/{id}']);
  assert.deepEqual(filterEndpoints(rows, 'orders:8080').map((r) => r.template), ['/orders'], 'an unknown key:value is plain text');
  assert.equal(filterEndpoints(rows, '   ').length, rows.length);
  assert.equal(filterEndpoints(rows, 'nothing-like-this').length, 0);
});

test('field filters: method, service, spec, status', () => {
  assert.deepEqual(filterEndpoints(rows, 'method:post').map((r) => r.template), ['/orders']);
  assert.deepEqual(filterEndpoints(rows, 'service:orders').map((r) => r.template), ['/orders']);
  assert.deepEqual(filterEndpoints(rows, 'spec:undoc').map((r) => r.template), ['/orders']);
  assert.deepEqual(filterEndpoints(rows, 'status:5xx').map((r) => r.template), ['/orders']);
  assert.deepEqual(filterEndpoints(rows, 'status:4xx').map((r) => r.template), ['/users/{id}']);
  assert.equal(filterEndpoints(rows, 'status:errors').length, 2);
  assert.deepEqual(filterEndpoints(rows, 'method:get users').map((r) => r.template), ['/users/{id}', '/users']);
});

test('hostile strings are just text to the filter', () => {
  const hostile = row({ template: '/search/<script>alert(1)</script>' });
  assert.deepEqual(filterEndpoints([...rows, hostile], '<script>').map((r) => r.id), [hostile.id]);
  assert.equal(filterEndpoints([hostile], '.*').length, 0, 'no regular expressions');
});

test('10,000 rows filter and sort to a consistent view', () => {
  const many: EndpointRow[] = [];
  for (let i = 0; i < 10_000; i++) many.push(row({ template: `/r${i % 97}/{id}/${i}`, calls: (i * 7919) % 10_007, method: i % 3 === 0 ? 'POST' : 'GET' }));
  const view = visibleEndpoints(many, 'method:post r5', { key: 'calls', direction: 'desc' });
  assert.ok(view.length > 0);
  for (const r of view) assert.ok(r.method === 'POST' && r.template.includes('r5'));
  for (let i = 1; i < view.length; i++) assert.ok(view[i - 1]!.calls >= view[i]!.calls);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrafficStore } from '../../core/src/inventory/traffic-store';
import { addUserTemplate, describeTemplateEdit, parseUserTemplates } from '../../core/src/inventory/user-templates';
import type { Transaction } from '../../core/src/protocol/transaction';

let counter = 0;
function tx(path: string, service = 'api.local:80'): Transaction {
  counter++;
  return {
    id: `u${counter}`,
    startedAt: 1_000 + counter,
    durationMs: 5,
    origin: 'import',
    service,
    client: { address: '127.0.0.1', port: 5000 },
    server: { address: '127.0.0.1', port: 80 },
    tls: false,
    httpVersion: '1.1',
    request: { method: 'GET', target: path, path, query: '', queryParams: [], headers: [] },
    response: { status: 200, headers: [] },
    redactions: [],
  };
}

function templates(store: TrafficStore): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of store.snapshot().services) for (const e of s.endpoints) out[`${e.method} ${e.template}`] = e.count;
  return out;
}

test('a merge regroups the endpoints already seen at once, and later traffic joins the merged endpoint', () => {
  const store = new TrafficStore();
  for (const p of ['/report/north/summary', '/report/south/summary', '/report/south/summary']) store.add(tx(p));
  assert.deepEqual(templates(store), { 'GET /report/north/summary': 1, 'GET /report/south/summary': 2 });
  store.drainDelta();
  store.setUserTemplates([{ template: '/report/{region}/summary' }]);
  assert.deepEqual(templates(store), { 'GET /report/{region}/summary': 3 });
  const delta = store.drainDelta()!;
  assert.equal(delta.removed.filter((r) => r.reason === 'merged').length, 2, 'both old endpoints are reported merged');
  store.add(tx('/report/east/summary'));
  assert.deepEqual(templates(store), { 'GET /report/{region}/summary': 4 });
});

test('a rename keeps the endpoint and its counts under the new name; the spec template it overrides loses', () => {
  const store = new TrafficStore();
  store.setKnownTemplates('api.local:80', ['/users/{id}']);
  store.add(tx('/users/1'));
  store.add(tx('/users/2'));
  store.setUserTemplates([{ template: '/users/{login}' }]);
  assert.deepEqual(templates(store), { 'GET /users/{login}': 2 });
  store.add(tx('/users/octocat'));
  assert.deepEqual(templates(store), { 'GET /users/{login}': 3 });
});

test('a split sends the value to an endpoint of its own from then on; a service-scoped template leaves other services alone', () => {
  const store = new TrafficStore();
  store.add(tx('/users/1'));
  store.setUserTemplates([{ template: '/users/me', service: 'api.local:80' }]);
  store.add(tx('/users/me'));
  store.add(tx('/users/me', 'other:80'));
  store.add(tx('/users/2'));
  const byService = Object.fromEntries(store.snapshot().services.map((s) => [s.service, s.endpoints.map((e) => `${e.template}=${e.count}`).sort()]));
  assert.deepEqual(byService['api.local:80'], ['/users/me=1', '/users/{userId}=2']);
  assert.deepEqual(byService['other:80'], ['/users/me=1'], 'another service learns on its own (a lone word stays literal)');
});

test('describeTemplateEdit names merges, splits and renames, and refuses templates that would not match the endpoint', () => {
  const merge = describeTemplateEdit('/rg/my-group/vaults', '/rg/{group}/vaults');
  assert.deepEqual(merge.ok && merge.kinds, ['merge']);
  const mixed = describeTemplateEdit('/users/{userId}/repos/x', '/users/me/repos/{repo}');
  assert.ok(mixed.ok && mixed.kinds.join() === 'merge,split', JSON.stringify(mixed));
  assert.ok(describeTemplateEdit('/users/{userId}', '/users/{login}').ok);
  for (const [to, reason] of [
    ['/users/{userId}/x', /segments/],
    ['/people/{userId}', /cannot become/],
    ['/users/{userId}', /unchanged/],
    ['users/{a}', /starts with/],
    ['/users/{a}{b}', /whole segment/],
  ] as const) {
    const edit = describeTemplateEdit('/users/{userId}', to);
    assert.ok(!edit.ok && reason.test(edit.reason), `${to}: ${JSON.stringify(edit)}`);
  }
  const twice = parseUserTemplates('{"templates":["/a/{x}/b/{x}"]}');
  assert.ok(!twice.ok && /twice/.test(twice.problems[0]!));
});

test('addUserTemplate creates the file, keeps comments and layout, and replaces an entry of the same shape', () => {
  const created = addUserTemplate(undefined, { template: '/rg/{group}' });
  assert.ok(created.ok);
  assert.deepEqual(parseUserTemplates(created.text), { ok: true, templates: [{ template: '/rg/{group}' }] });

  const mine = '{\n  // ours: keep it\n  "templates": [\n    "/users/me",\n    { "template": "/rg/{group}" }\n  ]\n}\n';
  const renamed = addUserTemplate(mine, { template: '/rg/{resourceGroupName}' });
  assert.ok(renamed.ok);
  assert.match(renamed.text, /\/\/ ours: keep it/);
  assert.deepEqual(parseUserTemplates(renamed.text), { ok: true, templates: [{ template: '/users/me' }, { template: '/rg/{resourceGroupName}' }] });
  const added = addUserTemplate(renamed.text, { template: '/orders/{orderId}', service: 'shop' });
  assert.ok(added.ok);
  assert.equal(parseUserTemplates(added.text).ok && (parseUserTemplates(added.text) as { templates: unknown[] }).templates.length, 3);

  const broken = addUserTemplate('{ "templates": [', { template: '/x/{y}' });
  assert.ok(!broken.ok && /invalid/.test(broken.reason), 'a broken file is not overwritten');
  const wrong = parseUserTemplates('{ "templates": [42, { "template": "/a", "service": 1 }] }');
  assert.ok(!wrong.ok && wrong.problems.length === 2, JSON.stringify(wrong));
});

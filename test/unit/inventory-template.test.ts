import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PathTemplater, templatePath, templateShape } from '../../core/src/inventory/template';
import { classifySegment, paramNameFor, singularize } from '../../core/src/inventory/segment-kind';
import { KnownTemplates } from '../../core/src/inventory/known-templates';

test('classifies values that no API uses as a resource name', () => {
  assert.equal(classifySegment('42'), 'number');
  assert.equal(classifySegment('3f2b8c1e-9d4a-4c2b-8e7f-0a1b2c3d4e5f'), 'uuid');
  assert.equal(classifySegment('507f1f77bcf86cd799439011'), 'hex');
  assert.equal(classifySegment('2024-05-01'), 'date');
  assert.equal(classifySegment('cus_NffrFeUfNV2Hib'), 'token');
  assert.equal(classifySegment('eyJhbGciOiJIUzI1NiJ9x7Q'), 'token');
  // Short random ids: capitals cut them into syllables of one or two letters.
  for (const id of ['hHyJLDZuYp', 'kP4xQ7mZwR']) assert.equal(classifySegment(id), 'token', id);
  for (const word of ['users', 'linked_accounts', 'bank_accounts', 'oauth2', 'v1', 'getV2Users', 'facade', 'search', 'getTaxForm', 'listEventTypes', 'GetQueryState', 'IsDevOps', 'StockedItemsAdd', 'hl7V2Stores']) {
    assert.equal(classifySegment(word), 'literal', word);
  }
});

test('names parameters after the preceding segment, singularised', () => {
  assert.equal(templatePath('/users/42/orders/7f3c9a10e2b4'), '/users/{userId}/orders/{orderId}');
  assert.equal(templatePath('/categories/12/boxes/5/people/7'), '/categories/{categoryId}/boxes/{boxId}/people/{personId}');
  assert.equal(templatePath('/12345/7'), '/{id}/{id2}');
  assert.equal(paramNameFor('order-items'), 'orderItemId');
  assert.equal(paramNameFor('v1'), 'id');
  assert.equal(singularize('statuses'), 'status');
  assert.equal(singularize('address'), 'address');
});

test('API versions stay literal; file suffixes are kept', () => {
  assert.equal(templatePath('/1/boards/5'), '/1/boards/{boardId}');
  assert.equal(templatePath('/2.0/repositories'), '/2.0/repositories');
  assert.equal(templatePath('/rest/api/2/issue/10002'), '/rest/api/2/issue/{issueId}');
  assert.equal(templatePath('/2010-04-01/Calls/CA9f3b2c1d4e5f60718293a4b5c6d7e8f9.json'), '/2010-04-01/Calls/{callId}.json');
  assert.equal(templatePath('/reports/2024-05-01'), '/reports/{reportId}');
});

test('keeps the root, trailing slashes and query-free paths', () => {
  assert.equal(templatePath('/'), '/');
  assert.equal(templatePath('/users/'), '/users/');
  assert.equal(templatePath('/users/42?x=1'), '/users/{userId}');
});

test('learns word-valued parameters when the values keep changing', () => {
  const t = new PathTemplater();
  const owners = ['octocat', 'torvalds', 'gaearon', 'sindresorhus', 'tj', 'addyosmani', 'yyx990803', 'kentcdodds', 'mojombo', 'defunkt'];
  const repos = ['hello-world', 'linux', 'react', 'got', 'express', 'critical', 'vue', 'downshift', 'grit', 'dotjs'];
  const subresources = ['issues', 'pulls', 'branches', 'tags', 'releases'];
  for (let i = 0; i < 200; i++) {
    t.observe(`/repos/${owners[i % 10]}-r${i}/${repos[(i * 3) % 10]}${i}/${subresources[i % 5]}`);
  }
  assert.equal(t.template('/repos/someone/something/issues'), '/repos/{repoId}/{id}/issues');
  assert.equal(t.template('/repos/someone/something/pulls'), '/repos/{repoId}/{id}/pulls');
});

test('a closed vocabulary seen often stays literal', () => {
  const t = new PathTemplater();
  const names = ['users', 'orders', 'items', 'carts', 'payments', 'shipments', 'invoices', 'refunds', 'coupons', 'reviews', 'search', 'health'];
  for (let i = 0; i < 1000; i++) t.observe(`/api/${names[i % names.length]}`);
  for (const n of names) assert.equal(t.template(`/api/${n}`), `/api/${n}`);
});

test('a few distinct values under a plural resource name are ids', () => {
  const t = new PathTemplater();
  for (const name of ['alice', 'bob', 'carol']) t.observe(`/accounts/${name}`);
  assert.equal(t.template('/accounts/dave'), '/accounts/{accountId}');
});

test('re-templating an older template keeps its parameter names', () => {
  const t = new PathTemplater();
  assert.equal(t.template('/users/{login}/repos/42'), '/users/{login}/repos/{repoId}');
  assert.equal(t.template('/Calls/{callId}.json'), '/Calls/{callId}.json');
});

test('declared OpenAPI templates win, literal segments before parameters', () => {
  const known = new KnownTemplates(['/users/{username}', '/users/me', '/files/{name}.json', '/repos/{owner}/{repo}/issues/{issue_number}']);
  assert.equal(known.match('/users/me'), '/users/me');
  assert.equal(known.match('/users/octocat'), '/users/{username}');
  assert.equal(known.match('/files/report.json'), '/files/{name}.json');
  assert.equal(known.match('/users/octocat/'), '/users/{username}');
  assert.equal(known.match('/unknown'), undefined);
  const t = new PathTemplater({}, ['/repos/{owner}/{repo}/issues/{issue_number}']);
  assert.equal(t.learn('/repos/octocat/hello/issues/7'), '/repos/{owner}/{repo}/issues/{issue_number}');
  assert.equal(t.learn('/gists/123'), '/gists/{gistId}');
  t.setKnownTemplates(['/gists/{gist_id}']);
  assert.equal(t.template('/gists/123'), '/gists/{gist_id}');
});

test('the trie stays within its node bound', () => {
  const t = new PathTemplater({ maxNodes: 500 });
  // Each path repeated, so no position looks open-ended: 1 + 50 + 2,500 literal nodes wanted.
  for (let i = 0; i < 2500; i++) for (let r = 0; r < 4; r++) t.observe(`/a${Math.floor(i / 50)}/b${i % 50}`);
  assert.ok(t.learnedNodes <= 500);
  assert.ok(t.overflowed > 0);
  assert.match(templateShape(t.template('/x/42')), /\/\{\}$/);
});

test('a sweep calling each resource once (a test suite) does not turn resource names into a parameter', () => {
  const t = new PathTemplater();
  const resources = ['users', 'orders', 'products', 'carts', 'payments', 'invoices', 'refunds', 'coupons', 'reviews', 'shipments', 'addresses', 'categories', 'brands', 'stores', 'returns', 'taxes', 'currencies', 'regions', 'webhooks', 'events', 'login', 'logout', 'health', 'me'];
  for (const r of resources) t.observe(`/api/${r}`);
  for (const r of resources) assert.equal(t.template(`/api/${r}`), `/api/${r}`);
});

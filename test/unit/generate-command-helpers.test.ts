import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrafficStore } from '../../core/src/inventory/traffic-store';
import { defaultFileName, serviceChoices, serviceSlug } from '../../extension/src/generate/generate-helpers';
import { serverUrlOf } from '../../server/src/engine/engine-services';
import { tx } from './diff-helpers';

test('file names: a slug of the service, numbered when the first is taken', () => {
  assert.equal(serviceSlug('api.example.com:8443'), 'api-example-com-8443');
  assert.equal(serviceSlug('[::1]:8080'), '1-8080');
  assert.equal(serviceSlug('***'), 'service');
  assert.equal(defaultFileName('localhost:8080', 1), 'openapi-localhost-8080.yaml');
  assert.equal(defaultFileName('localhost:8080', 3), 'openapi-localhost-8080-3.yaml');
});

test('server URL: https when samples used TLS; none for names that are not hosts', () => {
  const plain = tx({ path: '/a' });
  const secure = { ...tx({ path: '/b' }), tls: true };
  assert.equal(serverUrlOf([{ method: 'GET', template: '/a', samples: [plain] }], 'localhost:8080'), 'http://localhost:8080');
  assert.equal(serverUrlOf([{ method: 'GET', template: '/a', samples: [plain, secure] }], 'api.example.com'), 'https://api.example.com');
  assert.equal(serverUrlOf([], 'my service'), undefined);
});

test('service choices: services with traffic, sorted, with endpoint and call counts', () => {
  const store = new TrafficStore();
  store.add(tx({ path: '/pets', service: 'zoo:80' }));
  store.add(tx({ path: '/pets', service: 'zoo:80', startedAt: 1_800_000_000_000 }));
  store.add(tx({ method: 'POST', path: '/pets', service: 'zoo:80' }));
  store.add(tx({ path: '/health', service: 'api:80' }));
  const choices = serviceChoices(store.snapshot().services);
  assert.deepEqual(
    choices.map((c) => [c.label, c.description]),
    [
      ['api:80', '1 endpoint · 1 call'],
      ['zoo:80', '2 endpoints · 3 calls'],
    ],
  );
  assert.deepEqual(serviceChoices([]), []);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FINDINGS_NOTIFICATION,
  OBSERVATIONS_NOTIFICATION,
  isExtensionToWebviewMessage,
  isWebviewToExtensionMessage,
  parseWebviewMessage,
  type FindingsParams,
  type ObservationsParams,
} from '../../core/src/messages';
import { TrafficStore } from '../../core/src/inventory/traffic-store';
import { syntheticTraffic } from '../fixtures/templating/synthetic-traffic';

test('accepts each well-formed webview message and returns a fresh copy', () => {
  const good = [
    { type: 'ready' },
    { type: 'selectEndpoint', endpointId: 'api:80 GET /users/{userId}' },
    { type: 'applyFix', findingId: 'f1', fixIndex: 0 },
    { type: 'filterChanged', filter: { text: 'users', methods: ['GET'], statusClasses: [4, 5], services: [] } },
    { type: 'openInSpec', endpointId: 'api:80 GET /users/{userId}' },
  ];
  for (const m of good) {
    const parsed = parseWebviewMessage(m);
    assert.deepEqual(parsed, m);
    assert.notEqual(parsed, m);
    assert.ok(isWebviewToExtensionMessage(m));
  }
  // Extra fields the page adds are dropped, not passed on.
  assert.deepEqual(parseWebviewMessage({ type: 'ready', __proto__: { evil: 1 }, html: '<img src=x onerror=alert(1)>' }), { type: 'ready' });
  // Missing optional lists in a filter default to empty.
  assert.deepEqual(parseWebviewMessage({ type: 'filterChanged', filter: { text: '' } }), {
    type: 'filterChanged',
    filter: { text: '', methods: [], statusClasses: [], services: [] },
  });
});

test('rejects malformed or hostile webview messages', () => {
  const bad: unknown[] = [
    null,
    'ready',
    [],
    {},
    { type: 'READY' },
    { type: 'eval', code: '1' },
    { type: 'selectEndpoint' },
    { type: 'selectEndpoint', endpointId: '' },
    { type: 'selectEndpoint', endpointId: 42 },
    { type: 'selectEndpoint', endpointId: 'x'.repeat(5000) },
    { type: 'applyFix', findingId: 'f', fixIndex: -1 },
    { type: 'applyFix', findingId: 'f', fixIndex: 1.5 },
    { type: 'applyFix', findingId: 'f', fixIndex: '0' },
    { type: 'filterChanged', filter: { text: 'x'.repeat(513) } },
    { type: 'filterChanged', filter: { text: '', methods: 'GET' } },
    { type: 'filterChanged', filter: { text: '', statusClasses: [9] } },
    { type: 'filterChanged', filter: { text: '', services: new Array(65).fill('s') } },
    { type: 'openInSpec', endpointId: { toString: () => 'x' } },
  ];
  for (const m of bad) assert.equal(parseWebviewMessage(m), undefined, JSON.stringify(m));
});

test('extension → webview tags', () => {
  assert.ok(isExtensionToWebviewMessage({ type: 'snapshot', snapshot: new TrafficStore().snapshot() }));
  assert.ok(!isExtensionToWebviewMessage({ type: 'ready' }));
});

test('LSP message params are plain JSON and survive a round trip', () => {
  const store = new TrafficStore();
  const next = syntheticTraffic({ seed: 3 });
  for (let i = 0; i < 500; i++) store.add(next());
  const params: ObservationsParams = { delta: store.drainDelta()! };
  assert.deepEqual(JSON.parse(JSON.stringify(params)), params);
  const findings: FindingsParams = {
    sequence: 1,
    documents: [],
    endpoints: [
      {
        endpointId: params.delta.upserted[0]!.id,
        method: 'GET',
        path: '/users/{userId}',
        state: 'undocumented',
        findings: [{ id: 'a', code: 'undocumented-endpoint', severity: 'warning', message: 'GET /users/{userId} is not in the spec', method: 'GET', path: '/users/{userId}', fixes: [{ title: 'Add to spec', kind: 'add-operation' }] }],
      },
    ],
  };
  assert.deepEqual(JSON.parse(JSON.stringify(findings)), findings);
  assert.equal(OBSERVATIONS_NOTIFICATION, 'tapline/observations');
  assert.equal(FINDINGS_NOTIFICATION, 'tapline/findings');
});

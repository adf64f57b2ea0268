import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as messages from '../../core/src/messages';
import {
  isExtensionToWebviewMessage,
  isWebviewToExtensionMessage,
  parseWebviewMessage,
  type EngineSnapshot,
} from '../../core/src/messages';
import { TrafficStore } from '../../core/src/inventory/traffic-store';
import { syntheticTraffic } from '../fixtures/templating/synthetic-traffic';

test('accepts each well-formed webview message and returns a fresh copy', () => {
  const good = [
    { type: 'ready' },
    { type: 'selectEndpoint', endpointId: 'api:80 GET /users/{userId}' },
    { type: 'applyFix', findingId: 'f1', fixIndex: 0 },
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
    // The page keeps its filter in its own state; the extension takes no filter message.
    { type: 'filterChanged', filter: { text: 'users' } },
    { type: 'openInSpec', endpointId: { toString: () => 'x' } },
  ];
  for (const m of bad) assert.equal(parseWebviewMessage(m), undefined, JSON.stringify(m));
});

test('extension → webview tags', () => {
  assert.ok(isExtensionToWebviewMessage({ type: 'snapshot', snapshot: new TrafficStore().snapshot() }));
  assert.ok(isExtensionToWebviewMessage({ type: 'desyncs', services: [] }));
  assert.ok(!isExtensionToWebviewMessage({ type: 'ready' }));
  assert.ok(!isExtensionToWebviewMessage({ type: 'delta', upserted: [], removed: [] }), 'no delta message: the panel gets whole snapshots');
});

test('every custom LSP message is one typed definition with a unique method and a direction', () => {
  const defs = (Object.values(messages) as unknown[]).filter(
    (v): v is { method: string; direction: messages.Direction } => typeof v === 'object' && v !== null && 'method' in v && 'direction' in v,
  );
  assert.ok(defs.length >= 10, `found ${defs.length} definitions`);
  assert.equal(new Set(defs.map((d) => d.method)).size, defs.length, 'no method is defined twice');
  for (const d of defs) {
    assert.match(d.method, /^tapline\//);
    assert.ok(d.direction === 'client→engine' || d.direction === 'engine→client', d.method);
  }
  assert.equal(messages.ENGINE_CHANGED.direction, 'engine→client');
  assert.equal(messages.SNAPSHOT.direction, 'client→engine');
});

test('the engine snapshot is plain JSON and survives a round trip', () => {
  const store = new TrafficStore();
  const next = syntheticTraffic({ seed: 3 });
  for (let i = 0; i < 500; i++) store.add(next());
  const inventory = store.snapshot();
  const snapshot: EngineSnapshot = {
    epoch: 'e1',
    inventory,
    ratePerSecond: 12.5,
    sensors: [{ url: 'ws://127.0.0.1:7300/v1/stream', state: 'live', detail: 'live (n, replay)' }],
    endpoints: [
      {
        endpointId: inventory.services[0]!.endpoints[0]!.id,
        method: 'GET',
        path: '/users/{userId}',
        state: 'undocumented',
        findings: [{ id: 'a', code: 'undocumented-endpoint', severity: 'warning', message: 'GET /users/{userId} is not in the spec', method: 'GET', path: '/users/{userId}', fixes: [{ title: 'Add to spec', kind: 'add-operation' }] }],
      },
    ],
  };
  assert.deepEqual(JSON.parse(JSON.stringify(snapshot)), snapshot);
});

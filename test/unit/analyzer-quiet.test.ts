// The analysis a code action needs right after an edit publishes nothing: diagnostics published in
// the middle of a code-action request make VS Code re-ask and drop the answer it waited for (the
// e2e "quick fix right after an edit" was flaky under load for that reason). The spec stays
// scheduled, and its debounced run publishes the edited text's diagnostics as usual.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TrafficStore } from '../../core/src/inventory/traffic-store';
import { SpecIndex } from '../../server/src/spec-index';
import { testAnalyzer } from './analyzer-helpers';
import { tx } from './diff-helpers';

const ROOT = 'file:///ws/openapi.yaml';
const ORIGINAL = readFileSync(join(__dirname, '..', 'fixtures', 'workspaces', 'petstore', 'openapi.yaml'), 'utf8');

test('analyzeNow answers the edited text at once and leaves publishing to the scheduled run', async (t) => {
  const texts = new Map([[ROOT, ORIGINAL]]);
  const specs = new SpecIndex(async (uri) => texts.get(uri), 0);
  const store = new TrafficStore();
  store.add(tx({ method: 'GET', path: '/v1/orders/7f3c9a12-4b5e-4c6d-8e9f-0a1b2c3d4e5f', service: '127.0.0.1:8080', resBody: { orderId: '7f3c' } }));
  const { analyzer, published, nextPublish } = testAnalyzer(t, specs, store);

  const first = nextPublish('the first analysis to publish');
  await specs.load(ROOT);
  await first;
  assert.equal(published.length, 1);

  // An edit, reloaded at once as the code-action handler does: nothing is published by the analysis it asks.
  texts.set(ROOT, ORIGINAL.replace('paths:\n', 'paths:\n  # owned by the pets team\n'));
  const scheduled = nextPublish('the scheduled run after the edit');
  const reloaded = await specs.load(ROOT, new Set([ROOT]));
  const now = analyzer.analyzeNow(ROOT);
  assert.equal(now?.spec, reloaded, 'analysed on the reloaded text');
  assert.ok(now.findings.some((f) => f.code === 'undocumented-endpoint'), now.findings.map((f) => f.code).join(', '));
  assert.equal(analyzer.get(ROOT), now, 'later requests reuse it');
  assert.equal(published.length, 1, 'nothing published in the middle of the request');

  await scheduled;
  assert.equal(published.length, 2, 'the debounced run published the edited text\'s diagnostics');
  assert.ok([...(published[1]?.values() ?? [])].flat().some((d) => d.code === 'undocumented-endpoint'));
});

test('analyzeNow compares what the scheduled run compares: gRPC calls stay out of both, so the lightbulb sees the published findings', async (t) => {
  const texts = new Map([[ROOT, ORIGINAL]]);
  const specs = new SpecIndex(async (uri) => texts.get(uri), 0);
  const store = new TrafficStore();
  store.add(tx({ method: 'GET', path: '/v1/orders/7f3c9a12-4b5e-4c6d-8e9f-0a1b2c3d4e5f', service: '127.0.0.1:8080', resBody: { orderId: '7f3c' } }));
  const grpc = tx({ method: 'POST', path: '/shop.v1.Catalog/GetItem', service: '127.0.0.1:8080', reqType: 'application/grpc', reqBody: 'x' });
  grpc.httpVersion = '2';
  grpc.grpc = { service: 'shop.v1.Catalog', method: 'GetItem', status: 0 };
  store.add(grpc);
  const { analyzer, nextPublish } = testAnalyzer(t, specs, store);
  const scheduled = nextPublish('the first analysis');
  await specs.load(ROOT);
  await scheduled;
  const fromRun = analyzer.get(ROOT)!;
  const now = analyzer.analyzeNow(ROOT)!;
  const shape = (a: typeof now): unknown => ({
    findings: a.findings.map((f) => f.id).sort(),
    endpoints: a.endpoints.map((e) => `${e.method} ${e.path} ${e.state}`).sort(),
    operations: [...a.operations.keys()].sort(),
  });
  assert.ok(!now.endpoints.some((e) => e.path.includes('shop.v1.Catalog')), 'no gRPC endpoint compared with the OpenAPI document');
  assert.deepEqual(shape(now), shape(fromRun));
});

test('a reload done at once (the code action) drops the debounced one of the same file: the same text is not analysed and published twice', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const texts = new Map([[ROOT, ORIGINAL]]);
  const specs = new SpecIndex(async (uri) => texts.get(uri), 200);
  const loads: string[] = [];
  specs.onDidChange((root) => loads.push(root));
  await specs.load(ROOT);
  texts.set(ROOT, ORIGINAL.replace('paths:\n', 'paths:\n  # owned by the pets team\n'));
  specs.changed(ROOT); // the editor's change: a reload after the quiet period
  await specs.load(ROOT, new Set([ROOT])); // the code action's, at once
  t.mock.timers.tick(1_000);
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(loads.length, 2, 'the first load and the code action\'s; no third');
  // Another file's pending change is still reloaded.
  specs.changed(ROOT);
  await specs.load(ROOT, new Set(['file:///ws/other.yaml']));
  t.mock.timers.tick(1_000);
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(loads.length, 4);
});

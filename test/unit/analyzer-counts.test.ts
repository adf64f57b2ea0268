// The counts a finding shows, "(N×)", are the endpoint's real counters, not its samples: the
// inventory keeps a few samples per endpoint (the recent ones, the latest per status) but counts
// every call per status, and each sample stands for its status's share of those calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrafficStore } from '../../core/src/inventory/traffic-store';
import { SpecIndex } from '../../server/src/spec-index';
import { testAnalyzer } from './analyzer-helpers';
import { tx } from './diff-helpers';

const ROOT = 'file:///ws/things.yaml';
const SPEC = `openapi: 3.0.3
info: { title: things, version: "1" }
servers: [{ url: "http://localhost:8080/v1" }]
paths:
  /things:
    get:
      responses:
        "200":
          description: the things
          content:
            application/json:
              schema: { type: array }
`;

test('undocumented-status and undocumented-content-type count calls from the counters, not the samples', async (t) => {
  const specs = new SpecIndex(async (uri) => (uri === ROOT ? SPEC : undefined), 0);
  const store = new TrafficStore();
  const calls = { ok: 300, unavailable: 37, teapot: 2 };
  for (let i = 0; i < calls.ok; i++) store.add(tx({ method: 'GET', path: '/v1/things', resBody: [] }));
  for (let i = 0; i < calls.unavailable; i++) store.add(tx({ method: 'GET', path: '/v1/things', status: 503, resBody: { error: 'busy' } }));
  for (let i = 0; i < calls.teapot; i++) store.add(tx({ method: 'GET', path: '/v1/things', status: 418, resBody: 'short and stout', resType: 'text/plain' }));
  const [endpoint] = store.observations();
  assert.ok(endpoint!.samples.length < calls.ok + calls.unavailable + calls.teapot, 'the store keeps samples, not every call');
  assert.deepEqual(endpoint!.statuses, { '200': 300, '418': 2, '503': 37 });

  const { analyzer, nextPublish } = testAnalyzer(t, specs, store);
  const analysed = nextPublish('the first analysis');
  await specs.load(ROOT);
  await analysed;
  const findings = analyzer.get(ROOT)!.findings;
  const status = (s: string) => findings.find((f) => f.code === 'undocumented-status' && f.message.includes(` ${s} `));
  assert.equal(status('503')?.count, 37, findings.map((f) => f.message).join('\n'));
  assert.match(status('503')!.message, /returned 503 \(37×\)/);
  assert.equal(status('418')?.count, 2);
  assert.match(status('418')!.message, /returned 418 \(2×\)/);
});

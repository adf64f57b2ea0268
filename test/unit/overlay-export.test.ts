// The Overlay export checked with an Overlay tool nobody here wrote (openapi-overlays-js): the
// overlay applied to the spec removes the findings its fixes address, like the quick fixes do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { applyOverlay } from 'openapi-overlays-js/src/overlay.js';
import { diffSpec } from '../../core/src/diff/diff';
import { parseHar } from '../../core/src/har/har-import';
import { loadSpec } from '../../core/src/openapi/load';
import { buildOverlay, overlayToYaml, pointerToJsonPath } from '../../core/src/overlay/overlay';
import { RefResolver } from '../../core/src/openapi/refs';
import { fixtureUri, readUri } from './openapi-helpers';

test('JSON pointers become JSONPath with bracketed names where needed', () => {
  assert.equal(pointerToJsonPath('/paths/~1pets~1{petId}/get'), "$.paths['/pets/{petId}'].get");
  assert.equal(pointerToJsonPath('/components/schemas/Pet'), '$.components.schemas.Pet');
  assert.equal(pointerToJsonPath("/paths/~1o'k/get/responses/200"), "$.paths['/o\\'k'].get.responses['200']");
  assert.equal(pointerToJsonPath(''), '$');
});

test('the overlay of the fixes, applied by openapi-overlays-js, leaves the spec without those findings', async () => {
  const uri = fixtureUri('oai/v3.0/petstore.yaml');
  const spec = await loadSpec(uri, readUri);
  const har = parseHar(readFileSync(new URL('../fixtures/openapi/petstore-traffic.har', import.meta.url), 'utf8'), { origin: 'import', idPrefix: 'har' });
  assert.ok(har.ok);
  const txs = har.value.transactions;
  const before = diffSpec(spec, txs);
  assert.deepEqual(before.map((f) => f.code).sort(), ['response-body-mismatch', 'response-body-mismatch', 'undocumented-endpoint']);
  const { document, skipped } = buildOverlay(before.flatMap((f) => f.fixes.slice(0, 1)), {
    rootUri: uri,
    version: spec.model!.version,
    title: 'Tapline fixes',
    extends: 'petstore.yaml',
    valueAt: (u, p) => new RefResolver(spec.documents).valueAt(u, p),
  });
  assert.deepEqual(skipped, []);
  assert.equal(document.overlay, '1.0.0');
  assert.ok(document.actions.length >= 2);
  const yaml = overlayToYaml(document);
  const reparsed = parse(yaml) as typeof document;
  assert.deepEqual(reparsed, document, 'the YAML reads back as the same overlay');
  const applied = applyOverlay(parse(readUri(uri)!) as unknown, reparsed) as unknown;
  const fixedUri = 'mem:/petstore-fixed.yaml';
  const fixed = await loadSpec(fixedUri, (u) => (u === fixedUri ? stringify(applied) : undefined));
  assert.deepEqual(diffSpec(fixed, txs), [], 'every finding had a fix; the overlay carried all of them');
});

test('fixes an Overlay cannot express are skipped with a reason; duplicates give one action', () => {
  const schema = { uri: 'file:///root.yaml', pointer: '/components/schemas/Pet' };
  const { document, skipped } = buildOverlay(
    [
      { kind: 'widen-type', schema, addType: 'string' },
      { kind: 'widen-type', schema, addType: 'null' },
      { kind: 'mark-deprecated', operation: { uri: 'file:///other.yaml', pointer: '/get' } },
      { kind: 'make-optional', schema, property: "it's" },
      { kind: 'make-optional', schema, property: "it's" },
    ],
    { rootUri: 'file:///root.yaml', version: '3.1', title: 't' },
  );
  assert.deepEqual(skipped.map((s) => s.fix.kind), ['widen-type', 'widen-type', 'mark-deprecated'], 'no valueAt: no type to widen');
  assert.match(skipped[0]!.reason, /no type to widen/);
  assert.match(skipped[2]!.reason, /not in the root document/);
  assert.deepEqual(document.actions, [{ target: "$.components.schemas.Pet.required[?(@ == 'it\\'s')]", description: "Make 'it's' optional", remove: true }]);
});

test('tapline diff --overlay writes the overlay file and says what it left out', async () => {
  const { runCli } = await import('../../server/src/cli/run');
  const written = new Map<string, string>();
  let err = '';
  const root = new URL('../..', import.meta.url).pathname;
  const code = await runCli(['diff', '--spec', 'test/fixtures/openapi/oai/v3.0/petstore.yaml', '--har', 'test/fixtures/openapi/petstore-traffic.har', '--format', 'json', '--overlay', 'fixes.yaml'], {
    cwd: root,
    readFile: (p) => {
      try {
        return readFileSync(p.startsWith('/') ? p : root + p, 'utf8');
      } catch {
        return undefined;
      }
    },
    writeFile: (p, t) => (written.set(p, t), true),
    stdout: () => undefined,
    stderr: (t) => (err += t),
    version: 't',
  });
  assert.equal(code, 1, 'the findings still decide the exit code');
  const overlay = parse(written.get('fixes.yaml')!) as { overlay: string; extends: string; actions: { target: string }[] };
  assert.equal(overlay.overlay, '1.0.0');
  assert.equal(overlay.extends, 'test/fixtures/openapi/oai/v3.0/petstore.yaml');
  assert.ok(overlay.actions.some((a) => a.target === '$.paths'));
  assert.match(err, /wrote \d+ overlay actions to fixes\.yaml/);
  const failing = await runCli(['diff', '--spec', 'test/fixtures/openapi/oai/v3.0/petstore.yaml', '--har', 'test/fixtures/openapi/petstore-traffic.har', '--overlay', 'x.yaml'], {
    cwd: root, readFile: (p) => readFileSync(root + p, 'utf8'), stdout: () => undefined, stderr: () => undefined, version: 't',
  });
  assert.equal(failing, 2, 'no way to write: bad input, not a silent success');
});

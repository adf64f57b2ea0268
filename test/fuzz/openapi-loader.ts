// Robustness of the OpenAPI loader (core/src/openapi): real descriptions (OAI examples, YAML and
// JSON, 2.0 to 3.1) byte-mutated, random JSON under an `openapi`/`swagger` key, and random $refs
// (circular, dangling, external, malformed pointers). Properties: parsing and normalising never
// throw, and a document that is detected as OpenAPI either yields a model or says why in a
// diagnostic.
// Run: node --import tsx test/fuzz/openapi-loader.ts --runs N [--seed S]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { detectOpenApi } from '../../core/src/openapi/detect';
import { finishLoad } from '../../core/src/openapi/load';
import { defaultParser } from '../../core/src/openapi/parse';
import type { ParsedDocument } from '../../core/src/openapi/parsed-document';
import { count, fuzz, main, mutated, type FuzzOptions, type FuzzSummary } from './harness';

const DIR = join(__dirname, '../fixtures/openapi/oai');
const REAL = ['v3.0/petstore.yaml', 'v3.0/petstore-expanded.yaml', 'v3.0/callback-example.yaml', 'v3.0/link-example.yaml', 'v3.1/webhook-example.yaml', 'v2.0/petstore-separate/spec/swagger.json'].map((f) => ({
  name: f.endsWith('.json') ? 'spec.json' : 'spec.yaml',
  text: readFileSync(join(DIR, f), 'utf8'),
}));

const ref = fc.constantFrom('#/components/schemas/A', '#/components/schemas/B', '#/nowhere', '#/components/schemas/A/properties/x', 'other.yaml#/X', '#', '', '#/%zz', '#/paths/~1a~2', 'http://[::1', '#/components/schemas/A/allOf/0');
const schema: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ $ref: ref }),
    fc.record({ type: fc.constantFrom('object', 'string', 7, null, ['string', 'null']), properties: fc.dictionary(fc.string({ maxLength: 4 }), tie('node'), { maxKeys: 3 }) }, { requiredKeys: [] }),
    fc.record({ allOf: fc.array(tie('node'), { maxLength: 3 }), oneOf: fc.array(tie('node'), { maxLength: 2 }), items: tie('node') }, { requiredKeys: [] }),
    fc.jsonValue({ maxDepth: 2 }),
  ),
})).node;

const generated = fc
  .record({
    version: fc.constantFrom('3.0.3', '3.1.0', '2.0', 3, '', '9.9'),
    paths: fc.dictionary(fc.constantFrom('/a', '/a/{id}', 'b', '/{x}/{x}', '/c?d', ''), fc.dictionary(fc.constantFrom('get', 'post', 'parameters', 'x-y', 'trace', '$ref'), fc.oneof(schema, fc.record({ parameters: fc.array(schema, { maxLength: 3 }), responses: fc.dictionary(fc.constantFrom('200', 'default', '2XX', 'x'), schema, { maxKeys: 2 }) }, { requiredKeys: [] })), { maxKeys: 3 }), { maxKeys: 4 }),
    schemas: fc.dictionary(fc.constantFrom('A', 'B', 'C'), schema, { maxKeys: 3 }),
  })
  .map(({ version, paths, schemas }) => {
    const doc = typeof version === 'string' && version.startsWith('2') ? { swagger: version, info: { title: 't', version: '1' }, paths, definitions: schemas } : { openapi: version, info: { title: 't', version: '1' }, paths, components: { schemas } };
    return { name: 'spec.json', text: JSON.stringify(doc) };
  });

export const input = fc.oneof(
  generated,
  fc.constantFrom(...REAL).chain((d) => mutated(fc.constant(d.text)).map((text) => ({ name: d.name, text }))),
  mutated(generated.map((g) => g.text)).map((text) => ({ name: 'spec.json', text })),
);

export function run(opts: FuzzOptions): FuzzSummary {
  return fuzz('openapi-loader', opts, input, ({ name, text }, counts) => {
    const uri = `file:///fuzz/${name}`;
    const doc: ParsedDocument = defaultParser.parse(uri, text);
    const spec = finishLoad(uri, new Map([[uri, doc]]));
    if (spec.model) count(counts, 'models');
    else if (spec.diagnostics.length > 0) count(counts, 'diagnosed');
    else if (detectOpenApi(text)) throw new Error('an OpenAPI document with neither a model nor a diagnostic');
    // A mutation that broke the `openapi:` key leaves an ordinary file: nothing to say about it.
    else count(counts, 'notOpenApi');
    count(counts, 'diagnostics', spec.diagnostics.length);
  });
}

if (require.main === module) main(run, process.argv.slice(2));

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSession, diffSpec } from '../../core/src/diff/diff';
import type { LoadedSpec } from '../../core/src/openapi/model';
import { sameJson } from '../../core/src/schema/compiled';
import { tx } from './diff-helpers';
import { loadText, openapi30 } from './openapi-helpers';

// Thing → Part → Thing (a cycle) and Other on its own; /things and /other use them.
const SPEC = openapi30('carry', `paths:
  /things:
    get:
      summary: Things
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Thing' }
  /other:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties: { other: { $ref: '#/components/schemas/Other' } }
components:
  schemas:
    Thing:
      type: object
      required: [id]
      properties: { id: { type: integer }, part: { $ref: '#/components/schemas/Part' } }
    Part:
      type: object
      properties: { name: { type: string }, parent: { $ref: '#/components/schemas/Thing' } }
    Other:
      type: object
      properties: { n: { type: integer } }
`);

const URI = 'mem:/carry.yaml';
const load = (text: string): Promise<LoadedSpec> => loadText(text, URI);
const traffic = [
  tx({ path: '/things', resBody: { id: 'x', part: { name: 3, parent: { id: 1 } } } }),
  tx({ path: '/other', resBody: { other: { n: 'no' } } }),
];

function analyse(spec: LoadedSpec, previous?: ReturnType<typeof createSession>) {
  const session = createSession(spec, previous)!;
  return { session, findings: diffSpec(spec, traffic, { router: session.router, validator: session.validator }) };
}

test('an edit outside the schemas keeps every compiled schema, with the findings of a first analysis', async () => {
  const v1 = analyse(await load(SPEC));
  assert.equal(v1.session.validator.kept.compiled, 0);
  const edited = await load(SPEC.replace('summary: Things', 'summary: All the things'));
  const v2 = analyse(edited, v1.session);
  assert.equal(v2.session.validator.kept.compiled, 2, 'both media type schemas kept');
  assert.equal(v2.session.validator.kept.targets, 3, 'Thing, Part and Other kept');
  assert.deepEqual(v2.findings, analyse(edited).findings);
  assert.ok(v2.findings.some((f) => f.code === 'response-body-mismatch' && f.path === '/things'));
});

test('a changed component is compiled again, with everything that reaches it (through the cycle too); the rest is kept', async () => {
  const v1 = analyse(await load(SPEC));
  // Part's name becomes an integer: Part, and Thing (which reaches it) are stale; Other is not.
  const edited = await load(SPEC.replace('name: { type: string }', 'name: { type: integer }'));
  const v2 = analyse(edited, v1.session);
  assert.equal(v2.session.validator.kept.targets, 1, 'only Other kept');
  assert.equal(v2.session.validator.kept.compiled, 1, "only /other's schema kept");
  const cold = analyse(edited).findings;
  assert.deepEqual(v2.findings, cold);
  const before = v1.findings.filter((f) => f.code === 'response-body-mismatch').map((f) => f.message);
  const after = v2.findings.filter((f) => f.code === 'response-body-mismatch').map((f) => f.message);
  assert.ok(before.some((m) => /name is integer, expected string/.test(m)));
  assert.ok(!after.some((m) => /name is/.test(m)), 'the edit took effect');
  // Undone: back to the first findings, from the edited version's session.
  assert.deepEqual(analyse(await load(SPEC), v2.session).findings, v1.findings);
});

test('an inline schema edited in place is compiled again; the previous session keeps working', async () => {
  const v1 = analyse(await load(SPEC));
  const edited = await load(SPEC.replace("properties: { other: { $ref: '#/components/schemas/Other' } }", "properties: { other: { type: string } }"));
  const v2 = analyse(edited, v1.session);
  assert.equal(v2.session.validator.kept.compiled, 1, "only /things' schema kept");
  assert.deepEqual(v2.findings, analyse(edited).findings);
  assert.deepEqual(diffSpec(v1.session.spec, traffic, { router: v1.session.router, validator: v1.session.validator }), v1.findings);
});

test('sameJson: key order, arrays, dates and non-plain objects', () => {
  assert.ok(sameJson({ a: [1, { b: null }] }, { a: [1, { b: null }] }));
  assert.ok(!sameJson({ a: 1, b: 2 }, { b: 2, a: 1 }), 'key order decides the order of errors');
  assert.ok(!sameJson([1, 2], [1, 2, 3]));
  assert.ok(!sameJson({ a: [] }, { a: {} }));
  assert.ok(sameJson(new Date(5), new Date(5)));
  assert.ok(!sameJson(new Date(5), { }));
  assert.ok(!sameJson(new Map([[1, 2]]), new Map([[1, 3]])), 'a Map is never taken for unchanged');
  assert.ok(sameJson(undefined, undefined));
});

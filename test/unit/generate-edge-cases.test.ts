// Generated documents on awkward traffic: mixed media types, odd formats, no responses, templates
// that differ only in parameter names, and randomly shaped JSON (seeded), each diffing clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { diffSpec } from '../../core/src/diff/diff';
import { endpointsFromTransactions } from '../../core/src/generate/endpoints-from-traffic';
import { parseHar } from '../../core/src/har/har-import';
import { generateSpec, generateSpecYaml } from '../../core/src/generate/generate-spec';
import { operationIdFor, singular, singularPascal } from '../../core/src/generate/names';
import { loadSpec } from '../../core/src/openapi/load';
import type { Transaction } from '../../core/src/protocol/transaction';
import { tx } from './diff-helpers';

type Json = Record<string, unknown>;

async function findingsFor(input: Parameters<typeof generateSpecYaml>[0], traffic: Transaction[]): Promise<string[]> {
  const uri = 'file:///w/openapi.yaml';
  const text = generateSpecYaml(input);
  const spec = await loadSpec(uri, () => text);
  assert.deepEqual(spec.diagnostics.filter((d) => d.severity === 'error'), []);
  return diffSpec(spec, traffic).map((f) => `${f.code} ${f.method} ${f.path}: ${f.message}`);
}

test('names: singular resources, PascalCase, operation ids', () => {
  assert.equal(singular('pets'), 'pet');
  assert.equal(singular('categories'), 'category');
  assert.equal(singular('addresses'), 'address');
  assert.equal(singular('status'), 'status');
  assert.equal(singular('people'), 'person');
  assert.equal(singularPascal('pull_requests'), 'PullRequest');
  assert.equal(singularPascal('line-items'), 'LineItem');
  assert.equal(singularPascal('2fa'), 'N2fa');
  assert.equal(operationIdFor('GET', '/pets/{petId}'), 'getPetsByPetId');
  assert.equal(operationIdFor('post', '/'), 'postRoot');
});

test('odd bodies and statuses: several media types, text, binary, truncated JSON, no response, strict formats', async () => {
  const truncated = tx({ method: 'POST', path: '/upload', reqBody: { big: true }, status: 202, resBody: { id: 'a' } });
  if (truncated.request.body) truncated.request.body = { ...truncated.request.body, truncated: true, text: '{"big": tr' };
  const noResponse = tx({ path: '/slow' });
  delete (noResponse as { response?: unknown }).response;
  const traffic: Transaction[] = [
    tx({ path: '/report', resBody: { total: 3 } }),
    tx({ path: '/report', headers: [['Accept', 'text/csv']], resType: 'text/csv', resBody: 'a,b\n1,2' }),
    tx({ path: '/report', status: 500, resType: 'text/html', resBody: '<h1>oops</h1>' }),
    tx({ method: 'POST', path: '/upload', reqType: 'application/octet-stream', reqBody: 'BINARY', status: 202, resBody: { id: 'b' } }),
    truncated,
    tx({ method: 'POST', path: '/upload', reqType: 'application/x-www-form-urlencoded', reqBody: 'a=1', status: 202, resBody: { id: 'c' } }),
    noResponse,
    // Look like formats to the quick patterns, fail ajv-formats: the 30th of February, a bad address.
    tx({ path: '/odd', resBody: { day: '2024-02-30', mail: 'ann@exa_mple.com', when: '2024-01-02T25:61:00Z' } }),
    tx({ path: '/odd', resBody: { day: '2024-02-28', mail: 'x@example.com', when: '2024-01-02T03:04:05Z' } }),
    tx({ method: 'DELETE', path: '/report', status: 204 }),
    tx({ method: 'HEAD', path: '/report', resBody: { total: 3 } }),
  ];
  const input = { title: 'odd', endpoints: endpointsFromTransactions(traffic) };
  assert.deepEqual(await findingsFor(input, traffic), []);
  const doc = generateSpec(input);
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const report = paths['/report']?.get?.responses as Record<string, Json>;
  assert.deepEqual(Object.keys(report['200']?.content as Json), ['application/json', 'text/csv']);
  assert.deepEqual(paths['/slow']?.get?.responses, { default: { description: 'Response' } });
  const upload = paths['/upload']?.post?.requestBody as Json;
  assert.deepEqual(Object.keys(upload.content as Json), ['application/json', 'application/octet-stream', 'application/x-www-form-urlencoded']);
  assert.deepEqual((upload.content as Record<string, Json>)['application/json'], {}, 'only a truncated sample: no schema guessed');
  const odd = ((paths['/odd']?.get?.responses as Record<string, Json>)['200']?.content as Record<string, Json>)['application/json']?.schema as Json;
  assert.deepEqual(odd.properties, { day: { type: 'string' }, mail: { type: 'string' }, when: { type: 'string' } }, 'formats the diff would reject are dropped');
});

test('templates that differ only in parameter names become one path; two services merge', async () => {
  const traffic = [
    tx({ path: '/users/1', resBody: { id: 1 }, service: 'a:1' }),
    tx({ method: 'DELETE', path: '/users/2', status: 204, service: 'b:2' }),
  ];
  const input = {
    title: 'users',
    endpoints: [
      { method: 'GET', template: '/users/{userId}', samples: [traffic[0]!] },
      { method: 'DELETE', template: '/users/{id}', samples: [traffic[1]!] },
      { method: 'CONNECT', template: '/users/{id}', samples: [] },
    ],
  };
  const doc = generateSpec(input);
  assert.deepEqual(Object.keys(doc.paths as Json), ['/users/{id}']);
  assert.deepEqual(Object.keys((doc.paths as Json)['/users/{id}'] as Json), ['get', 'delete']);
  assert.deepEqual(await findingsFor(input, traffic), []);
});

// --- seeded random traffic -----------------------------------------------------------------

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['id', 'name', 'kind', 'items', 'owner', 'tags', 'meta', 'price', 'created_at', 'email', 'url', 'state'];
const STRINGS = ['open', 'closed', '2024-01-02', '2024-13-45', '2024-01-02T03:04:05Z', 'https://x.example/{a}', 'https://x.example/a', 'a@b', 'ann@example.com', '3f2504e0-4f89-11d3-9a0c-0305e82c3301', '10.0.0.1', '999.1.1.1', 'free text', ''];

function randomValue(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 2 ? 5 : 7));
  switch (k) {
    case 0:
      return null;
    case 1:
      return Math.floor(r() * 100);
    case 2:
      return r() < 0.5 ? r() * 10 : r() < 0.5;
    case 3:
    case 4:
      return STRINGS[Math.floor(r() * STRINGS.length)];
    case 5: {
      const n = Math.floor(r() * 3);
      return Array.from({ length: n }, () => randomValue(r, depth + 1));
    }
    default: {
      const o: Json = {};
      for (const w of WORDS) if (r() < 0.3) o[w] = randomValue(r, depth + 1);
      return o;
    }
  }
}

/** Shapes that repeat with variations, like a real API's resources. */
function randomTraffic(seed: number): Transaction[] {
  const r = rng(seed);
  const shapes = Array.from({ length: 3 }, () => randomValue(r, 1));
  const vary = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(vary);
    if (v && typeof v === 'object') {
      const o: Json = {};
      for (const [key, sub] of Object.entries(v)) if (r() < 0.85) o[key] = r() < 0.1 ? randomValue(r, 3) : vary(sub);
      return o;
    }
    return r() < 0.2 ? randomValue(r, 3) : v;
  };
  const out: Transaction[] = [];
  const resources = ['orders', 'customers', 'invoices'];
  for (let i = 0; i < 60; i++) {
    const res = resources[Math.floor(r() * resources.length)] ?? 'x';
    const shape = shapes[Math.floor(r() * shapes.length)];
    const one = r() < 0.5;
    const status = [200, 200, 200, 201, 400, 404][Math.floor(r() * 6)] ?? 200;
    const method = status === 201 ? 'POST' : 'GET';
    const query: [string, string][] = r() < 0.4 ? [['page', String(Math.floor(r() * 9))]] : [];
    if (r() < 0.2) query.push(['q', 'x y']);
    out.push(
      tx({
        method,
        path: one && method === 'GET' ? `/${res}/${1000 + i}` : `/${res}`,
        query,
        headers: r() < 0.5 ? [['X-Client', 'web'], ['Authorization', 'Bearer [REDACTED]']] : [],
        reqBody: method === 'POST' ? vary(shape) : undefined,
        status,
        resBody: status >= 400 ? { error: 'bad', code: status } : one || method === 'POST' ? vary(shape) : [vary(shape), vary(shape)],
      }),
    );
  }
  return out;
}

test('random JSON traffic (20 seeds): every generated document diffs clean against its traffic', async () => {
  let shared = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const traffic = randomTraffic(seed);
    const input = { title: `seed ${seed}`, serverUrl: 'http://localhost:8080', endpoints: endpointsFromTransactions(traffic) };
    assert.deepEqual(await findingsFor(input, traffic), [], `seed ${seed}`);
    shared += Object.keys(((generateSpec(input).components as Json | undefined)?.schemas ?? {}) as Json).length;
  }
  assert.ok(shared >= 20, `components were shared along the way (${shared})`);
});

test('real HAR captures (Chromium via Playwright, DevTools export): generated per service, each diffs clean', async () => {
  for (const name of ['chromium-playwright.har', 'devtools-export.har']) {
    const parsed = parseHar(readFileSync(path.join(import.meta.dirname, '../fixtures/har', name), 'utf8'), { origin: 'import', idPrefix: name });
    assert.ok(parsed.ok, name);
    const byService = new Map<string, Transaction[]>();
    for (const t of parsed.value.transactions) byService.set(t.service, [...(byService.get(t.service) ?? []), t]);
    assert.ok(byService.size > 0);
    for (const [service, traffic] of byService) {
      const input = { title: service, serverUrl: `${traffic[0]?.tls ? 'https' : 'http'}://${service}`, endpoints: endpointsFromTransactions(traffic) };
      // credentials-in-query reports the traffic, not the document (see generate-spec.test.ts).
      const left = (await findingsFor(input, traffic)).filter((f) => !f.startsWith('credentials-in-query '));
      assert.deepEqual(left, [], `${name} ${service}`);
    }
  }
});

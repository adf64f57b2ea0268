// What the gateway calls documented: route compilation, precedence, trailing slashes, base
// paths, percent-encoding, ambiguous paths, client matching — the pure half of the nginx tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayDecider, resolvePolicy } from '../../core/src/gateway/decide';
import type { GatewayRequest } from '../../core/src/gateway/decide';
import { parseIpRange, rangeContains } from '../../core/src/gateway/ip-range';
import { jwtSubject } from '../../core/src/gateway/jwt';
import { emptyPolicy } from '../../core/src/gateway/policy';
import type { GatewayPolicy } from '../../core/src/gateway/policy';
import { compileRoutes, isAmbiguousPath } from '../../core/src/gateway/routes';
import { finishLoad } from '../../core/src/openapi/load';
import { defaultParser } from '../../core/src/openapi/parse';
import type { SpecModel } from '../../core/src/openapi/model';

function model(doc: object): SpecModel {
  const uri = 'file:///spec.json';
  const loaded = finishLoad(uri, new Map([[uri, defaultParser.parse(uri, JSON.stringify(doc))]]));
  assert.ok(loaded.model);
  return loaded.model;
}

const ok = { responses: { '200': { description: 'ok' } } };
const SPEC = model({
  openapi: '3.0.3',
  info: { title: 't', version: '1' },
  servers: [{ url: 'https://api.example.com/v1' }],
  paths: {
    '/users/{id}': { get: ok, delete: ok },
    '/users/me': { get: ok },
    '/users/{id}.json': { get: ok },
    '/files/{name}/': { put: ok },
    '/a/{x}/b': { get: ok },
    '/a/c/{y}': { get: ok },
    '/caf\u00e9': { get: ok },
    '/legacy': { servers: [{ url: '/old' }], get: ok },
  },
});

function req(method: string, target: string, extra: Partial<GatewayRequest> = {}): GatewayRequest {
  return { method, target, clientIp: '127.0.0.1', headers: new Map(), ...extra };
}

function decider(policy: GatewayPolicy = emptyPolicy(), mode: 'enforce' | 'report' = 'enforce'): GatewayDecider {
  const routes = compileRoutes(SPEC);
  return new GatewayDecider(routes, resolvePolicy(routes, policy, mode));
}

test('routes: exact paths first, then concrete segments before templated ones', () => {
  const routes = compileRoutes(SPEC);
  const order = routes.map((r) => r.fullPath);
  assert.ok(order.indexOf('/v1/users/me') < order.indexOf('/v1/users/{id}'));
  assert.ok(order.indexOf('/v1/users/{id}.json') < order.indexOf('/v1/users/{id}'), 'partial template before whole-segment');
  assert.ok(order.indexOf('/v1/a/c/{y}') < order.indexOf('/v1/a/{x}/b'));
  assert.deepEqual(routes.find((r) => r.fullPath === '/v1/users/{id}')?.regex, '^/v1/users/[^/]+$');
  assert.ok(routes.some((r) => r.fullPath === '/old/legacy'), 'path-level servers give the base path');
});

test('decide: documented operations, per-segment params, trailing slashes as written, base paths', () => {
  const d = decider();
  assert.equal(d.decide(req('GET', '/v1/users/42?x=1')).operation, 'GET /users/{id}');
  assert.equal(d.decide(req('GET', '/v1/users/me')).operation, 'GET /users/me');
  assert.equal(d.decide(req('GET', '/v1/users/42.json')).operation, 'GET /users/{id}.json');
  assert.equal(d.decide(req('GET', '/v1/a/c/b')).operation, 'GET /a/c/{y}', 'concrete segment wins');
  assert.equal(d.decide(req('PUT', '/v1/files/x/')).operation, 'PUT /files/{name}/');
  assert.equal(d.decide(req('PUT', '/v1/files/x')).reason, 'path-not-documented', 'the trailing slash is part of the path');
  assert.equal(d.decide(req('GET', '/v1/users/42/')).reason, 'path-not-documented');
  assert.equal(d.decide(req('GET', '/users/42')).reason, 'path-not-documented', 'the server base path is required');
  assert.equal(d.decide(req('GET', '/v1/users/')).reason, 'path-not-documented', 'a parameter is never empty');
  assert.equal(d.decide(req('GET', '/old/legacy')).operation, 'GET /legacy');
  const m = d.decide(req('POST', '/v1/users/42'));
  assert.deepEqual([m.reason, m.status, m.route], ['method-not-documented', 405, '/v1/users/{id}']);
});

test('decide: percent-encoding is decoded per byte before matching; ambiguous paths are refused', () => {
  const d = decider();
  assert.equal(d.decide(req('GET', '/v1/user%73/me')).operation, 'GET /users/me');
  assert.equal(d.decide(req('GET', '/v1/caf%C3%A9')).operation, 'GET /caf\u00e9');
  assert.equal(d.decide(req('GET', '/v1/users/a%20b')).operation, 'GET /users/{id}');
  for (const bad of ['/v1/users/a%2Fb', '/v1/users/a%2fb', '/v1/users/a%5Cb', '/v1/users/%00', '/v1/users/%zz', '/v1//users/1', '/v1/users/./1', '/v1/users/..', '/v1/users/%2e%2E/x', '/v1/users\\1']) {
    assert.equal(d.decide(req('GET', bad)).reason, 'ambiguous-path', bad);
  }
  assert.equal(isAmbiguousPath('/v1/users/1?next=a//b%2F'), false, 'the query is not the path');
  assert.equal(isAmbiguousPath('/v1/users/..json'), false, 'dots inside a segment are fine');
});

test('decide: deny, then client blocks in policy order, scoped to operations; report mode only changes the word', () => {
  const policy: GatewayPolicy = {
    deny: ['DELETE /users/{id}'],
    blocks: [
      { name: 'net', selector: { kind: 'ip', values: ['10.0.0.0/8', '2001:db8::/32'] }, operations: '*' },
      { name: 'key', selector: { kind: 'header', header: 'X-Api-Key', values: ['k1'] }, operations: ['GET /users/me'] },
      { name: 'sub', selector: { kind: 'jwtSub', values: ['mallory'] }, operations: '*' },
    ],
  };
  const d = decider(policy);
  assert.deepEqual(d.decide(req('DELETE', '/v1/users/1')), { decision: 'block', reason: 'operation-denied', status: 403, route: '/v1/users/{id}', operation: 'DELETE /users/{id}' });
  assert.equal(d.decide(req('GET', '/v1/users/1', { clientIp: '10.1.2.3' })).rule, 'net');
  assert.equal(d.decide(req('GET', '/v1/users/1', { clientIp: '2001:db8::7' })).rule, 'net');
  assert.equal(d.decide(req('GET', '/v1/users/1', { clientIp: '::ffff:10.0.0.1' })).rule, 'net', 'IPv4-mapped IPv6');
  assert.equal(d.decide(req('GET', '/v1/users/1', { clientIp: '11.0.0.1' })).decision, 'allow');
  const withKey = new Map([['x-api-key', 'k1']]);
  assert.equal(d.decide(req('GET', '/v1/users/me', { headers: withKey })).rule, 'key');
  assert.equal(d.decide(req('GET', '/v1/users/1', { headers: withKey })).decision, 'allow', 'scoped to GET /users/me');
  const token = `${btoa('{"alg":"none"}').replace(/=+$/, '')}.${btoa('{"sub":"mallory"}').replace(/=+$/, '')}.`;
  assert.equal(d.decide(req('GET', '/v1/users/1', { headers: new Map([['Authorization', `Bearer ${token}`]]) })).rule, 'sub');
  assert.equal(d.decide(req('GET', '/nowhere', { clientIp: '10.0.0.1' })).reason, 'path-not-documented', 'undocumented before blocked');
  const r = decider(policy, 'report').decide(req('DELETE', '/v1/users/1'));
  assert.deepEqual([r.decision, r.reason], ['would-block', 'operation-denied']);
});

test('unknown operations in a policy are warnings, not silent', () => {
  const routes = compileRoutes(SPEC);
  const resolved = resolvePolicy(routes, { deny: ['GET /nope'], blocks: [{ name: 'b', selector: { kind: 'ip', values: ['1.2.3.4'] }, operations: ['GET /also-nope'] }] }, 'enforce');
  assert.equal(resolved.warnings.length, 2);
  assert.match(resolved.warnings[0] ?? '', /not a documented operation/);
});

test('ip ranges and JWT subjects', () => {
  assert.equal(parseIpRange('10.0.0.0/33'), undefined);
  assert.equal(parseIpRange('256.0.0.1'), undefined);
  assert.equal(parseIpRange('fe80::1::2'), undefined);
  const r = parseIpRange('192.168.1.77/24');
  assert.ok(r);
  assert.equal(rangeContains(r, '192.168.1.1'), true);
  assert.equal(rangeContains(r, '192.168.2.1'), false);
  assert.equal(rangeContains(parseIpRange('0.0.0.0/0') ?? r, '8.8.8.8'), true);
  const b64 = (s: string): string => btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  assert.equal(jwtSubject(`Bearer ${b64('{}')}.${b64('{"sub":"u-\u00e9"}'.replace('\u00e9', '\u00c3\u00a9'))}.sig`), 'u-\u00e9');
  assert.equal(jwtSubject(`bearer   ${b64('{}')}.${b64('{"sub":"a"}')}.`), 'a');
  assert.equal(jwtSubject(`Bearer ${b64('{}')}.${b64('{"sub":42}')}.`), '');
  assert.equal(jwtSubject(`Bearer ${b64('{}')}.${b64('not json')}.`), '');
  assert.equal(jwtSubject('Basic dXNlcjpwYXNz'), '');
  assert.equal(jwtSubject(undefined), '');
});

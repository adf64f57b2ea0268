import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inferSchema, toDialect } from '../../core/src/schema/infer';

test('types, required = present in every sample, nested objects and arrays', () => {
  const s = inferSchema([
    { id: 1, name: 'a', tags: ['x'], owner: { login: 'o' } },
    { id: 2, name: 'b', tags: [], price: 1.5 },
  ]);
  assert.deepEqual(s, {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      name: { type: 'string' },
      tags: { type: 'array', items: { type: 'string' } },
      owner: { type: 'object', properties: { login: { type: 'string' } }, required: ['login'] },
      price: { type: 'number' },
    },
    required: ['id', 'name', 'tags'],
  });
});

test('formats and enums only for small repeated string sets', () => {
  assert.deepEqual(inferSchema(['2024-01-02T03:04:05Z', '2024-01-02T03:04:05.123+02:00']), { type: 'string', format: 'date-time' });
  assert.deepEqual(inferSchema(['3f2504e0-4f89-11d3-9a0c-0305e82c3301']), { type: 'string', format: 'uuid' });
  assert.deepEqual(inferSchema(['a@b.io', 'c@d.org']), { type: 'string', format: 'email' });
  assert.deepEqual(inferSchema(['open', 'closed', 'open', 'open', 'closed']), { type: 'string', enum: ['closed', 'open'] });
  assert.deepEqual(inferSchema(['alice', 'bob', 'carol']), { type: 'string' }, 'no repeats → no enum');
  assert.deepEqual(inferSchema(['x']), { type: 'string' }, 'one sample → no enum');
});

test('integer+number merge, nulls, mixed types and dialect conversion', () => {
  assert.deepEqual(inferSchema([1, 2.5]), { type: 'number' });
  const n = inferSchema(['a', null]);
  assert.deepEqual(n, { type: ['string', 'null'] });
  assert.deepEqual(toDialect(n, '3.0'), { type: 'string', nullable: true });
  assert.deepEqual(toDialect(n, '2.0'), { type: 'string', 'x-nullable': true });
  assert.deepEqual(toDialect(n, '3.1'), { type: ['string', 'null'] });
  const mixed = inferSchema([1, 'a']);
  assert.deepEqual(mixed, { anyOf: [{ type: 'integer' }, { type: 'string' }] });
  assert.deepEqual(toDialect(mixed, '2.0'), {});
  assert.deepEqual(inferSchema([]), {});
});

test('a guessed format is kept only when the diff\'s own format check accepts every value', () => {
  assert.deepEqual(inferSchema(['2024-02-29', '2024-03-01']), { type: 'string', format: 'date' });
  assert.deepEqual(inferSchema(['2024-02-30', '2024-03-01']).format, undefined, 'no 30th of February');
  assert.deepEqual(inferSchema(['ann@example.com', 'bo@example.org']).format, 'email');
});

// Robustness of the protocol validators (core/src/protocol): every message a sensor or a client
// may send, checked from random JSON, from valid messages with fields swapped for random values,
// and from random text. Properties: never throws; what it accepts survives a JSON round trip and
// is accepted again; what it rejects comes with at least one problem naming a path.
// Run: node --import tsx test/fuzz/protocol.ts --runs N [--seed S]
import fc from 'fast-check';
import { parseClientMessage, parseSensorMessage, validateClientMessage, validateSensorMessage } from '../../core/src/protocol/validate-messages';
import { count, fuzz, main, mutated, type FuzzOptions, type FuzzSummary } from './harness';

const tx = {
  id: 't1', startedAt: 1, durationMs: 1, origin: 'ebpf', service: 'svc',
  client: { address: '127.0.0.1', port: 5000 }, server: { address: '127.0.0.1', port: 80 }, tls: false, httpVersion: '1.1',
  request: { method: 'GET', target: '/a?b=1', path: '/a', query: 'b=1', queryParams: [{ name: 'b', value: '1' }], headers: [{ name: 'Host', value: 'x' }] },
  response: { status: 200, headers: [], body: { size: 2, truncated: false, encoding: 'text', text: '{}' } },
  redactions: [{ kind: 'email', location: 'response.body', count: 1 }],
};
const counters = { transactions: 1, capturedEvents: 2, capturedBytes: 3, droppedEvents: 0, queueDropped: 0, parseErrors: 0, redactions: 1, truncated: 0, deduplicated: 0, activeConnections: 1 };
const VALID: unknown[] = [
  { type: 'transactions', items: [tx, tx] },
  { type: 'stats', at: 1, uptimeMs: 2, counters },
  { type: 'error', code: 'bad-message', message: 'x' },
  { type: 'subscribe', filters: { services: ['svc'], methods: ['GET'], statusMin: 200, includeBodies: true } },
];

/** Replaces the value at a random path of a valid message with a random JSON value. */
function swap(doc: unknown, path: number[], value: unknown): unknown {
  if (path.length === 0 || typeof doc !== 'object' || doc === null) return value;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(doc) ? [...(doc as unknown[])] : { ...(doc as Record<string, unknown>) };
  const keys = Object.keys(copy);
  if (keys.length === 0) return value;
  const key = keys[(path[0] ?? 0) % keys.length] ?? '';
  (copy as Record<string, unknown>)[key] = swap((copy as Record<string, unknown>)[key], path.slice(1), value);
  return copy;
}

const input = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }),
  fc.tuple(fc.constantFrom(...VALID), fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), fc.jsonValue({ maxDepth: 3 })).map(([v, p, x]) => swap(v, p, x)),
  mutated(fc.constantFrom(...VALID.map((v) => JSON.stringify(v)))),
);

export function run(opts: FuzzOptions): FuzzSummary {
  return fuzz('protocol', opts, input, (value, counts) => {
    const results = typeof value === 'string' ? [parseSensorMessage(value), parseClientMessage(value)] : [validateSensorMessage(value), validateClientMessage(value)];
    results.forEach((r, i) => {
      if (r.ok) {
        count(counts, 'accepted');
        const again = (i === 0 ? validateSensorMessage : validateClientMessage)(JSON.parse(JSON.stringify(r.value)) as unknown);
        if (!again.ok) throw new Error('accepted once, rejected after a JSON round trip');
      } else {
        count(counts, 'rejected');
        if (r.problems.length === 0 || r.problems.some((p) => typeof p.path !== 'string' || p.message === '')) throw new Error('rejected without a problem that says where and why');
      }
    });
  });
}

if (require.main === module) main(run, process.argv.slice(2));

// Robustness of the HAR importer (core/src/har/har-import.ts): real HAR files (Chromium, DevTools)
// byte-mutated, their entries with fields swapped for random JSON, and random JSON. Properties:
// never throws; every transaction it imports passes the protocol's own transaction check; every
// entry it leaves out is reported with a path.
// Run: node --import tsx test/fuzz/har-import.ts --runs N [--seed S]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseHar, harToTransactions } from '../../core/src/har/har-import';
import { validateTransaction } from '../../core/src/protocol/validate-transaction';
import { count, fuzz, main, mutated, type FuzzOptions, type FuzzSummary } from './harness';

const FILES = ['../fixtures/har/chromium-playwright.har', '../fixtures/har/devtools-export.har', '../fixtures/openapi/petstore-traffic.har'].map((f) => readFileSync(join(__dirname, f), 'utf8'));
const ENTRIES = FILES.flatMap((t) => ((JSON.parse(t) as { log: { entries: unknown[] } }).log.entries ?? []).slice(0, 20));

function swap(doc: unknown, path: number[], value: unknown): unknown {
  if (path.length === 0 || typeof doc !== 'object' || doc === null) return value;
  const copy = (Array.isArray(doc) ? [...(doc as unknown[])] : { ...(doc as Record<string, unknown>) }) as Record<string, unknown>;
  const keys = Object.keys(copy);
  if (keys.length === 0) return value;
  const key = keys[(path[0] ?? 0) % keys.length] ?? '';
  copy[key] = swap(copy[key], path.slice(1), value);
  return copy;
}

const entry = fc.tuple(fc.constantFrom(...ENTRIES), fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), fc.jsonValue({ maxDepth: 2 })).map(([e, p, v]) => swap(e, p, v));

const input = fc.oneof(
  fc.array(entry, { maxLength: 4 }).map((entries) => ({ log: { version: '1.2', creator: { name: 'fuzz', version: '1' }, entries } })),
  mutated(fc.constantFrom(...FILES.map((f) => f.slice(0, 6000)))),
  fc.jsonValue({ maxDepth: 4 }).map((v) => ({ log: v })),
);

export function run(opts: FuzzOptions): FuzzSummary {
  return fuzz('har-import', opts, input, (value, counts) => {
    const r = typeof value === 'string' ? parseHar(value, { origin: 'import', idPrefix: 'f' }) : harToTransactions(value, { origin: 'import', idPrefix: 'f' });
    if (!r.ok) {
      count(counts, 'rejected');
      if (r.problems.length === 0) throw new Error('rejected without a problem');
      return;
    }
    for (const t of r.value.transactions) {
      const v = validateTransaction(JSON.parse(JSON.stringify(t)) as unknown);
      if (!v.ok) throw new Error(`imported a transaction its own check rejects: ${v.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
      count(counts, 'transactions');
    }
    for (const p of r.value.skipped) if (!p.path) throw new Error('skipped an entry without saying which');
    count(counts, 'skipped', r.value.skipped.length);
  });
}

if (require.main === module) main(run, process.argv.slice(2));

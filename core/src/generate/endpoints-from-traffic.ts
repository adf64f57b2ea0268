// Groups raw transactions (a HAR file, a test's traffic) into endpoints the way the inventory
// does, but over everything at once: every path is learned before any is templated, so the
// first requests get the same template as the last.

import { PathTemplater } from '../inventory/template';
import type { Transaction } from '../protocol/transaction';
import type { GenerateEndpoint } from './generate-spec';

export function endpointsFromTransactions(txs: readonly Transaction[]): GenerateEndpoint[] {
  const templaters = new Map<string, PathTemplater>();
  for (const tx of txs) {
    let t = templaters.get(tx.service);
    if (!t) templaters.set(tx.service, (t = new PathTemplater()));
    t.observe(tx.request.path);
  }
  const byKey = new Map<string, { method: string; template: string; samples: Transaction[] }>();
  for (const tx of txs) {
    const template = templaters.get(tx.service)?.template(tx.request.path) ?? tx.request.path;
    const method = tx.request.method.toUpperCase();
    const key = `${method} ${template}`;
    const entry = byKey.get(key) ?? { method, template, samples: [] };
    entry.samples.push(tx);
    byKey.set(key, entry);
  }
  return [...byKey.values()];
}

// Server-side subscribe filters (docs/protocol.md): a client only receives what it asked for.
import type { SubscribeFilters } from '../../../core/src/protocol/messages';
import type { Transaction } from '../../../core/src/protocol/transaction';

export function matchesFilters(f: SubscribeFilters, t: Transaction): boolean {
  if (f.services?.length && !f.services.includes(t.service)) return false;
  if (f.methods?.length && !f.methods.some((m) => m.toUpperCase() === t.request.method)) return false;
  if (f.pathPrefixes?.length && !f.pathPrefixes.some((p) => t.request.path.startsWith(p))) return false;
  if (f.processes?.length && !f.processes.some((p) => p === t.server.process || p === t.client.process)) return false;
  if (f.pids?.length && !f.pids.some((p) => p === t.server.pid || p === t.client.pid)) return false;
  if (f.statusMin !== undefined || f.statusMax !== undefined) {
    const status = t.response?.status;
    if (status === undefined) return false;
    if (f.statusMin !== undefined && status < f.statusMin) return false;
    if (f.statusMax !== undefined && status > f.statusMax) return false;
  }
  return true;
}

/** The transaction as this client wants it (without bodies when it said so). */
export function shapeFor(f: SubscribeFilters, t: Transaction): Transaction {
  if (f.includeBodies !== false) return t;
  const request = { ...t.request };
  delete request.body;
  const out: Transaction = { ...t, request };
  if (t.response) {
    const response = { ...t.response };
    delete response.body;
    out.response = response;
  }
  return out;
}

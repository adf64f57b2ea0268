// deprecated-operation-called: traffic to an operation marked `deprecated: true`, or whose
// `x-sunset` date (RFC 8594's Sunset, as a date or date-time) lies before the call — the
// counterpart of unused-operation. The finding names who still calls it, so that someone can be
// told: client addresses and user agents with their counts, most frequent first.

import type { OperationModel } from '../openapi/model';
import { isRecord } from '../json-record';
import type { Transaction } from '../protocol/transaction';
import type { DiffContext } from './context';
import { MAX_SAMPLE_IDS } from './context';
import { keep, tallyInto, topCallers, type DiffAggregates, type ZombieAggregate } from './aggregates';
import type { MatchedTx } from './group';

/** Callers listed per finding (the message names the first three). */
export const MAX_CALLERS = 10;

/** The `x-sunset` date in milliseconds, or undefined when absent or not a date. */
export function sunsetOf(operation: unknown): number | undefined {
  if (!isRecord(operation)) return undefined;
  const raw = operation['x-sunset'];
  const text = raw instanceof Date ? raw.toISOString() : typeof raw === 'string' ? raw.trim() : undefined;
  if (text === undefined || !/^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) return undefined;
  const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
  return Number.isNaN(ms) ? undefined : ms;
}

function userAgent(t: Transaction): string | undefined {
  for (const h of t.request.headers) if (h.name.toLowerCase() === 'user-agent') return h.value;
  return undefined;
}

/** Counts the calls made while the operation was deprecated or past its sunset, into `agg`. */
export function zombieRules(ctx: DiffContext, op: OperationModel, matched: readonly MatchedTx[], aggregates: DiffAggregates): void {
  const sunset = op.deprecated ? undefined : sunsetOf(ctx.operationValue(op));
  if (!op.deprecated && sunset === undefined) return;
  // Past its sunset only counts calls made after it; `deprecated` counts every call.
  const late = op.deprecated ? matched : matched.filter((m) => m.tx.startedAt >= sunset!);
  if (late.length === 0) return;
  const agg = aggregates.zombieOf(op);
  for (const { tx } of late) {
    const calls = aggregates.callsOf(tx);
    tallyInto(agg.clients, tx.client.address, calls);
    const ua = userAgent(tx);
    if (ua !== undefined) tallyInto(agg.userAgents, ua, calls);
  }
  keep(agg, late.map((m) => m.tx), aggregates.callsOf);
}

/** deprecated-operation-called, with who still calls it, once all transactions were seen. */
export function emitZombie(ctx: DiffContext, op: OperationModel, agg: ZombieAggregate): void {
  const count = Math.max(1, Math.round(agg.count));
  const clients = topCallers(agg.clients, MAX_CALLERS);
  const agents = topCallers(agg.userAgents, MAX_CALLERS);
  const sunset = sunsetOf(ctx.operationValue(op));
  const why = op.deprecated ? 'deprecated' : `past its sunset (${new Date(sunset!).toISOString().slice(0, 10)})`;
  const who = clients.slice(0, 3).map((c) => `${c.value} (${c.count})`).join(', ');
  const ua = agents.length === 0 ? '' : `; user agents: ${agents.slice(0, 3).map((a) => `${a.value} (${a.count})`).join(', ')}`;
  ctx.emitAggregate({
    code: 'deprecated-operation-called',
    detail: '',
    message: `${op.key} is ${why} but was called ${count} time${count === 1 ? '' : 's'} by ${clients.length} client${clients.length === 1 ? '' : 's'}: ${who}${ua}`,
    method: op.method.toUpperCase(),
    path: op.path,
    operation: op.key,
    location: ctx.locate(op.ref),
    count,
    sampleIds: agg.txs.slice(0, MAX_SAMPLE_IDS).map((t) => t.id),
    fixes: [],
    callers: { clients, userAgents: agents },
  });
}

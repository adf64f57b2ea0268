// undocumented-endpoint, undocumented-method, unused-operation.

import type { DiffContext } from './context';
import { MAX_SAMPLE_IDS } from './context';
import type { DiffAggregates } from './aggregates';
import { inferOperation } from './infer-operation';

/** `3 calls`, `1 call`: a count of calls, rounded (samples stand for fractions of their endpoint's count). */
function callsText(calls: number): string {
  const n = Math.max(1, Math.round(calls));
  return `${n.toLocaleString('en-US')} call${n === 1 ? '' : 's'}`;
}

export function endpointRules(ctx: DiffContext, g: DiffAggregates): void {
  const root = ctx.model.rootUri;
  for (const group of g.undocumentedEndpoints.values()) {
    const method = group.method.toUpperCase();
    const known = ctx.model.paths.get(group.template);
    const operation = inferOperation(group.method, group.template, group.offset, group.txs);
    ctx.emitAggregate({
      code: 'undocumented-endpoint',
      detail: group.service,
      message: `${method} ${group.template} is served (${callsText(group.count)} to ${group.service}) but no operation describes it`,
      method,
      path: group.template,
      service: group.service,
      location: ctx.locate({ uri: root, pointer: '/paths' }),
      count: Math.round(group.count),
      sampleIds: group.txs.slice(0, MAX_SAMPLE_IDS).map((t) => t.id),
      fixes: known
        ? [{ kind: 'add-method', pathItem: { uri: known.ref.uri, pointer: known.ref.pointer }, operation }]
        : [{ kind: 'add-operation', paths: { uri: root, pointer: '/paths' }, operation }],
    });
  }
  for (const group of g.undocumentedMethods.values()) {
    const method = group.method.toUpperCase();
    const item = group.pathItem;
    // A path item reached through $ref lives in another file: the method goes there.
    const target = ctx.resolver.follow(item.ref.uri, item.ref.pointer) ?? { uri: item.ref.uri, pointer: item.ref.pointer };
    ctx.emitAggregate({
      code: 'undocumented-method',
      detail: group.service,
      message: `${method} ${item.path} is served (${callsText(group.count)}) but the path only describes ${[...item.operations.keys()].map((m) => m.toUpperCase()).join(', ') || 'no methods'}`,
      method,
      path: item.path,
      service: group.service,
      location: ctx.locate(item.ref),
      count: Math.round(group.count),
      sampleIds: group.txs.slice(0, MAX_SAMPLE_IDS).map((t) => t.id),
      fixes: [{ kind: 'add-method', pathItem: { uri: target.uri, pointer: target.pointer }, operation: inferOperation(group.method, item.path, group.offset, group.txs) }],
    });
  }
  if (g.apiTraffic === 0 || !g.window) return;
  const window = `${new Date(g.window.start).toISOString()} – ${new Date(g.window.end).toISOString()}`;
  for (const op of ctx.model.operations) {
    if (g.used.has(op)) continue;
    const at = { uri: op.ref.uri, pointer: op.ref.pointer };
    ctx.emitAggregate({
      code: 'unused-operation',
      detail: '',
      message: `No traffic for ${op.key} while ${callsText(g.apiTraffic)} to this API were observed (${window})`,
      method: op.method.toUpperCase(),
      path: op.path,
      operation: op.key,
      location: ctx.locate(at),
      count: 0,
      sampleIds: [],
      fixes: op.deprecated ? [{ kind: 'remove-operation', operation: at }] : [{ kind: 'mark-deprecated', operation: at }, { kind: 'remove-operation', operation: at }],
    });
  }
}

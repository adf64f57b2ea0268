// What the generated nginx does with one request, computed without nginx: the policy report
// (`--har`) and the editor's "would the policy allow this endpoint" both use it, and the
// integration test replays the same requests through the real nginx to hold the two equal.
// Check order is the order of the generated `if`s: ambiguous path, documented path, documented
// method, operation denied, client blocks in policy order.

import { jwtSubject } from './jwt';
import type { ClientBlock, GatewayMode, GatewayPolicy } from './policy';
import { parseIpRange, rangeContains } from './ip-range';
import type { GatewayRoute } from './routes';
import { compileRouteRegexes, findRoute, isAmbiguousPath } from './routes';

export type BlockReason = 'ambiguous-path' | 'path-not-documented' | 'method-not-documented' | 'operation-denied' | 'client-blocked';

export const BLOCK_STATUS: Record<BlockReason, number> = {
  'ambiguous-path': 400,
  'path-not-documented': 404,
  'method-not-documented': 405,
  'operation-denied': 403,
  'client-blocked': 403,
};

export interface GatewayRequest {
  method: string;
  /** Path and query as sent on the request line. */
  target: string;
  clientIp: string;
  /** Header name (any case) → value; the first value when repeated, as nginx 1.22 reads it. */
  headers: ReadonlyMap<string, string>;
}

export interface GatewayDecision {
  /** 'block' in enforce mode, 'would-block' in report mode. */
  decision: 'allow' | 'block' | 'would-block';
  reason?: BlockReason;
  /** Name of the client block that matched. */
  rule?: string;
  /** Documented operation key, when the path and method are documented. */
  operation?: string;
  /** The documented path the request matched (even when its method is not documented). */
  route?: string;
  /** The status the gateway answers itself in enforce mode. */
  status?: number;
}

export interface ResolvedPolicy {
  mode: GatewayMode;
  denied: Set<string>;
  blocks: { block: ClientBlock; operations: Set<string> | '*' }[];
  warnings: string[];
}

export function resolvePolicy(routes: readonly GatewayRoute[], policy: GatewayPolicy, mode: GatewayMode): ResolvedPolicy {
  const documented = new Set(routes.flatMap((r) => [...r.methods.values()]));
  const warnings: string[] = [];
  const denied = new Set<string>();
  for (const op of policy.deny) {
    if (documented.has(op)) denied.add(op);
    else warnings.push(`deny: '${op}' is not a documented operation, so the gateway already answers it 404 in enforce mode`);
  }
  const blocks = policy.blocks.map((block) => {
    if (block.operations === '*') return { block, operations: '*' as const };
    const ops = new Set<string>();
    for (const op of block.operations) {
      if (documented.has(op)) ops.add(op);
      else warnings.push(`block '${block.name}': '${op}' is not a documented operation; ignored`);
    }
    return { block, operations: ops };
  });
  return { mode, denied, blocks, warnings };
}

function headerValue(headers: ReadonlyMap<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of headers) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

export function clientMatches(block: ClientBlock, req: GatewayRequest): boolean {
  const sel = block.selector;
  if (sel.kind === 'ip') {
    return sel.values.some((v) => {
      const range = parseIpRange(v);
      return range ? rangeContains(range, req.clientIp) : false;
    });
  }
  if (sel.kind === 'header') {
    const value = headerValue(req.headers, sel.header);
    return value !== undefined && sel.values.includes(value);
  }
  const sub = jwtSubject(headerValue(req.headers, 'authorization'));
  return sub !== '' && sel.values.includes(sub);
}

export class GatewayDecider {
  private readonly regexes: (RegExp | undefined)[];

  /**
   * `httproute` approximates a Gateway API implementation: unrouted methods and denied operations
   * get its 404, client blocks are not part of HTTPRoute, path normalisation is the implementation's
   * (the ambiguous-path check is nginx's).
   */
  constructor(
    readonly routes: readonly GatewayRoute[],
    readonly policy: ResolvedPolicy,
    readonly target: 'nginx' | 'httproute' = 'nginx',
  ) {
    this.regexes = compileRouteRegexes(routes);
  }

  decide(req: GatewayRequest): GatewayDecision {
    const routeOnly = this.target === 'httproute';
    const blocked = (reason: BlockReason, extra: Partial<GatewayDecision> = {}): GatewayDecision => ({
      decision: this.policy.mode === 'enforce' ? 'block' : 'would-block',
      reason,
      status: routeOnly ? 404 : BLOCK_STATUS[reason],
      ...extra,
    });
    const found = findRoute(this.routes, this.regexes, req.target, req.method);
    if (!routeOnly && isAmbiguousPath(req.target)) return blocked('ambiguous-path', found ? { route: found.route.fullPath } : {});
    if (!found) return blocked('path-not-documented');
    const route = found.route.fullPath;
    const operation = found.operation;
    if (!operation) return blocked('method-not-documented', { route });
    if (this.policy.denied.has(operation)) return blocked('operation-denied', { route, operation });
    for (const { block, operations } of routeOnly ? [] : this.policy.blocks) {
      if (operations !== '*' && !operations.has(operation)) continue;
      if (clientMatches(block, req)) return blocked('client-blocked', { route, operation, rule: block.name });
    }
    return { decision: 'allow', route, operation };
  }
}

/** The reason as the gateway logs it: `client-blocked:<rule>` for client blocks. */
export function logReason(d: GatewayDecision): string {
  if (!d.reason) return '';
  return d.reason === 'client-blocked' && d.rule ? `client-blocked:${d.rule}` : d.reason;
}

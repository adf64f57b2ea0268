// Kubernetes Gateway API HTTPRoute objects (gateway.networking.k8s.io/v1) for the documented
// operations: one rule per operation (method + path match) to one backend Service; anything not
// routed gets the implementation's 404. Plain objects here; the CLI validates them against the
// published schemas (@kubernetes-models/gateway-api) before printing.

import type { ResolvedPolicy } from './decide';
import type { GatewayRoute } from './routes';

export interface HttpRouteOptions {
  /** Route object name; several objects get `-1`, `-2`, … */
  name: string;
  namespace?: string;
  gateway: string;
  service: string;
  port: number;
  hostnames: string[];
}

export interface HttpRouteObject {
  apiVersion: 'gateway.networking.k8s.io/v1';
  kind: 'HTTPRoute';
  metadata: { name: string; namespace?: string; annotations: Record<string, string> };
  spec: {
    parentRefs: { name: string }[];
    hostnames?: string[];
    rules: { matches: { method: GatewayHttpMethod; path: { type: 'Exact' | 'RegularExpression'; value: string } }[]; backendRefs: { name: string; port: number }[] }[];
  };
}

/** The CRD allows at most 16 rules per HTTPRoute. */
export const MAX_RULES_PER_ROUTE = 16;

const GATEWAY_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] as const;
export type GatewayHttpMethod = (typeof GATEWAY_METHODS)[number];

function isGatewayMethod(m: string): m is GatewayHttpMethod {
  return (GATEWAY_METHODS as readonly string[]).includes(m);
}

/** Exact path values the Gateway API accepts as written (RFC 3986 path characters). */
const EXACT_PATH = /^\/(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})*$/;

function toText(bytes: string): string {
  return new TextDecoder().decode(Uint8Array.from(bytes, (c) => c.charCodeAt(0)));
}

function encodePath(decoded: string): string {
  return decoded.split('/').map((s) => encodeURIComponent(s).replace(/%(?:2[146789ABC]|3[ABD]|40)/g, decodeURIComponent)).join('/');
}

export function generateHttpRoutes(routes: readonly GatewayRoute[], policy: ResolvedPolicy, opts: HttpRouteOptions): { objects: HttpRouteObject[]; warnings: string[] } {
  const warnings: string[] = [];
  if (policy.blocks.length > 0) {
    warnings.push(
      `${policy.blocks.length} client block(s) (${policy.blocks.map((b) => b.block.name).join(', ')}) are not expressible in HTTPRoute (it routes, it does not deny); ` +
        'enforce them with your implementation: Envoy Gateway SecurityPolicy, Istio AuthorizationPolicy, Cilium network policy, Kong plugins, or the nginx output',
    );
  }
  const rules: HttpRouteObject['spec']['rules'] = [];
  for (const route of routes) {
    for (const [method, op] of route.methods) {
      if (policy.denied.has(op)) continue;
      if (!isGatewayMethod(method)) {
        warnings.push(`${op}: HTTPRoute cannot match method ${method}; not routed`);
        continue;
      }
      const exact = route.exact !== undefined ? encodePath(toText(route.exact)) : undefined;
      const path = exact !== undefined && EXACT_PATH.test(exact) ? { type: 'Exact' as const, value: exact } : { type: 'RegularExpression' as const, value: toText(route.regex ?? `^${(route.exact ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) };
      rules.push({ matches: [{ method, path }], backendRefs: [{ name: opts.service, port: opts.port }] });
    }
  }
  if (policy.denied.size > 0) warnings.push(`${policy.denied.size} denied operation(s) are left unrouted (the implementation answers 404, not 403)`);
  const objects: HttpRouteObject[] = [];
  const count = Math.ceil(rules.length / MAX_RULES_PER_ROUTE);
  for (let i = 0; i < count; i++) {
    objects.push({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: {
        name: count === 1 ? opts.name : `${opts.name}-${i + 1}`,
        ...(opts.namespace ? { namespace: opts.namespace } : {}),
        annotations: { 'tapline/generated-by': 'tapline gateway httproute', 'tapline/part': `${i + 1}/${count}` },
      },
      spec: {
        parentRefs: [{ name: opts.gateway }],
        ...(opts.hostnames.length > 0 ? { hostnames: opts.hostnames } : {}),
        rules: rules.slice(i * MAX_RULES_PER_ROUTE, (i + 1) * MAX_RULES_PER_ROUTE),
      },
    });
  }
  return { objects, warnings };
}

// `tapline gateway httproute`: HTTPRoute objects, each validated against the Gateway API's
// published schema (@kubernetes-models/gateway-api) before anything is printed.

import { stringify } from 'yaml';
import type { ResolvedPolicy } from '../../../core/src/gateway/decide';
import type { HttpRouteObject } from '../../../core/src/gateway/httproute';
import { generateHttpRoutes } from '../../../core/src/gateway/httproute';
import { compileRoutes } from '../../../core/src/gateway/routes';
import type { SpecModel } from '../../../core/src/openapi/model';
import type { GatewayCommand } from './gateway-args';
import type { CliIo } from './run';

/** The published schema's verdict on one object: undefined when valid, else the problem. */
export async function validateHttpRoute(obj: HttpRouteObject): Promise<string | undefined> {
  // The package is ESM-only; a dynamic import keeps the CLI's other commands from loading it.
  const { HTTPRoute } = await import('@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute');
  try {
    new HTTPRoute(obj).validate();
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function routeName(cmd: GatewayCommand, model: SpecModel): string {
  if (cmd.name) return cmd.name;
  const base = cmd.spec.replace(/^.*\//, '').replace(/\.[^.]*$/, '');
  const slug = base.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50);
  return slug || `api-v${model.version.replace('.', '-')}`;
}

export async function printHttpRoutes(cmd: GatewayCommand, io: CliIo, model: SpecModel, policy: ResolvedPolicy): Promise<number> {
  const { objects, warnings } = generateHttpRoutes(compileRoutes(model), policy, {
    name: routeName(cmd, model),
    ...(cmd.namespace ? { namespace: cmd.namespace } : {}),
    gateway: cmd.gateway,
    service: cmd.service,
    port: cmd.port,
    hostnames: cmd.hostnames,
  });
  for (const w of warnings) io.stderr(`tapline: warning: ${w}\n`);
  for (const obj of objects) {
    const problem = await validateHttpRoute(obj);
    if (problem) {
      io.stderr(`tapline: HTTPRoute ${obj.metadata.name} does not validate against the Gateway API schema: ${problem}\n`);
      return 2;
    }
  }
  io.stdout(objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n'));
  return 0;
}

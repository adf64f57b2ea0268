// The parts of "Generate OpenAPI Document from Traffic…" that need no VS Code API (unit-tested).

import type { ServiceSnapshot } from '../../../core/src/inventory/inventory-types';

/** `api.example.com:8443` → `api-example-com-8443`. */
export function serviceSlug(service: string): string {
  const slug = service
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug === '' ? 'service' : slug;
}

/** `openapi-<slug>.yaml`, then `openapi-<slug>-2.yaml`, … for the n-th candidate (n ≥ 1). */
export function defaultFileName(service: string, n: number): string {
  return `openapi-${serviceSlug(service)}${n <= 1 ? '' : `-${n}`}.yaml`;
}

export interface ServiceChoice {
  label: string;
  description: string;
  detail?: string;
  service: ServiceSnapshot;
}

/** Services with traffic, sorted by name, labelled with endpoint and call counts. */
export function serviceChoices(services: readonly ServiceSnapshot[]): ServiceChoice[] {
  return services
    .filter((s) => s.endpoints.length > 0)
    .sort((a, b) => a.service.localeCompare(b.service))
    .map((s) => {
      const calls = s.endpoints.reduce((n, e) => n + e.count, 0);
      const declared = s.endpoints.filter((e) => e.declared).length;
      return {
        label: s.service,
        description: `${s.endpoints.length} endpoint${s.endpoints.length === 1 ? '' : 's'} · ${calls} call${calls === 1 ? '' : 's'}`,
        ...(declared > 0 ? { detail: `${declared} already described by an OpenAPI document in the workspace` } : {}),
        service: s,
      };
    });
}

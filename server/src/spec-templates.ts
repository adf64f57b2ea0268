import type { LoadedSpec } from '../../core/src/openapi/model';

/** Every operation's path template, with each of its server base paths and without (sorted, unique). */
export function specTemplates(specs: readonly LoadedSpec[]): string[] {
  const templates = new Set<string>();
  for (const spec of specs) {
    for (const op of spec.model?.operations ?? []) {
      templates.add(op.path);
      for (const server of op.servers) for (const base of server.basePaths) templates.add(`${base}${op.path}`);
    }
  }
  return [...templates].sort();
}

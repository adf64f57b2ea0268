// Shared by the openapi/match/schema/diff/patch tests: load fixtures from disk through the same
// host-provided reader the CLI uses.
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { loadSpec } from '../../core/src/openapi/load';
import type { LoadedSpec, SpecModel } from '../../core/src/openapi/model';

export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/openapi');

export function fixtureUri(rel: string): string {
  return pathToFileURL(path.join(FIXTURES, rel)).href;
}

export function readUri(uri: string): string | undefined {
  try {
    return readFileSync(uri.startsWith('file:') ? fileURLToPath(uri) : uri, 'utf8');
  } catch {
    return undefined;
  }
}

export async function loadFixture(rel: string): Promise<LoadedSpec> {
  return loadSpec(fixtureUri(rel), readUri);
}

export async function loadModel(rel: string): Promise<SpecModel> {
  const spec = await loadFixture(rel);
  if (!spec.model) throw new Error(`no model for ${rel}: ${spec.diagnostics.map((d) => d.message).join('; ')}`);
  return spec.model;
}

/** An in-memory file system for tests that build documents inline. */
export function memoryFs(files: Record<string, string>): (uri: string) => string | undefined {
  return (uri) => files[uri];
}

/** A small OpenAPI 3.0.3 document for a test: the version and info lines, then `rest` (`paths:` …). */
export function openapi30(title: string, rest: string): string {
  return `openapi: 3.0.3\ninfo: { title: ${title}, version: '1' }\n${rest}`;
}

/** `/old`: a deprecated GET answering 200 — the zombie operation the diff tests call (a `paths:` entry). */
export const DEPRECATED_OLD = `  /old:
    get:
      deprecated: true
      responses:
        '200': { description: ok }
`;

/** A spec loaded from text held in memory at `uri`. */
export function loadText(text: string, uri: string): Promise<LoadedSpec> {
  return loadSpec(uri, memoryFs({ [uri]: text }));
}

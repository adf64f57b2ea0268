// GitHub's REST description as YAML and JSON, for the spec benchmarks. The package ships JSON
// only; the YAML form (≈10 MB, ≈270k lines) is produced with the `yaml` library once per run.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';

export const GITHUB_JSON_PATH = path.resolve(import.meta.dirname, '../node_modules/@octokit/openapi/generated/api.github.com.json');

export function githubJson(): string {
  return readFileSync(GITHUB_JSON_PATH, 'utf8');
}

export function githubYaml(json = githubJson()): string {
  return stringify(JSON.parse(json), { lineWidth: 0, aliasDuplicateObjects: false });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

export function time<T>(f: () => T): { ms: number; value: T } {
  const t = performance.now();
  const value = f();
  return { ms: performance.now() - t, value };
}

export async function timeAsync<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await f();
  return { ms: performance.now() - t, value };
}

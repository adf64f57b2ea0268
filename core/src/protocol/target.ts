// Splitting an HTTP request-target into path, raw query and decoded parameters, the same way
// for live capture and for HAR imports.
import type { QueryParam } from './transaction';

export interface SplitTarget {
  path: string;
  query: string;
  queryParams: QueryParam[];
}

export function splitTarget(target: string): SplitTarget {
  let rest = target;
  // Absolute-form targets (sent to proxies): keep the path part for the inventory.
  const abs = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(rest);
  if (abs) rest = rest.slice(abs[0].length) || '/';
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  const query = q < 0 ? '' : rest.slice(q + 1);
  return { path, query, queryParams: parseQuery(query) };
}

export function parseQuery(query: string): QueryParam[] {
  if (query === '') return [];
  return query
    .split('&')
    .filter((p) => p !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      return { name: decodeQueryComponent(eq < 0 ? part : part.slice(0, eq)), value: eq < 0 ? '' : decodeQueryComponent(part.slice(eq + 1)) };
    });
}

export function decodeQueryComponent(s: string): string {
  // Most names and values are plain: nothing to decode, no regex or exception to pay for.
  if (s.indexOf('%') < 0 && s.indexOf('+') < 0) return s;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s; // malformed percent-encoding: keep what was sent
  }
}

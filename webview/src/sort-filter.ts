// Sorting and filtering of the endpoints table: pure functions so they can be tested without a DOM
// and stay fast at tens of thousands of rows (one pass to filter, one sort).
import type { EndpointRow, SortKey, SortSpec, SpecState } from './model';

const SPEC_ORDER: Record<SpecState, number> = { mismatching: 0, undocumented: 1, unused: 2, documented: 3, grpc: 4, unknown: 5 };

function text(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function keyValue(row: EndpointRow, key: SortKey): number | string | undefined {
  switch (key) {
    case 'service': return row.service.toLowerCase();
    case 'method': return row.method;
    case 'template': return row.template.toLowerCase();
    case 'calls': return row.calls;
    case 'p50': return row.p50;
    case 'p95': return row.p95;
    case 'p99': return row.p99;
    case 'errors4xx': return row.errors4xx;
    case 'errors5xx': return row.errors5xx;
    case 'spec': return SPEC_ORDER[row.specState] ?? 5;
    case 'lastSeen': return row.lastSeen;
  }
}

/** A total order for the rows: the chosen column, then service, template and method so ties are stable. */
export function compareEndpoints(a: EndpointRow, b: EndpointRow, sort: SortSpec): number {
  const va = keyValue(a, sort.key);
  const vb = keyValue(b, sort.key);
  // Rows without a value (no latency yet) go last whatever the direction.
  if (va === undefined || vb === undefined) {
    if (va !== vb) return va === undefined ? 1 : -1;
  } else if (va !== vb) {
    const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : text(String(va), String(vb));
    return sort.direction === 'asc' ? c : -c;
  }
  return text(a.service, b.service) || text(a.template, b.template) || text(a.method, b.method) || text(a.id, b.id);
}

export function sortEndpoints(rows: readonly EndpointRow[], sort: SortSpec): EndpointRow[] {
  return [...rows].sort((a, b) => compareEndpoints(a, b, sort));
}

/** Numbers read best largest-first, names A→Z: the direction a first click on a column picks. */
export function defaultDirection(key: SortKey): SortSpec['direction'] {
  return key === 'service' || key === 'method' || key === 'template' || key === 'spec' ? 'asc' : 'desc';
}

export function nextSort(current: SortSpec, key: SortKey): SortSpec {
  if (current.key !== key) return { key, direction: defaultDirection(key) };
  return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' };
}

type Predicate = (row: EndpointRow, haystack: string) => boolean;

function statusPredicate(value: string): Predicate | undefined {
  switch (value) {
    case '4xx': return (r) => r.errors4xx > 0;
    case '5xx': return (r) => r.errors5xx > 0;
    case 'error':
    case 'errors': return (r) => r.errors4xx + r.errors5xx > 0;
    default: return undefined;
  }
}

/**
 * Parses the search box: words match service, method and path (all must match, case-insensitive);
 * `method:get`, `service:orders`, `spec:undocumented`, `status:5xx` (or `4xx`, `errors`) narrow by field.
 * An unknown `key:value` is treated as plain text so a path such as `/a:b` still finds itself.
 */
export function parseQuery(query: string): Predicate[] {
  const predicates: Predicate[] = [];
  for (const raw of query.trim().toLowerCase().split(/\s+/)) {
    if (raw === '') continue;
    const colon = raw.indexOf(':');
    const key = colon > 0 ? raw.slice(0, colon) : '';
    const value = colon > 0 ? raw.slice(colon + 1) : '';
    if (key === 'method' && value !== '') predicates.push((r) => r.method.toLowerCase() === value);
    else if (key === 'service' && value !== '') predicates.push((r) => r.service.toLowerCase().includes(value));
    else if (key === 'spec' && value !== '') predicates.push((r) => r.specState.startsWith(value));
    else if (key === 'status' && statusPredicate(value)) predicates.push(statusPredicate(value)!);
    else predicates.push((_r, haystack) => haystack.includes(raw));
  }
  return predicates;
}

// Lower-cased search text per row object; rows are replaced (not mutated) on update, so this stays right.
const haystacks = new WeakMap<EndpointRow, string>();

function haystackOf(row: EndpointRow): string {
  let h = haystacks.get(row);
  if (h === undefined) {
    h = `${row.service} ${row.method} ${row.template}`.toLowerCase();
    haystacks.set(row, h);
  }
  return h;
}

export function filterEndpoints(rows: readonly EndpointRow[], query: string): EndpointRow[] {
  const predicates = parseQuery(query);
  if (predicates.length === 0) return [...rows];
  return rows.filter((row) => {
    const h = haystackOf(row);
    return predicates.every((p) => p(row, h));
  });
}

/** Filter then sort: what the table shows. */
export function visibleEndpoints(rows: readonly EndpointRow[], query: string, sort: SortSpec): EndpointRow[] {
  return filterEndpoints(rows, query).sort((a, b) => compareEndpoints(a, b, sort));
}

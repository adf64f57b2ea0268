// The panel's persisted UI state. `vscode.getState()` returns whatever an older build stored, so
// it is read field by field and anything unexpected falls back to the default.
import type { PersistedState, SortKey, StatusClass, Tab } from './model';

const SORT_KEYS: readonly SortKey[] = ['service', 'method', 'template', 'calls', 'p50', 'p95', 'p99', 'errors4xx', 'errors5xx', 'spec', 'lastSeen'];
const TABS: readonly Tab[] = ['endpoints', 'stream', 'detail'];
const STATUS: readonly StatusClass[] = ['all', '2xx', '3xx', '4xx', '5xx', 'none'];
const MAX_TEXT = 500;

export function defaultState(): PersistedState {
  return { version: 1, tab: 'endpoints', sort: { key: 'calls', direction: 'desc' }, filter: '', stream: { text: '', method: '', status: 'all' } };
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], fallback: T): T {
  return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
}

function str(v: unknown, fallback: string): string {
  return typeof v === 'string' ? v.slice(0, MAX_TEXT) : fallback;
}

export function readState(stored: unknown): PersistedState {
  const d = defaultState();
  const s = record(stored);
  if (!s || s['version'] !== 1) return d;
  const sort = record(s['sort']);
  const stream = record(s['stream']);
  const selected = s['selectedEndpointId'];
  const state: PersistedState = {
    version: 1,
    tab: oneOf(s['tab'], TABS, d.tab),
    sort: {
      key: oneOf(sort?.['key'], SORT_KEYS, d.sort.key),
      direction: oneOf(sort?.['direction'], ['asc', 'desc'] as const, d.sort.direction),
    },
    filter: str(s['filter'], d.filter),
    stream: {
      text: str(stream?.['text'], d.stream.text),
      method: str(stream?.['method'], d.stream.method),
      status: oneOf(stream?.['status'], STATUS, d.stream.status),
    },
  };
  if (typeof selected === 'string' && selected.length <= 4096) state.selectedEndpointId = selected;
  // The detail tab without an endpoint would be empty: show the table instead.
  if (state.tab === 'detail' && state.selectedEndpointId === undefined) state.tab = 'endpoints';
  return state;
}

// What the findings that need all their transactions at once keep while a diff streams (see
// DiffStream): a count of every transaction, and only the first few of them — the fixes infer from
// at most MAX_INFER_SAMPLES transactions anyway, and a finding names at most MAX_SAMPLE_IDS. So a
// diff's memory grows with the distinct endpoints, statuses and media types it saw, not with the
// number of transactions.
import type { HttpMethod, OperationModel, PathItemModel } from '../openapi/model';
import type { Caller } from './finding';
import type { Transaction } from '../protocol/transaction';

/** Transactions kept per aggregate (as many as the inference reads). */
export const MAX_INFER_SAMPLES = 50;
/**
 * Undocumented endpoints and methods (per service) one diff keeps at most; calls to further new
 * ones are counted only (a scanner in an access log tries thousands of paths, each its own).
 */
export const MAX_UNDOCUMENTED_GROUPS = 5_000;
/** Distinct callers counted per deprecated operation; later new ones are not counted one by one. */
export const MAX_TALLIED_CALLERS = 10_000;

/** Every transaction counted, the first MAX_INFER_SAMPLES kept. */
export interface Kept {
  /** The calls counted; a fraction when samples stand for their endpoint's calls (round to show). */
  count: number;
  txs: Transaction[];
}

/** How many observed calls a transaction stands for: 1, or its share of its endpoint's count when it is a sample. */
export type CallsOf = (tx: Transaction) => number;

export const ONE_CALL: CallsOf = () => 1;

export function keep(into: Kept, txs: readonly Transaction[], callsOf: CallsOf = ONE_CALL): void {
  for (const tx of txs) into.count += callsOf(tx);
  for (const tx of txs) {
    if (into.txs.length >= MAX_INFER_SAMPLES) return;
    into.txs.push(tx);
  }
}

export interface EndpointAggregate extends Kept {
  method: HttpMethod;
  template: string;
  /** Length of the base path stripped before templating (to find path parameter values). */
  offset: number;
  service: string;
}

export interface MethodAggregate extends Kept {
  method: HttpMethod;
  pathItem: PathItemModel;
  offset: number;
  service: string;
}

export interface MediaTypeAggregate extends Kept {
  owner: { uri: string; pointer: string };
  where: string;
  mt: string;
  request: boolean;
}

/** Per operation: statuses and media types it does not describe. */
export interface BodyAggregates {
  unknownStatus: Map<number, Kept>;
  unknownTypes: Map<string, MediaTypeAggregate>;
}

/** Per deprecated (or sunset) operation: its late calls and who made them. */
export interface ZombieAggregate extends Kept {
  clients: Map<string, number>;
  userAgents: Map<string, number>;
}

export function tallyInto(counts: Map<string, number>, value: string, calls = 1): void {
  const was = counts.get(value);
  if (was !== undefined) counts.set(value, was + calls);
  else if (counts.size < MAX_TALLIED_CALLERS) counts.set(value, calls);
}

/** Distinct values with counts, most frequent first, then by value; at most `max`. */
export function topCallers(counts: ReadonlyMap<string, number>, max: number): Caller[] {
  return [...counts]
    .map(([value, count]) => ({ value, count: Math.max(1, Math.round(count)) }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
    .slice(0, max);
}

/** Everything the end of a diff emits from: endpoint groups, per-operation aggregates, the window. */
export class DiffAggregates {
  readonly undocumentedEndpoints = new Map<string, EndpointAggregate>();
  readonly undocumentedMethods = new Map<string, MethodAggregate>();
  readonly used = new Set<OperationModel>();
  readonly bodies = new Map<OperationModel, BodyAggregates>();
  readonly zombies = new Map<OperationModel, ZombieAggregate>();
  /** Calls to undocumented endpoints or methods first seen past MAX_UNDOCUMENTED_GROUPS. */
  overflowCalls = 0;
  /** Calls that reached this API (matched a path, or fall under one of its base paths). */
  apiTraffic = 0;
  window: { start: number; end: number } | undefined;

  constructor(readonly callsOf: CallsOf = ONE_CALL) {}

  /** Whether a new undocumented endpoint or method may still be kept. */
  roomForGroups(): boolean {
    return this.undocumentedEndpoints.size + this.undocumentedMethods.size < MAX_UNDOCUMENTED_GROUPS;
  }

  bodiesOf(op: OperationModel): BodyAggregates {
    let b = this.bodies.get(op);
    if (b === undefined) this.bodies.set(op, (b = { unknownStatus: new Map(), unknownTypes: new Map() }));
    return b;
  }

  zombieOf(op: OperationModel): ZombieAggregate {
    let z = this.zombies.get(op);
    if (z === undefined) this.zombies.set(op, (z = { count: 0, txs: [], clients: new Map(), userAgents: new Map() }));
    return z;
  }
}

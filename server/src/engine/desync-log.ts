// The engine's record of request-smuggling attempts: every sensor's desync events, summed per
// service for the tree and the Explorer. Bounded: at most 500 services (the least recently hit
// is forgotten first) and, per service, counters for at most 12 rules and the last 5 client
// addresses; events seen twice (a sensor replays recent ones to each new connection) count once.
import type { DesyncEvent } from '../../../core/src/protocol/desync';
import type { ServiceDesyncs } from '../../../core/src/messages';

const MAX_SERVICES = 500;
const MAX_RULES = 12;
const MAX_CLIENTS = 5;
const MAX_SEEN = 10_000;

interface Entry {
  count: number;
  rules: Map<string, number>;
  clients: string[];
  latest: DesyncEvent;
}

export class DesyncLog {
  private readonly services = new Map<string, Entry>();
  private readonly seen = new Set<string>();

  /** Adds events; true when any was new. */
  add(events: readonly DesyncEvent[]): boolean {
    let added = false;
    for (const e of events) {
      if (this.seen.has(e.id)) continue;
      this.remember(e.id);
      added = true;
      const service = e.service ?? `${e.server.address}:${e.server.port}`;
      const entry = this.services.get(service) ?? { count: 0, rules: new Map<string, number>(), clients: [], latest: e };
      this.services.delete(service); // re-inserted last: the map's order is recency
      entry.count++;
      if (entry.rules.has(e.rule) || entry.rules.size < MAX_RULES) entry.rules.set(e.rule, (entry.rules.get(e.rule) ?? 0) + 1);
      entry.clients = [e.client.address, ...entry.clients.filter((c) => c !== e.client.address)].slice(0, MAX_CLIENTS);
      if (e.at >= entry.latest.at) entry.latest = e;
      this.services.set(service, entry);
      if (this.services.size > MAX_SERVICES) {
        const oldest = this.services.keys().next();
        if (!oldest.done) this.services.delete(oldest.value);
      }
    }
    return added;
  }

  summaries(): ServiceDesyncs[] {
    return [...this.services.entries()]
      .map(([service, e]): ServiceDesyncs => ({
        service,
        count: e.count,
        rules: [...e.rules.entries()].sort((a, b) => b[1] - a[1]).map(([rule]) => rule),
        clients: e.clients,
        latest: { at: e.latest.at, rule: e.latest.rule, reason: e.latest.reason, client: `${e.latest.client.address}:${e.latest.client.port}`, firstBytes: e.latest.firstBytes },
      }))
      .sort((a, b) => a.service.localeCompare(b.service));
  }

  clear(): void {
    this.services.clear();
    this.seen.clear();
  }

  private remember(id: string): void {
    this.seen.add(id);
    if (this.seen.size > MAX_SEEN) {
      const first = this.seen.values().next();
      if (!first.done) this.seen.delete(first.value);
    }
  }
}

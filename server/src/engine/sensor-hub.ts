// Every configured sensor, connected at once and merged into the engine's traffic. The extension
// hands over the list (with tokens from its SecretStorage) whenever `tapline.sensors` changes; the
// hub connects the new ones, disconnects the removed ones, and keeps the rest as they are. Tokens
// are held in memory only and never logged.
import type { SensorConnection, SensorStatus } from '../../../core/src/messages';
import type { SensorCounters } from '../../../core/src/protocol/messages';
import type { DesyncEvent } from '../../../core/src/protocol/desync';
import type { Transaction } from '../../../core/src/protocol/transaction';
import type { ProcessVisibility } from '../../../core/src/protocol/visibility';
import { SensorClient, type SensorClientOptions, type SensorState } from './sensor-client';

interface Entry {
  connection: SensorConnection;
  client: SensorClient;
  counters?: SensorCounters;
  visibility?: ProcessVisibility[];
}

export interface SensorHubHost {
  transactions(items: Transaction[]): void;
  /** Request-smuggling attempts a sensor reported (optional: hosts that do not show them). */
  desync?(items: DesyncEvent[]): void;
  /** A sensor's state or counters changed. */
  changed(): void;
  log(level: 'info' | 'warn', message: string): void;
  /** A sensor refused its token (401); whoever holds the token may fetch a new one (optional). */
  tokenRefused?(url: string): void;
}

export class SensorHub {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly host: SensorHubHost,
    private readonly clientOptions: Partial<SensorClientOptions> = {},
  ) {}

  statuses(): SensorStatus[] {
    return [...this.entries.values()].map(statusOf);
  }

  /** Makes the connected set equal to `sensors`: a sensor whose URL, name, token and pin are unchanged stays connected. */
  set(sensors: readonly SensorConnection[]): SensorStatus[] {
    const wanted = new Map(sensors.map((s) => [s.url, s]));
    for (const url of [...this.entries.keys()]) if (!wanted.has(url)) this.close(url);
    for (const sensor of wanted.values()) {
      const entry = this.entries.get(sensor.url);
      const same = entry && entry.connection.token === sensor.token && entry.connection.name === sensor.name && entry.connection.certificateFingerprint === sensor.certificateFingerprint;
      if (same) continue;
      this.open(sensor);
    }
    return this.statuses();
  }

  /** Adds or replaces one sensor; resolves with its status once it is live, refused or retrying, or after `waitMs`. */
  connect(sensor: SensorConnection, waitMs: number): Promise<SensorStatus> {
    const entry = this.open(sensor);
    return new Promise((resolve) => {
      const settle = (): void => {
        clearTimeout(timer);
        entry.client.off('state', onState);
        resolve(statusOf(entry));
      };
      const onState = (state: SensorState): void => {
        if (state.kind === 'live' || state.kind === 'retrying' || state.kind === 'failed' || state.kind === 'stopped') settle();
      };
      const timer = setTimeout(settle, waitMs);
      entry.client.on('state', onState);
    });
  }

  private open(sensor: SensorConnection): Entry {
    this.close(sensor.url);
    const pin = sensor.certificateFingerprint !== undefined ? { certificateFingerprint: sensor.certificateFingerprint } : {};
    const client = new SensorClient({ ...this.clientOptions, url: sensor.url, token: sensor.token, ...pin });
    const entry: Entry = { connection: sensor, client };
    const label = sensor.name ?? sensor.url;
    client.on('state', (state) => {
      this.host.log('info', `sensor ${label}: ${describeState(state)}`);
      this.host.changed();
    });
    client.on('transactions', (items) => this.host.transactions(items));
    client.on('desync', (items) => this.host.desync?.(items));
    client.on('stats', (counters) => {
      entry.counters = counters;
      this.host.changed();
    });
    client.on('visibility', (processes) => {
      entry.visibility = processes;
      this.host.changed();
    });
    client.on('problem', (problem) => this.host.log('warn', `sensor ${label}: ${problem}`));
    client.on('tokenRefused', () => this.host.tokenRefused?.(sensor.url));
    this.entries.set(sensor.url, entry);
    client.start();
    return entry;
  }

  private close(url: string): void {
    const entry = this.entries.get(url);
    if (!entry) return;
    entry.client.removeAllListeners();
    entry.client.stop();
    this.entries.delete(url);
    this.host.log('info', `sensor ${entry.connection.name ?? url}: disconnected`);
    this.host.changed();
  }

  dispose(): void {
    for (const url of [...this.entries.keys()]) this.close(url);
  }
}

function statusOf(entry: Entry): SensorStatus {
  const state = entry.client.state;
  return {
    url: entry.connection.url,
    ...(entry.connection.name ? { name: entry.connection.name } : {}),
    state: state.kind,
    detail: describeState(state),
    ...(state.kind === 'live' ? { sensorName: state.hello.sensor.name } : {}),
    ...(entry.counters ? { counters: entry.counters } : {}),
    ...(entry.visibility ? { visibility: entry.visibility } : {}),
  };
}

export function describeState(state: SensorState): string {
  switch (state.kind) {
    case 'connecting':
      return state.attempt === 0 ? 'connecting' : `connecting (attempt ${state.attempt + 1})`;
    case 'live':
      return `live (${state.hello.sensor.name}, ${state.hello.sensor.mode})`;
    case 'retrying':
      return `retrying in ${Math.max(0, Math.round((state.retryAt - Date.now()) / 1000))} s: ${state.reason}`;
    case 'failed':
      return `failed: ${state.reason}`;
    case 'stopped':
      return 'stopped';
  }
}

import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { SensorCounters } from '../../../core/src/protocol/messages';
import type { Transaction } from '../../../core/src/protocol/transaction';
import type { TaplineContext } from '../context';
import { SensorClient, type SensorState } from './sensor-client';
import { readSensorSettings, tokenKey, writeSensorSettings, type SensorSetting } from './sensor-settings';

export interface SensorEntry {
  setting: SensorSetting;
  client: SensorClient;
  counters?: SensorCounters;
}

/**
 * Every configured sensor, connected at once and merged. Transactions from all of them go to one
 * listener (the traffic store); state changes are surfaced for the status bar and tree.
 */
export class SensorManager implements vscode.Disposable {
  private readonly entries = new Map<string, SensorEntry>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly tapline: TaplineContext,
    private readonly onTransactions: (items: Transaction[], sensor: SensorEntry) => void,
  ) {}

  get sensors(): readonly SensorEntry[] {
    return [...this.entries.values()];
  }

  /** Connects every sensor in `tapline.sensors` whose token is stored. */
  async connectConfigured(): Promise<void> {
    for (const setting of readSensorSettings()) {
      const token = await this.tokenFor(setting);
      if (token) this.open(setting, token);
    }
  }

  private async tokenFor(setting: SensorSetting): Promise<string | undefined> {
    if (setting.tokenFile) {
      try {
        return (await readFile(setting.tokenFile, 'utf8')).trim();
      } catch (error) {
        this.tapline.log.error(`sensor ${setting.url}: cannot read tokenFile ${setting.tokenFile}: ${String(error)}`);
        return undefined;
      }
    }
    const token = await this.tapline.extension.secrets.get(tokenKey(setting.url));
    if (!token) this.tapline.log.warn(`sensor ${setting.url}: no token stored; run "Tapline: Connect to Sensor…"`);
    return token;
  }

  /** Adds (or replaces) a sensor: stores its token, remembers it in settings, connects. */
  async add(setting: SensorSetting, token: string): Promise<SensorEntry> {
    await this.tapline.extension.secrets.store(tokenKey(setting.url), token);
    const others = readSensorSettings().filter((s) => s.url !== setting.url);
    await writeSensorSettings([...others, setting]);
    return this.open(setting, token);
  }

  async remove(url: string): Promise<void> {
    this.close(url);
    await this.tapline.extension.secrets.delete(tokenKey(url));
    await writeSensorSettings(readSensorSettings().filter((s) => s.url !== url));
  }

  private open(setting: SensorSetting, token: string): SensorEntry {
    this.close(setting.url);
    const client = new SensorClient({ url: setting.url, token });
    const entry: SensorEntry = { setting, client };
    const label = setting.name ?? setting.url;
    client.on('state', (state) => {
      this.tapline.log.info(`sensor ${label}: ${describeState(state)}`);
      this.changed.fire();
    });
    client.on('transactions', (items) => this.onTransactions(items, entry));
    client.on('stats', (counters) => {
      entry.counters = counters;
      this.changed.fire();
    });
    client.on('problem', (problem) => this.tapline.log.warn(`sensor ${label}: ${problem}`));
    this.entries.set(setting.url, entry);
    client.start();
    return entry;
  }

  private close(url: string): void {
    const entry = this.entries.get(url);
    if (!entry) return;
    entry.client.removeAllListeners();
    entry.client.stop();
    this.entries.delete(url);
    this.changed.fire();
  }

  dispose(): void {
    for (const url of [...this.entries.keys()]) this.close(url);
    this.changed.dispose();
  }
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

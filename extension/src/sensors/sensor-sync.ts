// Keeps the engine's sensor connections equal to the `tapline.sensors` setting: on start, on every
// edit of the setting (no reload), and whenever an engine (re)starts. Tokens come from
// SecretStorage (or a sensor's tokenFile) and go to the engine only; they are never logged.
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { CONNECT_SENSOR, SET_SENSORS, type SensorConnection, type SensorStatus } from '../../../core/src/messages';
import type { EngineClient } from '../client/language-client';
import type { TaplineContext } from '../context';
import { readSensorSettings, tokenKey, writeSensorSettings, type SensorSetting } from './sensor-settings';

export class SensorSync {
  constructor(
    private readonly tapline: TaplineContext,
    private readonly engine: EngineClient,
  ) {
    tapline.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('tapline.sensors')) void this.push('tapline.sensors changed');
      }),
      engine.onDidStart(() => void this.push('engine started')),
    );
  }

  /** Starts the engine when sensors are configured (their traffic needs it); otherwise waits for a reason to. */
  async connectConfigured(): Promise<void> {
    if (readSensorSettings().length > 0) await this.engine.ensureStarted('sensors configured');
  }

  /** Sends the configured sensors (with their tokens) to the running engine. */
  async push(reason: string): Promise<SensorStatus[] | undefined> {
    const sensors = await this.connections();
    if (!this.engine.isRunning && sensors.length > 0) await this.engine.ensureStarted(reason);
    const statuses = await this.engine.requestIfRunning(SET_SENSORS, { sensors });
    if (statuses) this.tapline.log.info(`sensors sent to the engine (${reason}): ${statuses.map((s) => `${s.name ?? s.url} ${s.state}`).join(', ') || 'none'}`);
    return statuses;
  }

  /** Stores the token, connects at once (answering how it went), then remembers the sensor in settings. */
  async add(entered: SensorSetting, token: string, waitMs: number): Promise<SensorStatus> {
    // Connecting again to a known URL keeps the certificate pin the user wrote in the settings.
    const pinned = readSensorSettings().find((s) => s.url === entered.url)?.certificateFingerprint;
    const setting = !entered.certificateFingerprint && pinned ? { ...entered, certificateFingerprint: pinned } : entered;
    await this.tapline.extension.secrets.store(tokenKey(setting.url), token);
    const status = await this.engine.request(CONNECT_SENSOR, { sensor: { ...setting, token }, waitMs });
    const others = readSensorSettings().filter((s) => s.url !== setting.url);
    await writeSensorSettings([...others, setting]);
    return status;
  }

  async remove(url: string): Promise<void> {
    await this.tapline.extension.secrets.delete(tokenKey(url));
    await writeSensorSettings(readSensorSettings().filter((s) => s.url !== url));
  }

  private async connections(): Promise<SensorConnection[]> {
    const out: SensorConnection[] = [];
    for (const setting of readSensorSettings()) {
      const token = await this.tokenFor(setting);
      const pin = setting.certificateFingerprint ? { certificateFingerprint: setting.certificateFingerprint } : {};
      if (token) out.push({ url: setting.url, token, ...(setting.name ? { name: setting.name } : {}), ...pin });
    }
    return out;
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
}

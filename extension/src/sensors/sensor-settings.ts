import * as vscode from 'vscode';

/** One entry of the `tapline.sensors` setting. Tokens are never here: they live in SecretStorage. */
export interface SensorSetting {
  url: string;
  name?: string;
  /** A file holding the token (e.g. the sensor's own --token-file on this machine), instead of SecretStorage. */
  tokenFile?: string;
  /** wss:// with a self-signed certificate: its SHA-256 fingerprint, trusted explicitly. */
  certificateFingerprint?: string;
}

export function readSensorSettings(): SensorSetting[] {
  const raw = vscode.workspace.getConfiguration('tapline').get<unknown>('sensors', []);
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry): SensorSetting[] => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { url, name, tokenFile, certificateFingerprint } = entry as Record<string, unknown>;
    if (typeof url !== 'string' || !/^wss?:\/\//.test(url)) return [];
    const pin = typeof certificateFingerprint === 'string' && certificateFingerprint.trim() !== '' ? { certificateFingerprint } : {};
    return [{ url, ...(typeof name === 'string' ? { name } : {}), ...(typeof tokenFile === 'string' ? { tokenFile } : {}), ...pin }];
  });
}

export async function writeSensorSettings(sensors: readonly SensorSetting[]): Promise<void> {
  await vscode.workspace.getConfiguration('tapline').update('sensors', sensors, vscode.ConfigurationTarget.Global);
}

export function tokenKey(url: string): string {
  return `tapline.sensorToken:${url}`;
}

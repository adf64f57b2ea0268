// "Tapline: Connect to Local Sensor": a sensor on this machine, found without questions. It looks
// for a listener on the default address (ws://127.0.0.1:7878, `tapline.localSensor.url` to
// change it) and for the sensor's token file where tapline-sensor puts it by default (this user's
// ~/.tapline/sensor.token, then root's, for a sensor started with plain `sudo`), and connects
// when the file may be read. Otherwise it says which file it tried and why it could not read it.
import * as vscode from 'vscode';
import type { SensorStatus } from '../../../core/src/messages';
import type { SensorSync } from '../sensors/sensor-sync';
import { DEFAULT_LOCAL_SENSOR_URL, findToken, isListening, tokenFileCandidates, type LocalSensorSettings } from './local-sensor-lookup';

const CONNECT_WAIT_MS = 15_000;

export function readLocalSensorSettings(): LocalSensorSettings {
  const config = vscode.workspace.getConfiguration('tapline.localSensor');
  return { url: config.get<string>('url') || DEFAULT_LOCAL_SENSOR_URL, tokenFile: config.get<string>('tokenFile') ?? '' };
}

export async function connectToLocalSensor(sensors: SensorSync): Promise<SensorStatus | undefined> {
  const settings = readLocalSensorSettings();
  const fail = (message: string): undefined => {
    void vscode.window.showErrorMessage(`Tapline: ${message}`, 'Copy Sensor Start Command').then((choice) => {
      if (choice) void vscode.commands.executeCommand('tapline.copySensorCommand');
    });
    return undefined;
  };
  if (!(await isListening(settings.url))) return fail(`no sensor is listening on ${settings.url}. Start one (the walkthrough's "Copy Sensor Start Command"), then try again.`);
  const found = await findToken(tokenFileCandidates(settings));
  if (!found.ok) return fail(`a sensor listens on ${settings.url}, but ${found.reason}.`);
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Tapline: connecting to the local sensor at ${settings.url}` },
    // The setting names the token file, so a restarted sensor's new token is read again on reconnect.
    () => sensors.add({ url: settings.url, name: 'local', tokenFile: found.file }, found.token, CONNECT_WAIT_MS),
  );
  if (outcome.state === 'live') void vscode.window.showInformationMessage(`Tapline: connected to the local sensor ${outcome.sensorName ?? settings.url} (token from ${found.file}).`);
  else void vscode.window.showErrorMessage(`Tapline: the sensor at ${settings.url} is ${outcome.detail} (token from ${found.file}). Tapline keeps retrying.`);
  return outcome;
}

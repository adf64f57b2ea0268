import * as vscode from 'vscode';
import type { SensorStatus } from '../../../core/src/messages';
import type { SensorSync } from './sensor-sync';
import { askUnlessGiven } from './ask';

export interface ConnectArguments {
  url?: string;
  token?: string;
  name?: string;
}

/** How long "Connect to Sensor…" waits for the sensor to answer before saying it keeps trying. */
const CONNECT_WAIT_MS = 15_000;

function validateUrl(value: string): string | undefined {
  try {
    const url = new URL(value.trim());
    return url.protocol === 'ws:' || url.protocol === 'wss:' ? undefined : 'The URL must start with ws:// or wss://';
  } catch {
    return 'Not a URL, e.g. ws://127.0.0.1:7300';
  }
}

/**
 * "Tapline: Connect to Sensor…": asks for the URL and token (or takes them as arguments, for
 * scripted use), stores the token in SecretStorage, has the engine connect, and says whether the
 * sensor is live or refused us, so the user learns at once whether it worked.
 */
export async function connectToSensor(sensors: SensorSync, args: ConnectArguments = {}): Promise<SensorStatus | undefined> {
  const url = await askUnlessGiven(args.url, {
    title: 'Connect to Sensor (1/2)',
    prompt: 'The sensor\'s WebSocket URL (for a cluster, the local end of "kubectl port-forward")',
    placeHolder: 'ws://127.0.0.1:7300',
    value: 'ws://127.0.0.1:7300',
    validateInput: validateUrl,
  });
  if (!url) return undefined;
  const problem = validateUrl(url);
  if (problem) {
    void vscode.window.showErrorMessage(`Tapline: ${problem}`);
    return undefined;
  }
  const token = await askUnlessGiven(args.token, {
    title: 'Connect to Sensor (2/2)',
    prompt: 'The sensor\'s token (printed by tapline-sensor and kept in its --token-file)',
    password: true,
    validateInput: (value) => (value.trim() ? undefined : 'A token is required'),
  });
  if (!token) return undefined;

  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Tapline: connecting to ${url}` },
    () => sensors.add({ url: url.trim(), ...(args.name ? { name: args.name } : {}) }, token.trim(), CONNECT_WAIT_MS),
  );
  if (outcome.state === 'live') void vscode.window.showInformationMessage(`Tapline: connected to ${outcome.sensorName ?? url}.`);
  else void vscode.window.showWarningMessage(`Tapline: sensor ${url} is ${outcome.detail}. Tapline keeps retrying.`);
  return outcome;
}

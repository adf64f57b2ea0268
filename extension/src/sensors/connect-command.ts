import * as vscode from 'vscode';
import type { SensorManager } from './sensor-manager';
import { describeState } from './sensor-manager';
import type { SensorState } from './sensor-client';

export interface ConnectArguments {
  url?: string;
  token?: string;
  name?: string;
}

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
 * scripted use), stores the token in SecretStorage, remembers the sensor, and waits until it is
 * live or refuses us, so the user learns at once whether it worked.
 */
export async function connectToSensor(sensors: SensorManager, args: ConnectArguments = {}): Promise<SensorState | undefined> {
  const url =
    args.url ??
    (await vscode.window.showInputBox({
      title: 'Connect to Sensor (1/2)',
      prompt: 'The sensor\'s WebSocket URL (for a cluster, the local end of "kubectl port-forward")',
      placeHolder: 'ws://127.0.0.1:7300',
      value: 'ws://127.0.0.1:7300',
      ignoreFocusOut: true,
      validateInput: validateUrl,
    }));
  if (!url) return undefined;
  const problem = validateUrl(url);
  if (problem) {
    void vscode.window.showErrorMessage(`Tapline: ${problem}`);
    return undefined;
  }
  const token =
    args.token ??
    (await vscode.window.showInputBox({
      title: 'Connect to Sensor (2/2)',
      prompt: 'The sensor\'s token (printed by tapline-sensor and kept in its --token-file)',
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() ? undefined : 'A token is required'),
    }));
  if (!token) return undefined;

  const entry = await sensors.add({ url: url.trim(), ...(args.name ? { name: args.name } : {}) }, token.trim());
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Tapline: connecting to ${url}`, cancellable: true },
    (_progress, cancel) =>
      new Promise<SensorState>((resolve) => {
        const settle = (state: SensorState): void => {
          if (state.kind === 'live' || state.kind === 'retrying' || state.kind === 'failed') {
            entry.client.off('state', settle);
            resolve(state);
          }
        };
        if (entry.client.state.kind === 'live') resolve(entry.client.state);
        else entry.client.on('state', settle);
        cancel.onCancellationRequested(() => resolve(entry.client.state));
      }),
  );
  if (outcome.kind === 'live') void vscode.window.showInformationMessage(`Tapline: connected to ${outcome.hello.sensor.name}.`);
  else void vscode.window.showWarningMessage(`Tapline: sensor ${url} is ${describeState(outcome)}. Tapline keeps retrying.`);
  return outcome;
}

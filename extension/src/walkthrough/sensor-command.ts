// "Tapline: Copy Sensor Start Command": the facts about this machine (start-command.ts decides
// what to run from them), the command on the clipboard, and a line saying what it does.
import { access, constants } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { shellQuote, startCommand, type MachineFacts, type StartCommand } from './start-command';

function exists(path: string): Promise<boolean> {
  return new Promise((resolve) => access(path, constants.F_OK, (error) => resolve(!error)));
}

async function onPath(name: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) if (await exists(join(dir, name))) return true;
  return false;
}

/** A built Tapline checkout in the workspace gives an exact path; otherwise the command is run in one. */
async function findSensor(): Promise<Pick<MachineFacts, 'sensor' | 'loader'>> {
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const sensor = join(folder.uri.fsPath, 'dist', 'sensor.js');
    if (folder.uri.scheme === 'file' && (await exists(sensor))) return { sensor: `node ${shellQuote(sensor)}`, loader: join(folder.uri.fsPath, 'sensor', 'bpf', 'build', 'tapline-loader') };
  }
  return { sensor: 'npx tapline-sensor' };
}

export async function machineFacts(): Promise<MachineFacts> {
  return { platform: process.platform, uid: process.getuid?.() ?? -1, hasSudo: await onPath('sudo'), ...(await findSensor()) };
}

export async function copySensorCommand(): Promise<StartCommand> {
  const start = startCommand(await machineFacts());
  await vscode.env.clipboard.writeText(start.command);
  const where = start.command.includes('npx tapline-sensor') || start.command.includes('<tapline>') ? ' Run it in a Tapline checkout (npm run build first).' : '';
  const what = { root: 'VS Code runs as root: the sensor runs as it is.', sudo: 'Runs the sensor as you, with only the capabilities it needs (asks for your sudo password).', setcap: 'Without sudo, an administrator grants the capabilities once.', 'not-linux': 'Live capture needs Linux.' }[start.situation];
  void vscode.window.showInformationMessage(`Tapline: sensor start command copied. ${what}${where} Then run "Tapline: Connect to Local Sensor".`);
  return start;
}

// The Get Started walkthrough's commands (package.json contributes.walkthroughs) and its progress.
import * as vscode from 'vscode';
import type { EngineClient } from '../client/language-client';
import type { SnapshotFeed } from '../client/snapshot-feed';
import type { TaplineContext } from '../context';
import type { ExplorerPanels } from '../explorer/explorer-panel';
import { importHar } from '../har-commands';
import type { SensorSync } from '../sensors/sensor-sync';
import { connectToLocalSensor } from './local-sensor';
import { copySensorCommand } from './sensor-command';
import { WalkthroughProgress } from './walkthrough-progress';

/** `publisher.name#walkthroughId`, as workbench.action.openWalkthrough wants it. */
export const WALKTHROUGH_ID = 'tapline.tapline#tapline.getStarted';
/** Recorded from the pet service by scripts/record-sample-har.ts (real capture, redacted by the sensor). */
const SAMPLE_HAR = ['media', 'sample', 'petstore.har'];

export interface WalkthroughFeatures {
  engine: EngineClient;
  sensors: SensorSync;
  explorer: ExplorerPanels;
  feed: SnapshotFeed;
}

export function registerWalkthrough(tapline: TaplineContext, f: WalkthroughFeatures): WalkthroughProgress {
  const progress = new WalkthroughProgress(f.feed);
  const register = (id: string, run: (...args: unknown[]) => unknown): void => {
    tapline.subscriptions.push(vscode.commands.registerCommand(id, run));
  };
  tapline.subscriptions.push(progress);
  register('tapline.getStarted', () => vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false));
  // One click, no root: the bundled sample into the engine, then the Explorer and the Endpoints view.
  register('tapline.trySampleTraffic', async () => {
    const imported = await importHar(tapline, f.engine, vscode.Uri.joinPath(tapline.extensionUri, ...SAMPLE_HAR));
    if (imported === 0) return 0;
    f.explorer.show();
    await vscode.commands.executeCommand('tapline.endpoints.focus');
    return imported;
  });
  register('tapline.connectLocalSensor', () => connectToLocalSensor(f.sensors));
  register('tapline.copySensorCommand', () => copySensorCommand());
  return progress;
}

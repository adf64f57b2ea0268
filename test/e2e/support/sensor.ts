// Starts the real sensor (dist/sensor.js) on loopback, replaying a HAR file, for e2e journeys.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, REPO } from './paths';

export interface RunningSensor {
  url: string;
  token: string;
  tokenFile: string;
  stop(): Promise<void>;
}

export async function startReplaySensor(har: unknown): Promise<RunningSensor> {
  const dir = mkdtempSync(join(ARTIFACTS, 'sensor-'));
  const harFile = join(dir, 'traffic.har');
  const tokenFile = join(dir, 'sensor.token');
  writeFileSync(harFile, JSON.stringify(har, null, 2));
  const child = spawn(process.execPath, [join(REPO, 'dist', 'sensor.js'), '--listen', '127.0.0.1:0', '--token-file', tokenFile, '--replay', harFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /tapline-sensor listening on (wss?:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the sensor exited (${String(code)}) before listening:\n${output}`)));
  });
  return { url, token: readFileSync(tokenFile, 'utf8').trim(), tokenFile, stop: () => stop(child) };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

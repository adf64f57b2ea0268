// Runs the real sensor (dist/sensor.js) as a child process and waits for the line it prints once
// it listens. Shared by the integration and e2e tests, the demo and the benchmarks.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SENSOR = join(__dirname, '..', '..', 'dist', 'sensor.js');

export interface SensorProcess {
  /** ws://HOST:PORT/v1/stream as the sensor printed it. */
  url: string;
  /** The token from --token-file. */
  token: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `tapline-sensor --token-file TOKEN_FILE ...args`; rejects with its output if it exits
 * first. `wrap` runs it through a command that execs it (e.g. `ip netns exec NS`).
 */
export function startSensorProcess(tokenFile: string, args: readonly string[], wrap: readonly string[] = []): Promise<SensorProcess> {
  if (!existsSync(SENSOR)) return Promise.reject(new Error(`${SENSOR} is not built: run \`node scripts/build.mjs\` (npm test builds it)`));
  const argv = [process.execPath, SENSOR, '--token-file', tokenFile, ...args];
  const [bin = process.execPath, ...rest] = [...wrap, ...argv];
  const child = spawn(bin, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /tapline-sensor listening on (wss?:\/\/\S+)/.exec(output);
      if (!match?.[1]) return;
      child.stdout.off('data', onData);
      child.stderr.off('data', onData);
      child.removeListener('exit', onEarlyExit);
      resolve({ url: match[1], token: readFileSync(tokenFile, 'utf8').trim(), child, stop: () => stopProcess(child) });
    };
    const onEarlyExit = (code: number | null): void => reject(new Error(`the sensor exited (${String(code)}) before listening:\n${output.trim()}`));
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', onEarlyExit);
  });
}

/** Runs `tapline-sensor ...args` to its exit (usage errors, --help): its exit code and output. */
export function runSensorToExit(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [SENSOR, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

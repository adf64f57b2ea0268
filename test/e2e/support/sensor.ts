// Starts the real sensor on loopback, replaying a HAR file, for e2e journeys.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSensorProcess, type SensorProcess } from '../../support/sensor-process';
import { artifactDir } from './paths';

/** `tokenFile`: where the sensor keeps its token (default: a fresh folder of its own). */
export async function startReplaySensor(har: unknown, tokenFile?: string): Promise<SensorProcess> {
  const dir = artifactDir('sensor-');
  const harFile = join(dir, 'traffic.har');
  writeFileSync(harFile, JSON.stringify(har, null, 2));
  return startSensorProcess(tokenFile ?? join(dir, 'sensor.token'), ['--listen', '127.0.0.1:0', '--replay', harFile]);
}

// Tapline's main job, on an embedded default, with no arguments: a sample service (the pet
// service, drifting from its OpenAPI document) with a client generating traffic, the sensor
// capturing it (live eBPF capture as root, else a replay of the same service's traffic), and a
// real VS Code (code-server) with Tapline connected to the sensor, on 127.0.0.1.
// Usage: npm run demo   (TAPLINE_DEMO_PORT=8080 for VS Code; Ctrl+C stops everything)
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPetService, listen } from '../test/fixtures/sample-service/pet-service';
import { generateTraffic } from '../test/fixtures/sample-service/traffic';
import { startCodeServer } from '../test/e2e/support/code-server';
import { FIXTURES, VSIX } from '../test/e2e/support/paths';
import { petTrafficHar } from '../test/e2e/support/traffic-har';
import { startSensorProcess, type SensorProcess } from '../test/support/sensor-process';

interface Sensor {
  process: SensorProcess;
  mode: string;
}

async function startSensor(tokenFile: string, args: string[]): Promise<Sensor> {
  return { process: await startSensorProcess(tokenFile, args), mode: args.includes('--replay') ? 'replay' : 'live eBPF capture' };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tapline-demo-'));
  const tokenFile = join(dir, 'sensor.token');
  const service = createPetService();
  const servicePort = await listen(service);
  const common = ['--listen', '127.0.0.1:0', '--name', 'demo'];

  let sensor: Sensor;
  try {
    if (process.getuid?.() !== 0) throw new Error('live capture needs root');
    sensor = await startSensor(tokenFile, [...common, '--port', String(servicePort)]);
  } catch (error) {
    console.log(`demo: ${error instanceof Error ? error.message : String(error)}; replaying the service's traffic instead`);
    const har = join(dir, 'pet-traffic.har');
    writeFileSync(har, JSON.stringify(petTrafficHar(servicePort)));
    sensor = await startSensor(tokenFile, [...common, '--replay', har, '--replay-loop', '--replay-rate', '4']);
  }

  const stopTraffic = new AbortController();
  const traffic = generateTraffic({ port: servicePort, requests: 1_000_000, intervalMs: 250 }, stopTraffic.signal);
  traffic.catch((error: unknown) => console.error(`demo: traffic stopped: ${String(error)}`));

  const port = Number(process.env.TAPLINE_DEMO_PORT ?? 8080);
  const vscode = await startCodeServer({
    fixture: join(FIXTURES, 'workspaces', 'petstore'),
    vsix: VSIX,
    port,
    settings: { 'tapline.sensors': [{ url: sensor.process.url, name: 'demo', tokenFile }] },
  });
  console.log(`
Tapline demo is running.
  VS Code:        ${vscode.url}
  Sensor:         ${sensor.process.url} (${sensor.mode}; token in ${tokenFile})
  Sample service: http://127.0.0.1:${servicePort}/v1/pets (a client calls it 4 times a second)
Open the Tapline view in the activity bar, then openapi.yaml to see the drift. Ctrl+C stops everything.`);

  const stop = (): void => {
    stopTraffic.abort();
    service.close();
    // Both waited for: exiting first left the sensor detaching its probes for a few seconds after
    // the demo had returned the prompt.
    void Promise.allSettled([sensor.process.stop(), vscode.stop()]).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

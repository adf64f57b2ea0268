// Journeys of a new user: a developer opens a workspace holding an OpenAPI file, finds the Tapline
// container with its welcome view, and opens the API Explorer from the command palette; then the
// Get Started walkthrough, opened from the palette and from the Welcome page: its sample traffic
// fills the tree and the Explorer, and "Connect to Local Sensor" finds a real sensor by its port
// and its token file in the user's home; each step marks itself done. Real VS Code (code-server),
// real Chromium, the packaged VSIX, the real sensor.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { SensorProcess } from '../support/sensor-process';
import { startCodeServer, type CodeServer } from './support/code-server';
import { artifactDir, FIXTURES, VSIX } from './support/paths';
import { startReplaySensor } from './support/sensor';
import { petTrafficHar } from './support/traffic-har';
import { closeWalkthrough, openWalkthroughFromPalette, openWalkthroughFromWelcome, pressStepButton, walkthroughStep } from './support/walkthrough';
import { launchBrowser, Workbench } from './support/workbench';

let server: CodeServer;
let browser: Browser;
let sensor: SensorProcess;
let workbench: Workbench;

before(async () => {
  // The user's home as the extension host sees it: the sensor keeps its token where
  // tapline-sensor does by default (~/.tapline/sensor.token), which "Connect to Local Sensor" reads.
  const home = artifactDir('home-');
  sensor = await startReplaySensor(petTrafficHar(), join(home, '.tapline', 'sensor.token'));
  server = await startCodeServer({
    fixture: join(FIXTURES, 'workspaces', 'petstore'),
    vsix: VSIX,
    env: { HOME: home },
    // Its port: 7878 (the default) may be another sensor's on a shared machine.
    settings: { 'tapline.localSensor.url': sensor.url },
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await sensor?.stop();
});

test('the Tapline container shows its welcome view and the API Explorer opens from the palette', async (t) => {
  workbench = await Workbench.open(browser, server.url);

  await workbench.openContainer('Tapline');
  // The Endpoints view's welcome (the container holds other views with welcomes of their own).
  const welcome = workbench.page.locator('.welcome-view-content', { hasText: 'No API traffic observed yet' });
  await welcome.waitFor();
  for (const action of ['Try with Sample Traffic', 'Connect to Sensor…', 'Import HAR…', 'Open API Explorer', 'Get Started']) {
    await welcome.getByRole('button', { name: action }).waitFor();
  }
  t.diagnostic(`screenshot: ${await workbench.screenshot('welcome-view')}`);

  await workbench.runCommand('Tapline: Open API Explorer');
  await workbench.editorTab('API Explorer').waitFor();
  // The heading is created by the webview's own script: seeing it proves the bundle loaded under the CSP.
  const heading = workbench.activeWebview().locator('h1');
  await heading.waitFor();
  assert.equal(await heading.textContent(), 'API Explorer');
  t.diagnostic(`screenshot: ${await workbench.screenshot('api-explorer')}`);
});

test('the walkthrough opens from the palette and from the Welcome page', (t) => workbench.step('walkthrough-open', async () => {
  await openWalkthroughFromPalette(workbench);
  await closeWalkthrough(workbench);
  await openWalkthroughFromWelcome(workbench);
  for (const step of ['localSensor', 'openApi', 'devCluster']) await walkthroughStep(workbench, step).waitFor();
  // And Tapline's own palette entry (also the Endpoints view's "Get Started" link).
  await closeWalkthrough(workbench);
  await workbench.runCommand('Tapline: Get Started');
  await walkthroughStep(workbench, 'sampleTraffic').waitFor();
  t.diagnostic(`screenshot: ${await workbench.screenshot('walkthrough')}`);
}));

test('the sample-traffic step fills the tree and the Explorer, and marks itself done', (t) => workbench.step('walkthrough-sample', async () => {
  const step = walkthroughStep(workbench, 'sampleTraffic');
  assert.equal(await step.getAttribute('aria-checked'), 'false');
  await pressStepButton(workbench, 'sampleTraffic', 'Try with Sample Traffic');
  // The bundled recording: templated endpoints in the tree, their rows in the Explorer.
  const name = workbench.page.locator('.label-name', { hasText: /^GET \/v1\/orders\/\{orderId\}$/ });
  await workbench.page.locator('.pane-body .monaco-list-row').filter({ has: name }).waitFor();
  // Every recorded call counted (not only the samples each endpoint keeps).
  await workbench.page.locator('.pane-body .monaco-list-row', { hasText: '7 endpoints · 320 calls' }).waitFor();
  await workbench.editorTab('API Explorer').waitFor();
  await workbench.activeWebview().locator('.viewport [role="row"]', { hasText: '/v1/pets/{petId}/photos' }).waitFor();
  t.diagnostic(`screenshot: ${await workbench.screenshot('walkthrough-sample')}`);

  await workbench.editorTab('Walkthrough').click();
  await step.and(workbench.page.locator('[aria-checked="true"]')).waitFor();
}));

test('the local-sensor step copies the command for this machine and connects to a real sensor by its port and token file', (t) => workbench.step('walkthrough-sensor', async () => {
  await pressStepButton(workbench, 'localSensor', 'Copy Sensor Start Command');
  // code-server runs as root here, and this workspace is no Tapline checkout.
  await workbench.page.locator('.notification-list-item', { hasText: 'sensor start command copied' }).first().waitFor();
  const copied = await workbench.page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, 'npx tapline-sensor --listen 127.0.0.1:7878 --token-file "$HOME/.tapline/sensor.token"');

  await pressStepButton(workbench, 'localSensor', 'Connect to Local Sensor');
  await workbench.page.locator('.statusbar-item', { hasText: '1/1 sensor' }).waitFor();
  await walkthroughStep(workbench, 'localSensor').and(workbench.page.locator('[aria-checked="true"]')).waitFor();
  t.diagnostic(`screenshot: ${await workbench.screenshot('walkthrough-sensor')}`);
}));

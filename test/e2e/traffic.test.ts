// Journeys with live traffic: a developer connects to a sensor on loopback (the real sensor,
// replaying the pet service's traffic), sees the Endpoints tree fill, explores an endpoint in the
// API Explorer, then fixes the spec from the Problems panel with a quick fix.
// Real VS Code (code-server), real Chromium, the packaged VSIX, the real sensor and language server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startCodeServer, type CodeServer } from './support/code-server';
import { FIXTURES, VSIX } from './support/paths';
import type { SensorProcess } from '../support/sensor-process';
import { startReplaySensor } from './support/sensor';
import { HOSTILE, petTrafficHar } from './support/traffic-har';
import { launchBrowser, Workbench } from './support/workbench';

let server: CodeServer;
let sensor: SensorProcess;
let browser: Browser;
let workbench: Workbench;

before(async () => {
  sensor = await startReplaySensor(petTrafficHar());
  server = await startCodeServer({ fixture: join(FIXTURES, 'workspaces', 'petstore'), vsix: VSIX });
  browser = await launchBrowser();
  workbench = await Workbench.open(browser, server.url);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await sensor?.stop();
});

test('connect to a sensor: the Endpoints tree fills with templated endpoints and counts, hostile text stays text', (t) => workbench.step('tree', async () => {
  await workbench.openContainer('Tapline');
  await workbench.runCommand('Tapline: Connect to Sensor…');
  await workbench.answerInput('Connect to Sensor (1/2)', sensor.url);
  await workbench.answerInput('Connect to Sensor (2/2)', sensor.token);

  const tree = workbench.page.locator('.pane-body .monaco-list-row');
  for (const [label, description] of [
    ['GET /v1/pets/{petId}', /^4 · p95 .* · 1 4xx/],
    ['GET /v1/orders/{orderId}', /^3 · p95/],
    ['GET /v1/pets', /^2 · p95/],
    ['POST /v1/pets', /^1 · p95/],
  ] as const) {
    const row = tree.filter({ has: workbench.page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[{}/]/g, '\\$&')}$`) }) });
    await row.waitFor();
    assert.match((await row.locator('.label-description').textContent()) ?? '', description, label);
  }
  const hostileRow = tree.filter({ hasText: '/v1/notes/' });
  await hostileRow.waitFor();
  assert.match((await hostileRow.locator('.label-name').textContent()) ?? '', /img/, 'the hostile path is shown as text');
  assert.equal(await workbench.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  assert.equal(await workbench.page.locator('.pane-body img[src="x"]').count(), 0, 'no <img> element was created from traffic');
  t.diagnostic(`screenshot: ${await workbench.screenshot('endpoints-tree')}`);
}));

test('the API Explorer lists the endpoints, filters them, and shows a sample response body', (t) => workbench.step('explorer', async () => {
  await workbench.runCommand('Tapline: Open API Explorer');
  await workbench.editorTab('API Explorer').waitFor();
  const view = workbench.activeWebview();
  const rows = view.locator('.viewport [role="row"]');
  await rows.filter({ hasText: '/v1/orders/{orderId}' }).waitFor();
  assert.ok((await rows.count()) >= 5, 'every endpoint has a row');

  await view.locator('input#search').fill('orders');
  await view.locator('.viewport [role="row"]', { hasText: '/v1/pets' }).first().waitFor({ state: 'detached' });
  assert.equal(await rows.count(), 1, 'the filter leaves the orders endpoint only');
  t.diagnostic(`screenshot: ${await workbench.screenshot('explorer-filtered')}`);

  await rows.first().click();
  await view.locator('section[aria-label="Samples"]').waitFor();
  await view.getByText('"status": "placed"').first().waitFor();
  t.diagnostic(`screenshot: ${await workbench.screenshot('explorer-detail')}`);

  // The hostile endpoint: its script-carrying header and body render as text, and nothing runs.
  await view.getByRole('button', { name: /Endpoints/ }).first().click();
  await view.locator('input#search').fill('notes');
  await rows.first().click();
  await view.getByText('<script>window.__pwned=1</script>').first().waitFor();
  const frame = workbench.page.frames().find((f) => f.url().includes('fake.html'));
  assert.ok(frame, 'the webview content frame is reachable');
  assert.equal(await frame.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  assert.equal(await view.locator('img[src="x"]').count(), 0);
  assert.ok(HOSTILE.includes('onerror'));
  t.diagnostic(`screenshot: ${await workbench.screenshot('explorer-hostile')}`);
}));

test('the spec shows the drift in the Problems panel and a quick fix documents the endpoint', (t) => workbench.step('quick-fix', async () => {
  const specPath = join(server.workspace, 'openapi.yaml');
  await workbench.openFile('openapi.yaml');
  await workbench.openProblems();
  const problem = workbench.page.locator('.markers-panel .monaco-list-row', { hasText: /GET \/orders\/\{orderId\}|\/v1\/orders/ }).first();
  await problem.waitFor();
  t.diagnostic(`screenshot: ${await workbench.screenshot('problems')}`);

  await problem.click();
  await workbench.quickFix('Add GET /orders/{orderId} to the spec');
  await workbench.save();
  await workbench.page.locator('.markers-panel .monaco-list-row', { hasText: /\/orders/ }).first().waitFor({ state: 'detached' });
  const text = readFileSync(specPath, 'utf8');
  assert.match(text, /\n {2}\/orders\/\{orderId\}:\n {4}get:/);
  assert.match(text, /^openapi: "3\.0\.0"\ninfo:\n {2}version: 1\.0\.0/, 'the rest of the file is untouched');
  t.diagnostic(`screenshot: ${await workbench.screenshot('quick-fix-applied')}`);
}));

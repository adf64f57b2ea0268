// Journey: a developer opens a workspace holding an OpenAPI file, finds the Tapline container with
// its welcome view, and opens the API Explorer from the command palette. Real VS Code (code-server),
// real Chromium, the packaged VSIX.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startCodeServer, type CodeServer } from './support/code-server';
import { FIXTURES, VSIX } from './support/paths';
import { launchBrowser, Workbench } from './support/workbench';

let server: CodeServer;
let browser: Browser;

before(async () => {
  server = await startCodeServer({ fixture: join(FIXTURES, 'workspaces', 'petstore'), vsix: VSIX });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the Tapline container shows its welcome view and the API Explorer opens from the palette', async (t) => {
  const workbench = await Workbench.open(browser, server.url);

  await workbench.openContainer('Tapline');
  // The Endpoints view's welcome (the container holds other views with welcomes of their own).
  const welcome = workbench.page.locator('.welcome-view-content', { hasText: 'No API traffic observed yet' });
  await welcome.waitFor();
  for (const action of ['Connect to Sensor…', 'Import HAR…', 'Open API Explorer']) {
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

// `npm run screenshots`: the README's pictures (docs/images/*.png), taken from the real e2e harness
// — the packaged VSIX in code-server, driven by Chromium — on the bundled sample traffic, so they
// show what a user sees and stay true as the UI changes. Every picture waits on what it shows
// (rows, panels, menus) with a deadline; none is taken on a timer. Not part of `npm test` (it
// writes into the repository); CI can run it: `npm run screenshots`.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startCodeServer, type CodeServer } from '../test/e2e/support/code-server';
import { FIXTURES, REPO, VSIX } from '../test/e2e/support/paths';
import { openWalkthroughFromPalette, pressStepButton, walkthroughStep } from '../test/e2e/support/walkthrough';
import { launchBrowser, Workbench } from '../test/e2e/support/workbench';

const OUT = join(REPO, 'docs', 'images');

async function shoot(workbench: Workbench, name: string): Promise<void> {
  const path = join(OUT, `${name}.png`);
  await workbench.page.screenshot({ path });
  console.log(`screenshots: ${path}`);
}

/** Toasts (the import's "imported 320 transactions") would cover the pictures. */
async function clearNotifications(workbench: Workbench): Promise<void> {
  await workbench.runCommand('Notifications: Clear All Notifications');
  await workbench.page.locator('.notification-toast').first().waitFor({ state: 'detached' });
}

async function take(workbench: Workbench, workspace: string): Promise<void> {
  const page = workbench.page;
  await workbench.activityBarItem('Tapline');

  // The walkthrough, as a new user meets it, with its first page rendered (a webview).
  await openWalkthroughFromPalette(workbench);
  await page.frameLocator('.getting-started-media iframe.webview.ready').frameLocator('iframe#active-frame').locator('h1', { hasText: 'sample traffic' }).waitFor();
  await shoot(workbench, 'walkthrough');

  // Its first step: the sample traffic in the tree and the Explorer's table.
  await pressStepButton(workbench, 'sampleTraffic', 'Try with Sample Traffic');
  await walkthroughStep(workbench, 'sampleTraffic').waitFor({ state: 'attached' });
  const row = (label: string): ReturnType<typeof page.locator> =>
    page.locator('.pane-body .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[{}/.]/g, '\\$&')}$`) }) });
  await row('GET /v1/pets/{petId}').waitFor();
  await workbench.page.locator('.pane-body .monaco-list-row', { hasText: '320 calls' }).waitFor();
  await clearNotifications(workbench);
  await workbench.runCommand('View: Close All Editors');
  await workbench.runCommand('Tapline: Open API Explorer');
  const view = workbench.activeWebview();
  await view.locator('.viewport [role="row"]', { hasText: '/v1/pets/{petId}/photos' }).waitFor();
  await shoot(workbench, 'explorer-table');

  // One endpoint's detail: stats, the latency chart, status codes, findings, samples.
  await view.locator('.viewport [role="row"]', { hasText: /GET\s*\/v1\/pets\/\{petId\}\s/ }).first().click();
  await view.locator('section[aria-label="Latency over time"] svg').waitFor();
  await view.locator('section[aria-label="Samples"]').waitFor();
  await shoot(workbench, 'explorer-detail');

  // The spec: code lenses over the operations, and the hover on a path with its statuses.
  await workbench.runCommand('View: Close All Editors');
  await workbench.openFile('openapi.yaml');
  await page.locator('.monaco-editor .codelens-decoration', { hasText: /observed \d+ calls/ }).first().waitFor();
  // Monaco renders only the lines in view: go to the path's line first, then hover its key.
  const line = readFileSync(join(workspace, 'openapi.yaml'), 'utf8').split('\n').findIndex((l) => /^\s*\/pets\/\{petId\}:/.test(l)) + 1;
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input.input').fill(`:${line}`);
  await page.keyboard.press('Enter');
  await page.locator('.monaco-editor .view-line span span', { hasText: '/pets/{petId}' }).first().hover();
  await page.locator('.monaco-editor .monaco-hover', { hasText: 'Tapline: traffic for' }).first().waitFor();
  await shoot(workbench, 'code-lens-hover');
  await page.keyboard.press('Escape');

  // The Problems panel, and a quick fix offered on a finding.
  await workbench.openProblems();
  const problem = page.locator('.markers-panel .monaco-list-row', { hasText: /GET \/orders\/\{orderId\}/ }).first();
  await problem.click();
  await workbench.runCommand('View: Focus Active Editor Group');
  await page.locator('.monaco-editor.focused').waitFor();
  await page.keyboard.press('Control+.');
  await page.locator('.action-widget .monaco-list-row.action', { hasText: 'Add GET /orders/{orderId} to the spec' }).waitFor();
  await shoot(workbench, 'problems-quick-fix');
  await page.keyboard.press('Escape');

  // The tree on its own, in the side bar beside the spec, its services and endpoints with findings.
  await workbench.openContainer('Tapline');
  await row('GET /v1/orders/{orderId}').locator('.codicon-warning').waitFor();
  await shoot(workbench, 'endpoints-tree');
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startCodeServer({ fixture: join(FIXTURES, 'workspaces', 'petstore'), vsix: VSIX });
    browser = await launchBrowser();
    const workbench = await Workbench.open(browser, server.url);
    await workbench.step('screenshots', () => take(workbench, server!.workspace));
  } finally {
    await browser?.close();
    await server?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`screenshots: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

// Hostile traffic in the UI: the XSS corpus (test/fixtures/xss) in paths, query names, headers,
// bodies, JSON field names, a gRPC-style name and the sensor's own name, streamed by the real
// sensor into the packaged extension in code-server. A canary (`__taplineXss`) is planted in the
// workbench page and in every frame before any traffic arrives; the tree (with its hovers), the
// notifications, the spec editor (code lenses, diagnostics in Problems, a hover) and the API
// Explorer are shown, and the test fails if any payload ran or became an element.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Frame } from 'playwright-core';
import { startCodeServer, type CodeServer } from './support/code-server';
import { artifactDir, FIXTURES, VSIX } from './support/paths';
import { launchBrowser, Workbench } from './support/workbench';
import { startSensorProcess, type SensorProcess } from '../support/sensor-process';
import { CANARY_SCRIPT, XSS_PAYLOADS } from '../fixtures/xss/payloads';
import { xssTrafficHar } from '../fixtures/xss/traffic';

const SENSOR_NAME = `<img src=x onerror="__taplineXss('sensor-name')">`;
let server: CodeServer;
let sensor: SensorProcess;
let browser: Browser;
let workbench: Workbench;

before(async () => {
  const dir = artifactDir('xss-sensor-');
  writeFileSync(join(dir, 'traffic.har'), JSON.stringify(xssTrafficHar()));
  sensor = await startSensorProcess(join(dir, 'sensor.token'), ['--listen', '127.0.0.1:0', '--replay', join(dir, 'traffic.har'), '--name', SENSOR_NAME]);
  server = await startCodeServer({ fixture: join(FIXTURES, 'workspaces', 'petstore'), vsix: VSIX });
  browser = await launchBrowser();
  workbench = await Workbench.open(browser, server.url);
  // Every frame attached from now on (the webviews), and the page itself.
  await workbench.page.context().addInitScript(CANARY_SCRIPT);
  await workbench.page.evaluate(CANARY_SCRIPT);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await sensor?.stop();
});

/** Canary hits and elements a payload would have created, in one frame; undefined canary = not planted there. */
async function inspect(frame: Frame): Promise<{ planted: boolean; hits: string[]; elements: number }> {
  return frame.evaluate(() => {
    const w = window as unknown as { __taplineXss?: unknown; __taplineXssHits?: string[] };
    const elements = document.querySelectorAll('img[src="x"], svg[onload], iframe[srcdoc], details[ontoggle], [onfocus], a[href^="javascript:"]').length;
    return { planted: typeof w.__taplineXss === 'function', hits: [...(w.__taplineXssHits ?? [])], elements };
  });
}

async function assertNothingRan(where: string): Promise<void> {
  const frames = workbench.page.frames();
  let planted = 0;
  for (const frame of frames) {
    const r = await inspect(frame).catch(() => undefined); // a frame navigating away meanwhile
    if (!r) continue;
    planted += r.planted ? 1 : 0;
    assert.deepEqual(r.hits, [], `${where}: a payload ran in ${frame.url().slice(0, 80)}`);
    assert.equal(r.elements, 0, `${where}: a payload became an element in ${frame.url().slice(0, 80)}`);
  }
  assert.ok(planted >= 1, `${where}: the canary is planted`);
}

test('the XSS corpus shows as text in the tree, notifications, Problems, hovers, code lenses and the Explorer; no script runs', (t) => workbench.step('xss', async () => {
  assert.ok(XSS_PAYLOADS.length >= 10);
  const page = workbench.page;
  await workbench.openContainer('Tapline');
  await workbench.runCommand('Tapline: Connect to Sensor…');
  await workbench.answerInput('Connect to Sensor (1/2)', sensor.url);
  await workbench.answerInput('Connect to Sensor (2/2)', sensor.token);
  // The sensor's hostile name comes back in the "connected to …" notification, as text.
  await page.locator('.notifications-toasts', { hasText: `__taplineXss('sensor-name')` }).first().waitFor();

  const tree = page.locator('.pane-body .monaco-list-row');
  const notes = tree.filter({ hasText: `/v1/notes/` }).first();
  await notes.waitFor();
  await tree.filter({ hasText: `__taplineXss('script')` }).first().waitFor();
  await notes.hover(); // the row's tooltip renders the endpoint's details
  await assertNothingRan('tree');

  // The spec: code lenses on the operations, the finding that quotes a hostile parameter name, a hover.
  await workbench.openFile('openapi.yaml');
  await page.locator('.codelens-decoration').first().waitFor();
  await workbench.openProblems();
  await page.locator('.markers-panel .monaco-list-row', { hasText: `onerror="__taplineXss('img')"` }).first().waitFor();
  await page.locator('.view-line', { hasText: '/pets:' }).first().hover();
  await assertNothingRan('editor and Problems');

  // The Explorer: the hostile endpoint, its headers and bodies.
  await workbench.runCommand('Tapline: Open API Explorer');
  await workbench.editorTab('API Explorer').waitFor();
  const view = workbench.activeWebview();
  const rows = view.locator('.viewport [role="row"]');
  await rows.first().waitFor();
  await view.locator('input#search').fill('notes');
  await rows.first().click();
  await view.getByText(`__taplineXss('img')`).first().waitFor();
  await assertNothingRan('Explorer');
  const explorerFrame = page.frames().find((f) => f.url().includes('fake.html'));
  assert.ok(explorerFrame && (await inspect(explorerFrame)).planted, 'the canary is planted in the Explorer webview frame');
  t.diagnostic(`screenshot: ${await workbench.screenshot('xss-explorer')}`);
}));

// The API Explorer's smuggling warning in real Chromium under the panel's CSP (the preview
// harness of test/fixtures/webview-preview): a `desyncs` message with hostile strings in every
// field shows them as literal text, runs nothing, makes no element from traffic.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import type { DesyncsMessage } from '../../core/src/messages/webview';
import { startPreviewServer, type PreviewServer } from '../fixtures/webview-preview/serve';

const CHROMIUM = process.env['TAPLINE_CHROMIUM'] ?? '/usr/bin/chromium';
const BUNDLE = join(__dirname, '..', '..', 'dist', 'webview.js');
const IMG = '<img src=x onerror=window.__pwned=1>';
const SCRIPT = '<script>window.__pwned=1</script>';

let server: PreviewServer | undefined;
let browser: Browser | undefined;
const skipReason = !existsSync(CHROMIUM) ? `needs Chromium at ${CHROMIUM}` : !existsSync(BUNDLE) ? 'needs dist/webview.js: run npm run build' : undefined;

before(async () => {
  if (skipReason) return;
  server = await startPreviewServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('smuggling attempts per service are shown as text above the tabs', async (t) => {
  if (skipReason) {
    if (process.env['CI'] === 'true') assert.fail(skipReason);
    t.skip(skipReason);
    return;
  }
  const page = await browser!.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server!.url}?endpoints=10`);
  await page.locator('h1', { hasText: 'API Explorer' }).waitFor();
  const message: DesyncsMessage = {
    type: 'desyncs',
    services: [
      { service: `api${IMG}`, count: 3, rules: ['cl-and-te', 'bare-lf'], clients: ['10.0.0.7'], latest: { at: 1_764_122_406_000, rule: 'cl-and-te', reason: `reason ${SCRIPT}`, client: '10.0.0.7:50412', firstBytes: `POST /${IMG} HTTP/1.1\\r\\nX: ${SCRIPT}` } },
    ],
  };
  await page.evaluate((m) => (window as unknown as { __preview: { send(x: unknown): void } }).__preview.send(m), message);
  const banner = page.getByRole('status', { name: 'Request-smuggling attempts' });
  await banner.waitFor();
  const text = await banner.innerText();
  assert.match(text, /3 attempts \(cl-and-te, bare-lf\) from 10\.0\.0\.7/);
  assert.ok(text.includes(`api${IMG}`), 'the service name is literal text');
  assert.ok(text.includes(`POST /${IMG} HTTP/1.1\\r\\nX: ${SCRIPT}`), 'the first bytes are literal text');
  assert.equal(await page.locator('tapline-explorer img, tapline-explorer script').count(), 0, 'no element was made from traffic');
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined, 'nothing ran');
  assert.deepEqual(await page.evaluate(() => (window as unknown as { __preview: { violations: string[] } }).__preview.violations), []);
  // An empty list (traffic cleared) removes the warning.
  await page.evaluate(() => (window as unknown as { __preview: { send(x: unknown): void } }).__preview.send({ type: 'desyncs', services: [] }));
  await banner.waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
  await page.close();
});

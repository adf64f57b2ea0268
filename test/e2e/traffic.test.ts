// Journeys with live traffic: a developer connects to a sensor on loopback (the real sensor,
// replaying the pet service's traffic), sees the Endpoints tree fill, explores an endpoint in the
// API Explorer; another process writes an OpenAPI document to disk and deletes it again (Tapline
// follows); the spec is fixed from the Problems panel with a quick fix chosen right after an edit;
// a second sensor is connected by editing `tapline.sensors`; after "Restart Language Server" the
// views show the new engine's state only; a path template edited from the tree regroups the
// inventory (kept in .tapline/templates.json); "Connect to Dev Cluster…" with the real kubectl and
// an unreachable server, then with a kubectl that is not on the PATH, says what is missing. The
// spec's coverage shows in the tree, the Explorer's status line and a code lens on its first line.
// Real VS Code (code-server), real Chromium, the packaged VSIX, the real sensors and the engine.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Browser } from 'playwright-core';
import { startCodeServer, type CodeServer } from './support/code-server';
import { fileContent } from './support/files';
import { FIXTURES, VSIX } from './support/paths';
import { unreachableKubeconfig } from '../support/kubeconfig';
import type { SensorProcess } from '../support/sensor-process';
import { startReplaySensor } from './support/sensor';
import { HOSTILE, petTrafficHar } from './support/traffic-har';
import { GRPC_HOST, GRPC_PROTO_DIR, GRPC_SECRET, grpcEntries } from './support/grpc-har';
import { launchBrowser, Workbench } from './support/workbench';

let server: CodeServer;
let sensor: SensorProcess;
let second: SensorProcess;
let browser: Browser;
let workbench: Workbench;

before(async () => {
  const pets = petTrafficHar() as { log: { entries: unknown[] } };
  pets.log.entries.push(...grpcEntries(Date.parse('2026-11-26T09:01:00Z')));
  sensor = await startReplaySensor(pets);
  second = await startReplaySensor(petTrafficHar(9090));
  server = await startCodeServer({ fixture: join(FIXTURES, 'workspaces', 'petstore'), vsix: VSIX });
  browser = await launchBrowser();
  workbench = await Workbench.open(browser, server.url);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await sensor?.stop();
  await second?.stop();
});

/** Another process changes the workspace (a generator, `git checkout`): never VS Code itself. */
function asAnotherProcess(script: string, ...args: string[]): void {
  execFileSync(process.execPath, ['-e', script, ...args]);
}

function treeRow(label: string): ReturnType<Workbench['page']['locator']> {
  const name = workbench.page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[{}/.]/g, '\\$&')}$`) });
  return workbench.page.locator('.pane-body .monaco-list-row').filter({ has: name });
}

/** Edits the user settings the way a user does: in the settings.json editor, then saved. */
async function editSettings(edit: (settings: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
  const settings = JSON.parse(readFileSync(server.userSettings, 'utf8')) as Record<string, unknown>;
  await workbench.runCommand('Preferences: Open User Settings (JSON)');
  await workbench.editorTab('settings.json').waitFor();
  await workbench.replaceEditorText(JSON.stringify(edit(settings), null, 2));
  await workbench.save();
}

/** Edits `tapline.sensors` in the user settings. */
async function editSensors(edit: (sensors: Array<Record<string, unknown>>) => Array<Record<string, unknown>>): Promise<void> {
  await editSettings((settings) => {
    const sensors = Array.isArray(settings['tapline.sensors']) ? (settings['tapline.sensors'] as Array<Record<string, unknown>>) : [];
    return { ...settings, 'tapline.sensors': edit(sensors) };
  });
}

const ORDERS_SPEC = `openapi: "3.0.3"
info:
  title: Orders
  version: "1"
servers:
  - url: http://127.0.0.1:8080/v1
paths:
  /orders/{orderId}:
    parameters:
      - name: orderId
        in: path
        required: true
        schema:
          type: string
    get:
      responses:
        "200":
          description: the order
          content:
            application/json:
              schema:
                type: object
                properties:
                  orderId: { type: string }
                  petId: { type: integer }
                  status: { type: string }
    delete:
      responses:
        "204":
          description: cancelled
`;

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
  // gRPC: its own kind, under its host: the service, then methods with their grpc-status names.
  await tree.filter({ hasText: GRPC_HOST }).first().waitFor();
  for (const [label, description] of [
    ['shop.v1.Catalog', /^gRPC · 2 methods · 3 calls$/],
    ['GetItem', /^2 · p95 .* · OK ×1 · NOT_FOUND ×1$/],
    ['ListItems', /^1 · p95 .* · OK ×1$/],
  ] as const) {
    const row = treeRow(label);
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
  // The spec's coverage in the Explorer's status line.
  await view.locator('[role="status"]', { hasText: /· coverage \d+ % of Swagger Petstore/ }).waitFor();

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

test('a gRPC method in the Explorer: grpc-status by name, metadata redacted, messages as hex until a .proto appears on disk, then decoded', (t) => workbench.step('grpc', async () => {
  const view = workbench.activeWebview();
  await view.getByRole('button', { name: /Endpoints/ }).first().click();
  await view.locator('input#search').fill('spec:grpc');
  const rows = view.locator('.viewport [role="row"]');
  await rows.filter({ hasText: '/shop.v1.Catalog/ListItems' }).waitFor();
  assert.equal(await rows.count(), 2, 'two gRPC methods');
  const getItem = rows.filter({ hasText: '/shop.v1.Catalog/GetItem' });
  assert.match((await getItem.textContent()) ?? '', /gRPC · 1 failed/, 'the NOT_FOUND call failed although HTTP said 200');
  await getItem.click();
  const statuses = view.locator('section[aria-label="grpc-status"]');
  await statuses.getByText('NOT_FOUND').waitFor();
  await statuses.getByText(/Messages shown as hex: no \.proto files in the workspace/).waitFor();
  const sample = view.locator('tapline-grpc-sample-view');
  await sample.getByText('Bearer [REDACTED:authorization]').waitFor();
  assert.equal(await view.getByText(GRPC_SECRET).count(), 0, 'the metadata secret is not shown');

  // Another process adds the .proto files (a new folder, which file watchers may miss): on the
  // next look at the method the engine finds them on disk, reloads, and the detail decodes.
  cpSync(GRPC_PROTO_DIR, join(server.workspace, 'proto'), { recursive: true });
  await view.getByRole('button', { name: /Endpoints/ }).first().click();
  await getItem.click();
  await statuses.getByText('Messages decoded with').waitFor({ timeout: 20_000 });
  await statuses.getByText('proto/shop/v1/catalog.proto').waitFor();
  await view.locator('tapline-grpc-sample-view pre.json').filter({ hasText: /"name": "Hammer"|"id": "missing"/ }).first().waitFor();
  t.diagnostic(`screenshot: ${await workbench.screenshot('explorer-grpc')}`);
}));

test('an OpenAPI document written to disk by another process gets diagnostics and tree states; deleting it clears them', (t) => workbench.step('disk-spec', async () => {
  await workbench.openContainer('Tapline');
  const orders = treeRow('GET /v1/orders/{orderId}');
  await orders.locator('.codicon-warning').waitFor();
  const file = join(server.workspace, 'orders.openapi.yaml');
  asAnotherProcess('require("node:fs").writeFileSync(process.argv[1], process.argv[2])', file, ORDERS_SPEC);
  await orders.locator('.codicon-pass').waitFor();
  await workbench.openProblems();
  const problems = workbench.page.locator('.markers-panel .monaco-list-row', { hasText: 'orders.openapi.yaml' });
  await problems.first().waitFor();
  t.diagnostic(`screenshot: ${await workbench.screenshot('disk-spec-indexed')}`);

  asAnotherProcess('require("node:fs").rmSync(process.argv[1])', file);
  await problems.first().waitFor({ state: 'detached' });
  await orders.locator('.codicon-warning').waitFor();
  t.diagnostic(`screenshot: ${await workbench.screenshot('disk-spec-deleted')}`);
}));

test('a quick fix chosen right after an edit lands at the right place and documents the endpoint', (t) => workbench.step('quick-fix', async () => {
  const specPath = join(server.workspace, 'openapi.yaml');
  await workbench.openFile('openapi.yaml');
  // The spec's coverage as a code lens above its first line.
  const lens = workbench.page.locator('.monaco-editor .codelens-decoration', { hasText: /Tapline coverage: \d+\/3 operations \(\d+ %\) · \d+\/\d+ responses/ });
  await lens.waitFor();
  const firstLine = workbench.page.locator('.monaco-editor .view-line', { hasText: 'openapi: "3.0.0"' });
  assert.ok((await lens.boundingBox())!.y < (await firstLine.boundingBox())!.y, 'the coverage lens is above the first line');
  await workbench.openProblems();
  const problem = workbench.page.locator('.markers-panel .monaco-list-row', { hasText: /GET \/orders\/\{orderId\}|\/v1\/orders/ }).first();
  await problem.waitFor();
  t.diagnostic(`screenshot: ${await workbench.screenshot('problems')}`);

  // The cursor goes to the finding (`paths:`); a line pasted below it shifts the place where the
  // fix inserts by one line, and the fix is asked for at once, before the engine's debounced
  // re-analysis: planned on the old text, it would land one line off.
  await problem.click();
  await workbench.runCommand('View: Focus Active Editor Group');
  await workbench.page.locator('.monaco-editor.focused').waitFor();
  await workbench.page.keyboard.press('End');
  await workbench.paste('\n  # owned by the pets team');
  await workbench.page.locator('.monaco-editor .view-line', { hasText: '# owned by the pets team' }).waitFor();
  await workbench.page.keyboard.press('ArrowUp');
  await workbench.page.keyboard.press('Home');
  await workbench.quickFix('Add GET /orders/{orderId} to the spec', { editorFocused: true });
  // The engine has analysed the fixed text once the finding is gone; then the file is saved.
  await workbench.page.locator('.markers-panel .monaco-list-row', { hasText: /\/orders/ }).first().waitFor({ state: 'detached' });
  await workbench.save();
  // The tab stops looking dirty when the save starts; the text is on disk a moment later.
  const text = await fileContent(specPath, (t) => t.includes('/orders/{orderId}:'), 'the added operation');
  assert.match(text, /\npaths:\n {2}# owned by the pets team\n {2}\/pets:\n/, `the pasted line is where it was pasted:\n${text}`);
  assert.match(text, /\n {2}\/orders\/\{orderId\}:\n {4}get:/);
  assert.match(text, /^openapi: "3\.0\.0"\ninfo:\n {2}version: 1\.0\.0/, 'the rest of the file is untouched');
  const paths = Object.keys((parse(text) as { paths: Record<string, unknown> }).paths);
  assert.deepEqual(paths.sort(), ['/orders/{orderId}', '/pets', '/pets/{petId}'], 'the result is the spec plus the operation, nothing misplaced');
  t.diagnostic(`screenshot: ${await workbench.screenshot('quick-fix-applied')}`);
}));

test('editing tapline.sensors connects a second sensor without a reload', (t) => workbench.step('second-sensor', async () => {
  await workbench.openContainer('Tapline');
  const tokenFile = join(server.workspace, '..', 'second.token');
  writeFileSync(tokenFile, second.token);
  await editSensors((sensors) => [...sensors, { url: second.url, name: 'second', tokenFile }]);
  await workbench.page.locator('.monaco-list-row', { hasText: '127.0.0.1:9090' }).first().waitFor();
  await workbench.page.locator('.statusbar-item', { hasText: '2/2 sensors' }).waitFor();
  t.diagnostic(`screenshot: ${await workbench.screenshot('second-sensor')}`);

  // Removed from the setting: disconnected at once (what it sent stays until the engine restarts).
  await editSensors((sensors) => sensors.filter((s) => s.url !== second.url));
  await workbench.page.locator('.statusbar-item', { hasText: '1/1 sensor' }).waitFor();
}));

test('after "Restart Language Server" the tree and the Explorer show the new engine\'s state only', (t) => workbench.step('restart', async () => {
  const secondService = workbench.page.locator('.pane-body .monaco-list-row', { hasText: '127.0.0.1:9090' }).first();
  await secondService.waitFor();
  await workbench.runCommand('Tapline: Restart Language Server');
  await secondService.waitFor({ state: 'detached' });
  await treeRow('GET /v1/pets/{petId}').waitFor();

  await workbench.runCommand('Tapline: Open API Explorer');
  await workbench.editorTab('API Explorer').waitFor();
  const view = workbench.activeWebview();
  await view.getByRole('button', { name: /Endpoints/ }).first().click();
  await view.locator('input#search').fill('');
  // The first sensor's five pet endpoints and its two gRPC methods; nothing of the second sensor.
  await view.locator('[role="status"]', { hasText: /^7 endpoints · / }).waitFor();
  t.diagnostic(`screenshot: ${await workbench.screenshot('after-restart')}`);
}));

test('"Edit Path Template…" on a tree endpoint merges endpoints: the inventory regroups at once', (t) => workbench.step('edit-template', async () => {
  await workbench.openContainer('Tapline');
  const orders = treeRow('GET /v1/orders/{orderId}');
  const pets = treeRow('GET /v1/pets/{petId}');
  await orders.waitFor();
  await pets.waitFor();
  await orders.click({ button: 'right' });
  // The menu ignores synthetic clicks while it opens: point at the entry, then choose it with Enter.
  const entry = workbench.page.locator('.context-view .action-label', { hasText: 'Edit Path Template…' });
  await entry.hover();
  await workbench.page.locator('.context-view .action-item.focused', { hasText: 'Edit Path Template…' }).waitFor();
  await workbench.page.keyboard.press('Enter');
  // `orders` becomes a parameter: orders, pets and notes below /v1 are one endpoint now.
  await workbench.answerInput('Edit Path Template', '/v1/{resource}/{orderId}');
  const merged = treeRow('GET /v1/{resource}/{orderId}');
  await merged.waitFor();
  await orders.waitFor({ state: 'detached' });
  await pets.waitFor({ state: 'detached' });
  assert.match((await merged.locator('.label-description').textContent()) ?? '', /^8 · /, 'orders (3), pets by id (4) and the note (1)');
  const text = await fileContent(join(server.workspace, '.tapline', 'templates.json'), (x) => x.includes('{resource}'), 'the saved template');
  assert.deepEqual((JSON.parse(text) as { templates: unknown[] }).templates, [{ template: '/v1/{resource}/{orderId}' }]);
  t.diagnostic(`screenshot: ${await workbench.screenshot('template-merged')}`);
  // The spec's coverage row, below the services.
  const coverage = treeRow('Coverage · Swagger Petstore');
  await coverage.waitFor();
  assert.match((await coverage.locator('.label-description').textContent()) ?? '', /^\d+ % of operations$/);
}));

test('Connect to Dev Cluster: the real kubectl with an unreachable server names the context; a kubectl not on the PATH is named', (t) => workbench.step('cluster', async () => {
  if (!existsSync('/usr/bin/kubectl')) {
    if (process.env.CI === 'true') throw new Error('/usr/bin/kubectl is missing');
    t.skip('needs /usr/bin/kubectl');
    return;
  }
  // A kubeconfig whose API server does not answer (nothing listens on that port): no API server can run here.
  const kubeconfig = await unreachableKubeconfig([{ name: 'e2e-dev' }], 'e2e-dev');
  const toast = (text: RegExp): ReturnType<Workbench['page']['locator']> => workbench.page.locator('.notifications-toasts .notification-list-item-message', { hasText: text }).first();
  const contextPick = workbench.page.locator('.quick-input-widget .quick-input-title', { hasText: 'Connect to Dev Cluster (1/2)' });
  /**
   * Runs the command until it answers as `applied` says (a saved setting reaches the extension
   * host a moment after the save, and nothing on screen says when): the command's first screen
   * tells which settings it ran with. Each try waits for one of the two screens, with a deadline.
   */
  const runClusterCommand = async (applied: 'pick' | 'toast', expected: RegExp): Promise<void> => {
    const deadline = Date.now() + 30_000;
    for (let attempt = 1; ; attempt++) {
      await workbench.runCommand('Tapline: Connect to Dev Cluster…');
      const seen = await Promise.race([
        contextPick.waitFor().then(() => 'pick' as const),
        toast(expected).waitFor().then(() => 'toast' as const),
        toast(/your kubeconfig has no contexts/).waitFor().then(() => 'stale' as const),
      ]);
      if (seen === applied) return;
      if (seen === 'pick') await workbench.page.keyboard.press('Escape');
      else await workbench.runCommand('Notifications: Clear All Notifications');
      if (Date.now() > deadline) throw new Error(`the setting did not apply after ${attempt} tries (last screen: ${seen})`);
    }
  };
  await editSettings((settings) => ({ ...settings, 'tapline.cluster.kubeconfig': kubeconfig }));
  await runClusterCommand('pick', /kubectl not found/);
  await workbench.page.locator('.quick-input-list .monaco-list-row', { hasText: 'e2e-dev' }).first().click();
  await workbench.answerInput('Connect to Dev Cluster (2/2)', 'tapline');
  await toast(/context "e2e-dev" is unreachable: The connection to the server 127\.0\.0\.1:\d+ was refused/).waitFor();
  t.diagnostic(`screenshot: ${await workbench.screenshot('cluster-unreachable')}`);

  await editSettings((settings) => ({ ...settings, 'tapline.cluster.kubectlPath': 'kubectl-not-on-this-path' }));
  await runClusterCommand('toast', /kubectl not found \(kubectl-not-on-this-path\): install it, or set tapline\.cluster\.kubectlPath/);
  t.diagnostic(`screenshot: ${await workbench.screenshot('cluster-no-kubectl')}`);
  await editSettings((settings) => {
    const { 'tapline.cluster.kubectlPath': _path, 'tapline.cluster.kubeconfig': _config, ...rest } = settings;
    return rest;
  });
}));

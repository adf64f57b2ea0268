import { join } from 'node:path';
import { startCodeServer } from './support/code-server';
import { FIXTURES, VSIX } from './support/paths';
import { launchBrowser, Workbench } from './support/workbench';
async function main() {
  const server = await startCodeServer({ fixture: join(FIXTURES, 'workspaces', 'petstore'), vsix: VSIX });
  const browser = await launchBrowser();
  try {
    const wb = await Workbench.open(browser, server.url);
    await wb.activityBarItem('Tapline');
    await wb.runCommand('Tapline: Try with Sample Traffic');
    const svc = wb.page.locator('.pane-body .monaco-list-row', { hasText: '127.0.0.1:8080' }).first();
    await svc.waitFor();
    for (let i = 0; i < 6; i++) { console.log(await svc.textContent()); await wb.page.waitForTimeout(1000); }
    await wb.screenshot('probe-sample');
  } finally {
    await browser.close();
    await server.stop();
  }
}
main().catch((e) => { console.error(e); process.exit(1); });

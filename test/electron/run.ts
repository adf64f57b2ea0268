// Runs the extension's tests in desktop VS Code through @vscode/test-electron. CI cannot use it (VS
// Code's download is not reachable there; CI's proof is the code-server + Chromium suite in
// test/e2e), so it runs where VSCODE_EXECUTABLE_PATH names a desktop VS Code or a download works.
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const repo = join(__dirname, '..', '..');
  await runTests({
    vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH,
    version: process.env.VSCODE_EXECUTABLE_PATH ? undefined : '1.100.3',
    extensionDevelopmentPath: repo,
    extensionTestsPath: join(__dirname, 'suite.js'),
    launchArgs: [join(repo, 'test', 'fixtures', 'workspaces', 'petstore'), '--disable-extensions'],
  });
}

main().catch((error: unknown) => {
  console.error(`test:electron: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

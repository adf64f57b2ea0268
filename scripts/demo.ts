// Tapline's main job, on an embedded default: builds and packages the extension, starts a real
// VS Code (code-server) with it and a sample workspace on 127.0.0.1, and prints the URL.
// Usage: npm run demo   (TAPLINE_DEMO_PORT=8080 by default; Ctrl+C stops everything)
import { join } from 'node:path';
import { startCodeServer } from '../test/e2e/support/code-server';
import { FIXTURES, VSIX } from '../test/e2e/support/paths';

async function main(): Promise<void> {
  const port = Number(process.env.TAPLINE_DEMO_PORT ?? 8080);
  const vscode = await startCodeServer({ fixture: join(FIXTURES, 'workspaces', 'petstore'), vsix: VSIX, port });
  console.log(`\nTapline demo is running.\n  VS Code: ${vscode.url}\n  Workspace: ${vscode.workspace}\nCtrl+C to stop.`);
  const stop = (): void => {
    void vscode.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

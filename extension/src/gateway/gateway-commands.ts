// The gateway commands. "Regenerate Gateway Configuration" asks the engine for the nginx
// configuration of each workspace spec with the workspace policy (tapline-gateway.yaml) and writes
// `<spec>.nginx.conf` beside each spec. "Test Gateway Policy Against Observed Traffic" shows the
// engine's policy report on the traffic it holds. The work is the engine's (core/src/gateway).
import * as vscode from 'vscode';
import { GATEWAY_CONFIG, GATEWAY_REPORT } from '../../../core/src/messages';
import type { EngineClient } from '../client/language-client';

export async function regenerateGatewayConfig(engine: EngineClient, log: vscode.LogOutputChannel): Promise<vscode.Uri[]> {
  const settings = vscode.workspace.getConfiguration('tapline.gateway');
  const upstream = settings.get<string>('upstream', 'http://127.0.0.1:8080');
  const listen = settings.get<string>('listen', '127.0.0.1:8081');
  const result = await engine.request(GATEWAY_CONFIG, { upstream, listen });
  if (!result.ok) {
    void vscode.window.showWarningMessage(`Tapline: no gateway configuration written: ${result.reason}.`);
    return [];
  }
  const written: vscode.Uri[] = [];
  for (const file of result.files) {
    const target = vscode.Uri.parse(file.targetUri);
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(file.text));
    written.push(target);
    log.info(`Gateway configuration for ${file.specUri} (${file.operations} operations${file.policyUri ? `, policy ${file.policyUri}` : ', no policy file'}) written to ${file.targetUri}`);
    for (const w of file.warnings) log.warn(`gateway: ${w}`);
  }
  const first = written[0];
  if (first) await vscode.window.showTextDocument(first, { preview: true });
  const warnings = result.files.reduce((n, f) => n + f.warnings.length, 0);
  void vscode.window.showInformationMessage(
    `Tapline: wrote ${written.length} nginx configuration${written.length === 1 ? '' : 's'} (check with nginx -t; see docs/gateway.md)${warnings ? `, ${warnings} warning(s) in the Tapline log` : ''}.`,
  );
  return written;
}

export async function testGatewayPolicy(engine: EngineClient): Promise<vscode.TextDocument | undefined> {
  const result = await engine.request(GATEWAY_REPORT, {});
  if (!result.ok) {
    void vscode.window.showInformationMessage(`Tapline: no policy report: ${result.reason}.`);
    return undefined;
  }
  // An untitled document: the report quotes traffic, and a document shows it as plain text.
  const doc = await vscode.workspace.openTextDocument({ content: result.text, language: 'plaintext' });
  await vscode.window.showTextDocument(doc, { preview: false });
  if (result.flagged > 0) void vscode.window.showWarningMessage(`Tapline: the gateway policy would block ${result.flagged} documented operation(s) seen in the traffic; the description or the policy is wrong.`);
  return doc;
}

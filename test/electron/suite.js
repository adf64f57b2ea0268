// Runs inside the desktop VS Code's extension host (plain JS: it is loaded without a TS loader).
const assert = require('node:assert/strict');
const vscode = require('vscode');

exports.run = async function run() {
  const extension = vscode.extensions.getExtension('tapline.tapline');
  assert.ok(extension, 'the Tapline extension is installed in the development host');
  await extension.activate();
  const commands = await vscode.commands.getCommands(true);
  for (const id of ['tapline.openExplorer', 'tapline.connectSensor', 'tapline.importHar']) {
    assert.ok(commands.includes(id), `${id} is registered`);
  }
  await vscode.commands.executeCommand('tapline.openExplorer');
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  assert.equal(tab && tab.label, 'API Explorer');
  console.log('test:electron: 3 checks passed');
};

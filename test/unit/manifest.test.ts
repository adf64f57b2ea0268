// The extension manifest: lazy activation, every command titled and categorised and registered,
// every view's welcome actions pointing at real commands, settings all under `tapline.`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..');
interface Manifest {
  activationEvents: string[];
  engines: { vscode: string };
  devDependencies: Record<string, string>;
  contributes: {
    commands: Array<{ command: string; title: string; category?: string }>;
    viewsWelcome: Array<{ view: string; contents: string }>;
    configuration: { properties: Record<string, { description?: string; markdownDescription?: string; default?: unknown }> };
  };
}
const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Manifest;

function sources(dir: string): string {
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .map((path) => (statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? readFileSync(path, 'utf8') : ''))
    .join('\n');
}

test('activation is lazy: never "*" nor startup, and OpenAPI files in the workspace activate it', () => {
  assert.ok(!manifest.activationEvents.includes('*'));
  assert.ok(!manifest.activationEvents.includes('onStartupFinished'));
  assert.ok(manifest.activationEvents.some((e) => e.startsWith('workspaceContains:') && e.includes('openapi')));
  assert.ok(manifest.activationEvents.includes('onView:tapline.endpoints'));
});

test('engines.vscode is the oldest VS Code the e2e suite runs (code-server 4.100.3) and matches @types/vscode', () => {
  assert.equal(manifest.engines.vscode, '^1.100.0');
  assert.equal(manifest.devDependencies['@types/vscode'], '1.100.0');
});

test('every command has a title and the Tapline category and is registered by the extension', () => {
  const code = sources(join(REPO, 'extension', 'src'));
  for (const command of manifest.contributes.commands) {
    assert.ok(command.title, `${command.command} has a title`);
    assert.equal(command.category, 'Tapline', `${command.command} is in the Tapline category`);
    assert.ok(code.includes(`'${command.command}'`), `${command.command} is registered in extension/src`);
  }
});

test('the welcome view offers sample traffic, Connect to Sensor, Import HAR, Open API Explorer and Get Started, each a real command', () => {
  const welcome = manifest.contributes.viewsWelcome.find((w) => w.view === 'tapline.endpoints');
  assert.ok(welcome);
  const ids = new Set(manifest.contributes.commands.map((c) => c.command));
  const links = [...welcome.contents.matchAll(/\[([^\]]+)\]\(command:([\w.]+)\)/g)].map((m) => [m[1], m[2]] as const);
  assert.deepEqual(links.map(([label]) => label), ['Try with Sample Traffic', 'Connect to Sensor…', 'Import HAR…', 'Open API Explorer', 'Get Started']);
  for (const [, id] of links) assert.ok(ids.has(id), `${id} is a contributed command`);
});

test('every setting is under tapline., documented and has a default', () => {
  for (const [key, schema] of Object.entries(manifest.contributes.configuration.properties)) {
    assert.ok(key.startsWith('tapline.'), key);
    assert.ok(schema.description ?? schema.markdownDescription, `${key} is documented`);
    assert.ok('default' in schema, `${key} has a default`);
  }
});

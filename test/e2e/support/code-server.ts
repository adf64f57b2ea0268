// Starts a real VS Code (code-server from npm) with the packaged extension installed, on loopback.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifactDir, REPO } from './paths';

export interface CodeServer {
  url: string;
  /** The workspace folder (a copy of the fixture, so journeys may edit it). */
  workspace: string;
  /** The user settings.json VS Code reads (and follows when a journey edits it). */
  userSettings: string;
  stop(): Promise<void>;
}

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'security.workspace.trust.enabled': false,
  'window.restoreWindows': 'none',
  'update.mode': 'none',
  'git.openRepositoryInParentFolders': 'never',
};

/** The installed code-server entry point; installs it once (cached outside the repository). */
export function codeServerEntry(): string {
  return execFileSync('bash', [join(REPO, 'scripts/setup-code-server.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

export interface CodeServerOptions {
  /** Folder copied into the workspace. */
  fixture: string;
  vsix: string;
  port?: number;
  /** User settings added to the defaults (e.g. `tapline.sensors`). */
  settings?: Record<string, unknown>;
  /** Environment added to code-server's (e.g. HOME, where the extension looks for a local sensor's token). */
  env?: Record<string, string>;
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const entry = codeServerEntry();
  const home = artifactDir('code-server-');
  const userData = join(home, 'user-data');
  const extensions = join(home, 'extensions');
  const workspace = join(home, 'workspace');
  cpSync(options.fixture, workspace, { recursive: true });
  mkdirSync(join(userData, 'User'), { recursive: true });
  const userSettings = join(userData, 'User', 'settings.json');
  writeFileSync(userSettings, JSON.stringify({ ...USER_SETTINGS, ...options.settings }, null, 2));
  const config = join(home, 'config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  const common = ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensions];

  execFileSync(process.execPath, [entry, ...common, '--install-extension', options.vsix], { stdio: 'pipe' });

  const child = spawn(
    process.execPath,
    [entry, ...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${options.port ?? 0}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', workspace],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, ...options.env } },
  );
  const url = await listeningUrl(child);
  return {
    url: `${url}?folder=${encodeURIComponent(workspace)}`,
    workspace,
    userSettings,
    stop: () => stopProcessGroup(child),
  };
}

/** Resolves with the URL code-server prints once it listens; rejects if it exits first. */
function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /HTTP server listening on (http:\/\/[\d.]+:\d+)\/?/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`code-server exited with ${String(code)} before listening:\n${output}`)));
  });
}

function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      resolve();
    }
  });
}

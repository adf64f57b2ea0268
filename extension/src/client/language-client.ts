import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { ENGINE_CHANGED, type EngineChangedParams, type RequestDef } from '../../../core/src/messages';
import type { TaplineContext } from '../context';
import { onNotification, sendRequest } from './rpc';

/** What a view hears: the engine's change flags, or a reset (another engine, or none). */
export interface EngineEvent extends Omit<EngineChangedParams, 'epoch'> {
  /** The engine changed (restart, crash): drop everything shown and ask again. */
  reset: boolean;
}

const EVERYTHING: EngineEvent = { reset: true, inventory: true, findings: true, sensors: true, transactions: true };

/**
 * The language client, which talks to the Tapline engine (dist/server.js, its own Node process):
 * starts it on demand, asks it typed requests, and turns its change notifications into events for
 * the tree, the status bar and the Explorer. It holds no traffic: only the current engine's epoch,
 * to tell a restarted engine from the one before.
 */
export class EngineClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  /** The client being started or running; events of an older one are ignored. */
  private latest: LanguageClient | undefined;
  private starting: Promise<LanguageClient> | undefined;
  private epoch: string | undefined;
  private forgotten = false;
  private readonly changed = new vscode.EventEmitter<EngineEvent>();
  readonly onDidChange = this.changed.event;
  private readonly started = new vscode.EventEmitter<void>();
  /** A (re)started engine is running: it knows nothing of the sensors yet. */
  readonly onDidStart = this.started.event;

  constructor(private readonly tapline: TaplineContext) {}

  get isRunning(): boolean {
    return this.client?.isRunning() === true;
  }

  /** Sends a request, starting the engine first when it is not running. */
  async request<P, R>(def: RequestDef<P, R>, params: P): Promise<R> {
    const client = await this.ensureStarted('a view asked the engine');
    return sendRequest(client, def, params);
  }

  /** Like `request`, but only when the engine runs already (undefined otherwise). */
  async requestIfRunning<P, R>(def: RequestDef<P, R>, params: P): Promise<R | undefined> {
    return this.client?.isRunning() ? sendRequest(this.client, def, params) : undefined;
  }

  /** Every answer carries an epoch: a new one resets the views. */
  observeEpoch(epoch: string): void {
    if (epoch === this.epoch) return;
    const previous = this.epoch;
    this.epoch = epoch;
    this.forgotten = false;
    if (previous !== undefined) this.tapline.log.info(`engine ${epoch} replaced ${previous}`);
    this.changed.fire(EVERYTHING);
  }

  ensureStarted(reason: string): Promise<LanguageClient> {
    // Set before start() runs: starting fires state events whose listeners may ask again.
    this.starting ??= Promise.resolve().then(() => this.start(reason)).catch((error: unknown) => {
      this.starting = undefined;
      this.tapline.log.error('the Tapline engine failed to start', error);
      void vscode.window.showErrorMessage(`Tapline: the engine (language server) failed to start: ${String(error)}`);
      throw error;
    });
    return this.starting;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.ensureStarted('restart requested');
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.latest = undefined;
    this.starting = undefined;
    this.forget();
    if (client) await client.stop();
  }

  /** The views drop what they show (once per engine, not on every state event). */
  private forget(): void {
    if (this.epoch === undefined && this.forgotten) return;
    this.epoch = undefined;
    this.forgotten = true;
    this.changed.fire(EVERYTHING);
  }

  private async start(reason: string): Promise<LanguageClient> {
    const module = vscode.Uri.joinPath(this.tapline.extensionUri, 'dist', 'server.js').fsPath;
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'yaml' },
        { scheme: 'file', language: 'json' },
        { scheme: 'untitled', language: 'yaml' },
        { scheme: 'untitled', language: 'json' },
      ],
      outputChannel: vscode.window.createOutputChannel('Tapline Language Server', { log: true }),
      // The engine reads tapline.* (spec glob, severities, inventory bounds) and is told when they change.
      synchronize: { configurationSection: 'tapline' },
    };
    const client = new LanguageClient('tapline', 'Tapline Language Server', serverOptions, clientOptions);
    this.latest = client;
    this.tapline.log.info(`starting the Tapline engine (${reason})`);
    onNotification(client, ENGINE_CHANGED, (params) => {
      if (client !== this.latest) return;
      if (params.epoch !== this.epoch) return this.observeEpoch(params.epoch);
      this.changed.fire({ reset: false, inventory: params.inventory, findings: params.findings, sensors: params.sensors, transactions: params.transactions });
    });
    // After a crash the client restarts the engine by itself: a new engine, new epoch, no sensors.
    client.onDidChangeState(({ newState }) => {
      if (client !== this.latest) return;
      if (newState === State.Stopped || newState === State.Starting) this.forget();
      if (newState === State.Running && this.client === client) this.started.fire();
    });
    await client.start();
    this.client = client;
    this.started.fire();
    this.tapline.log.info('the Tapline engine started');
    return client;
  }

  dispose(): void {
    this.changed.dispose();
    this.started.dispose();
  }
}

export function registerEngineClient(tapline: TaplineContext): EngineClient {
  const engine = new EngineClient(tapline);
  tapline.subscriptions.push(engine);
  tapline.onDispose(() => engine.stop());
  return engine;
}

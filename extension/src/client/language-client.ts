import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import {
  FINDINGS_NOTIFICATION,
  OBSERVATIONS_NOTIFICATION,
  OBSERVATIONS_RESYNC_REQUEST,
  SPEC_TEMPLATES_NOTIFICATION,
  type FindingsParams,
  type SpecTemplatesParams,
  type ObservationsParams,
} from '../../../core/src/messages';
import { ANY_SERVICE } from '../../../core/src/inventory/traffic-store';
import { detectOpenApi } from '../../../core/src/openapi/detect';
import type { TaplineContext } from '../context';
import type { FindingsState } from '../traffic/findings-state';
import type { TrafficController } from '../traffic/traffic-controller';

/**
 * Starts the language server lazily: when the first OpenAPI document is open (or a sensor
 * connects, through `ensureStarted`). The server runs as its own Node process from dist/server.js.
 */
export class LanguageClientHost {
  private client: LanguageClient | undefined;
  private starting: Promise<void> | undefined;

  constructor(
    private readonly tapline: TaplineContext,
    private readonly traffic: TrafficController,
    private readonly findings: FindingsState,
  ) {
    // Every inventory change goes to the server once it runs; before that nothing is lost, since
    // a starting client asks for the whole inventory (resync).
    tapline.subscriptions.push(
      traffic.onDidFlush(({ delta }) => {
        if (this.client?.isRunning()) void this.client.sendNotification(OBSERVATIONS_NOTIFICATION, { delta } satisfies ObservationsParams);
      }),
    );
  }

  get running(): LanguageClient | undefined {
    return this.client?.isRunning() ? this.client : undefined;
  }

  ensureStarted(reason: string): Promise<void> {
    this.starting ??= this.start(reason).catch((error: unknown) => {
      this.starting = undefined;
      this.tapline.log.error('language server failed to start', error);
      void vscode.window.showErrorMessage(`Tapline: the language server failed to start: ${String(error)}`);
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
    this.starting = undefined;
    if (client) await client.stop();
  }

  private async start(reason: string): Promise<void> {
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
      // The server reads tapline.* (spec glob, severities) and is told when they change.
      synchronize: { configurationSection: 'tapline' },
    };
    const client = new LanguageClient('tapline', 'Tapline Language Server', serverOptions, clientOptions);
    this.tapline.log.info(`starting the language server (${reason})`);
    client.onNotification(FINDINGS_NOTIFICATION, (params: FindingsParams) => this.findings.update(params));
    client.onRequest(OBSERVATIONS_RESYNC_REQUEST, () => this.traffic.resync());
    // Name endpoints as the workspace's specs do, for every service without a list of its own.
    client.onNotification(SPEC_TEMPLATES_NOTIFICATION, (params: SpecTemplatesParams) =>
      this.traffic.store.setKnownTemplates(ANY_SERVICE, params.templates),
    );
    await client.start();
    this.client = client;
    this.traffic.resync();
    this.tapline.log.info('language server started');
  }
}

function isOpenApiDocument(document: vscode.TextDocument): boolean {
  return (document.languageId === 'yaml' || document.languageId === 'json') && detectOpenApi(document.getText()) !== undefined;
}

export function registerLanguageClient(tapline: TaplineContext, traffic: TrafficController, findings: FindingsState): LanguageClientHost {
  const host = new LanguageClientHost(tapline, traffic, findings);
  tapline.onDispose(() => host.stop());
  const consider = (document: vscode.TextDocument): void => {
    if (isOpenApiDocument(document)) void host.ensureStarted(`OpenAPI document opened: ${document.uri.fsPath}`);
  };
  vscode.workspace.textDocuments.forEach(consider);
  tapline.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(consider),
    // Traffic needs the server too: it compares it with the workspace's specs.
    traffic.onDidFlush(() => void host.ensureStarted('traffic observed')),
  );
  return host;
}

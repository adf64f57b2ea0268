// The Tapline engine (the language server process): wiring only. It owns the sensor connections,
// the inventory and the samples (engine/), the workspace's spec index, followed live
// (workspace-follow.ts), and the analysis (analyzer.ts); the extension asks it through the typed
// requests of core/src/messages/lsp.ts (engine-handlers.ts) and is told when things change.
import { readFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createConnection,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  CodeActionKind,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import picomatch from 'picomatch';
import { ENGINE_CHANGED } from '../../core/src/messages';
import { detectOpenApi } from '../../core/src/openapi/detect';
import { Analyzer } from './analyzer';
import { codeActions, FIX_ALL_KIND, resolveCodeAction } from './code-actions';
import { DiagnosticsPublisher } from './diagnostics-publisher';
import { ChangeBatcher } from './engine/change-batcher';
import { newEpoch, type EngineState } from './engine/engine-services';
import { SensorHub } from './engine/sensor-hub';
import { DesyncLog } from './engine/desync-log';
import { ClusterHub } from './cluster/cluster-hub';
import { StreamHub } from './cluster/stream-hub';
import { Traffic } from './engine/traffic';
import { registerEngineHandlers } from './engine-handlers';
import { GatewayVerdicts, isPolicyUri } from './gateway-verdicts';
import type { FixContext } from './fixes';
import { codeLenses, hover } from './lenses';
import { allCoverage, coverageLenses } from './coverage-view';
import { notify } from './rpc';
import { readServerSettings, type ServerSettings } from './settings';
import { SpecIndex } from './spec-index';
import { specTemplates } from './spec-templates';
import { WorkspaceFollower, type FileEvent } from './workspace-follow';
import { ProtoIndex } from './grpc/proto-index';
import { isUserTemplatesUri, UserTemplatesFollower } from './user-templates-follow';

const connection = createConnection(ProposedFeatures.all);
// stdout may carry LSP frames: a stray console.log would corrupt them, so console goes to the client.
console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
console.info = (...args: unknown[]) => connection.console.info(args.map(String).join(' '));
console.warn = (...args: unknown[]) => connection.console.warn(args.map(String).join(' '));
console.error = (...args: unknown[]) => connection.console.error(args.map(String).join(' '));

const epoch = newEpoch();
const changes = new ChangeBatcher(epoch, (params) => notify(connection, ENGINE_CHANGED, params));
const documents = new TextDocuments(TextDocument);
const specs = new SpecIndex(async (uri) => {
  const open = documents.get(uri);
  if (open) return open.getText();
  if (!uri.startsWith('file:')) return undefined;
  return readFile(fileURLToPath(uri), 'utf8').catch(() => undefined);
});
const traffic = new Traffic();
const desyncs = new DesyncLog();
const sensorHost = {
  transactions: (items: Parameters<typeof traffic.add>[0]) => traffic.add(items),
  // Smuggling attempts are security findings: the views that show findings refresh.
  desync: (items: Parameters<typeof desyncs.add>[0]) => {
    if (desyncs.add(items)) changes.mark('findings');
  },
  changed: () => changes.mark('sensors'),
  log: (level: 'info' | 'warn', message: string) => (level === 'warn' ? connection.console.warn(message) : connection.console.info(message)),
};
const sensors = new SensorHub(sensorHost);
const cluster = new ClusterHub(sensorHost);
const streams = new StreamHub(sensorHost);
const publisher = new DiagnosticsPublisher(connection);
let settings: ServerSettings | undefined;
const analyzer = new Analyzer(specs, () => traffic.observations(), {
  publish: (rootUri, files) => publisher.set(rootUri, files),
  findingsChanged: () => changes.mark('findings'),
  severities: () => settings?.severities ?? {},
  diagnosticsEnabled: (rootUri) => (settings?.diagnosticsEnabled ?? true) && !isIgnored(rootUri),
});
const protos = new ProtoIndex((m) => connection.console.info(m), () => changes.mark('inventory'));
const engine: EngineState = {
  epoch,
  traffic,
  sensors,
  cluster,
  streams,
  desyncs,
  grpcSchemas: protos.lookup,
  endpointFindings: () => verdicts.annotate(analyzer.endpointFindings(), sampleTargets()),
  coverage: () => allCoverage(analyzer),
};
const fixes: FixContext = { analyzer, specs, documents, workspaceFolders: () => follower.workspaceFolders };
const verdicts = new GatewayVerdicts(fixes, () => changes.mark('findings'), (m) => connection.console.info(m));

/** Each observed endpoint's first sample's request target, for the gateway verdicts. */
function sampleTargets(): (endpointId: string) => string | undefined {
  const targets = new Map<string, string>();
  for (const o of traffic.observations()) {
    const target = o.samples[0]?.request.target;
    if (target !== undefined) targets.set(o.id, target);
  }
  return (id) => targets.get(id);
}
const follower = new WorkspaceFollower(specs, { specGlob: '', specExclude: '' }, (uri) => documents.get(uri) !== undefined, (m) => connection.console.info(m));
const userTemplates = new UserTemplatesFollower({
  folders: () => follower.workspaceFolders,
  openText: (uri) => documents.get(uri)?.getText(),
  apply: (templates) => traffic.setUserTemplates(templates),
  log: (m) => connection.console.info(m),
});
let initialFolders: string[] = [];
let canWatchFiles = false;
let canFollowFolders = false;

traffic.onDidFlush((change) => {
  if (change.inventory) {
    changes.mark('inventory');
    analyzer.schedule();
  }
  if (change.transactions) changes.mark('transactions');
});

/** Whether `tapline.diagnostics.ignore` names this spec document. */
function isIgnored(uri: string): boolean {
  const globs = settings?.ignore ?? [];
  if (globs.length === 0 || !uri.startsWith('file:')) return false;
  const path = fileURLToPath(uri);
  const matches = picomatch(globs, { dot: true });
  return follower.workspaceFolders.some((folder) => {
    const rel = relative(fileURLToPath(folder), path).split(sep).join('/');
    return !rel.startsWith('..') && matches(rel);
  });
}

let sentTemplates = '';
specs.onDidChange((rootUri, spec) => {
  const templates = specTemplates(specs.all);
  if (JSON.stringify(templates) !== sentTemplates) {
    sentTemplates = JSON.stringify(templates);
    traffic.setKnownTemplates(templates);
  }
  void verdicts.refresh();
  if (!spec) return connection.console.info(`removed ${rootUri} from the index`);
  const operations = spec.model?.operations.length ?? 0;
  connection.console.info(`indexed ${rootUri}: ${operations} operations, ${spec.documents.size} files, ${spec.diagnostics.length} problems`);
});

registerEngineHandlers(connection, engine, fixes);
connection.onCodeAction((params) => codeActions(fixes, params));
connection.onCodeActionResolve((action) => resolveCodeAction(fixes, action));
connection.onCodeLens(({ textDocument }) => {
  const hasTraffic = traffic.store.stats().transactions > 0;
  return [...coverageLenses(analyzer, textDocument.uri, hasTraffic), ...codeLenses(analyzer, textDocument.uri, hasTraffic)];
});
connection.onHover(({ textDocument, position }) => hover(analyzer, textDocument.uri, position));

async function applySettings(fresh: ServerSettings): Promise<void> {
  settings = fresh;
  traffic.reconfigure(fresh.inventory);
  await follower.setGlobs({ specGlob: fresh.specGlob, specExclude: fresh.specExclude });
  analyzer.schedule();
}
connection.onDidChangeConfiguration(() => void readServerSettings(connection).then(applySettings));

connection.onInitialize((params): InitializeResult => {
  initialFolders = (params.workspaceFolders ?? []).map((folder) => folder.uri).filter((uri) => uri.startsWith('file:'));
  canWatchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
  canFollowFolders = params.capabilities.workspace?.workspaceFolders === true;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: true },
      codeLensProvider: { resolveProvider: false },
      hoverProvider: true,
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'tapline-language-server', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  connection.console.info(`Tapline language server ready (engine ${epoch})`);
  if (canWatchFiles) {
    // `.tapline` itself too: a file created with its folder can be missed by the watcher (inotify).
    void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{yaml,yml,json}' }, { globPattern: '**/*.proto' }, { globPattern: '**/.tapline' }] });
  }
  if (canFollowFolders) {
    connection.workspace.onDidChangeWorkspaceFolders(({ added, removed }) => {
      follower.removeFolders(removed.map((f) => f.uri));
      void follower.addFolders(added.map((f) => f.uri)).then(() => userTemplates.refresh());
      void protos.setFolders(follower.workspaceFolders);
    });
  }
  void readServerSettings(connection).then(async (fresh) => {
    await applySettings(fresh);
    await follower.addFolders(initialFolders);
    await protos.setFolders(follower.workspaceFolders);
    await userTemplates.refresh();
  });
});

documents.onDidOpen(({ document }) => {
  const spec = detectOpenApi(document.getText());
  if (!spec) return;
  connection.console.info(`OpenAPI document: ${document.uri} (${spec.kind} ${spec.version})`);
  if (!specs.has(document.uri)) void specs.load(document.uri);
});
documents.onDidChangeContent(({ document }) => {
  if (isUserTemplatesUri(document.uri)) return void userTemplates.refresh();
  return isPolicyUri(document.uri) ? void verdicts.refresh() : specs.changed(document.uri);
});
documents.onDidClose(({ document }) => (isPolicyUri(document.uri) ? void verdicts.refresh() : specs.changed(document.uri)));
const EVENT_KINDS: Record<number, FileEvent['kind']> = { [FileChangeType.Created]: 'created', [FileChangeType.Changed]: 'changed', [FileChangeType.Deleted]: 'deleted' };
connection.onDidChangeWatchedFiles(({ changes: events }) => {
  if (events.some((e) => isPolicyUri(e.uri))) void verdicts.refresh();
  if (events.some((e) => ProtoIndex.concerns(e.uri))) void protos.reload();
  if (events.some((e) => isUserTemplatesUri(e.uri) || e.uri.endsWith('/.tapline'))) void userTemplates.refresh();
  void follower.onFileEvents(events.map((e) => ({ uri: e.uri, kind: EVENT_KINDS[e.type] ?? 'changed' })));
});
connection.onShutdown(async () => {
  sensors.dispose();
  await cluster.disconnect(); // kills the port-forward children
  await streams.unsubscribe();
  traffic.dispose();
  changes.dispose();
  analyzer.dispose();
  specs.dispose();
  protos.dispose();
});

documents.listen(connection);
connection.listen();

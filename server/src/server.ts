// The Tapline language server: wiring only. The spec index, the observations and the analysis
// live in their own files; the logic itself is in core/.
import { readFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createConnection,
  DidChangeWatchedFilesNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  CodeActionKind,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import picomatch from 'picomatch';
import {
  FINDINGS_NOTIFICATION,
  OBSERVATIONS_NOTIFICATION,
  OBSERVATIONS_RESYNC_REQUEST,
  SPEC_TEMPLATES_NOTIFICATION,
  type FindingsParams,
  type SpecTemplatesParams,
  type ObservationsParams,
} from '../../core/src/messages';
import { detectOpenApi } from '../../core/src/openapi/detect';
import { Analyzer } from './analyzer';
import { codeActions, FIX_ALL_KIND } from './code-actions';
import { DiagnosticsPublisher } from './diagnostics-publisher';
import { codeLenses, hover } from './lenses';
import { ObservationStore } from './observation-store';
import { readServerSettings, type ServerSettings } from './settings';
import { SpecIndex } from './spec-index';
import { specTemplates } from './spec-templates';
import { findSpecFiles } from './workspace-files';

const connection = createConnection(ProposedFeatures.all);
// stdout may carry LSP frames: a stray console.log would corrupt them, so console goes to the client.
console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
console.info = (...args: unknown[]) => connection.console.info(args.map(String).join(' '));
console.warn = (...args: unknown[]) => connection.console.warn(args.map(String).join(' '));
console.error = (...args: unknown[]) => connection.console.error(args.map(String).join(' '));

const documents = new TextDocuments(TextDocument);
const specs = new SpecIndex(async (uri) => {
  const open = documents.get(uri);
  if (open) return open.getText();
  if (!uri.startsWith('file:')) return undefined;
  return readFile(fileURLToPath(uri), 'utf8').catch(() => undefined);
});
const publisher = new DiagnosticsPublisher(connection);
const observations = new ObservationStore();
let settings: ServerSettings | undefined;
const analyzer = new Analyzer(specs, observations, {
  publish: (rootUri, files) => publisher.set(rootUri, files),
  notifyFindings: (params: FindingsParams) => void connection.sendNotification(FINDINGS_NOTIFICATION, params),
  severities: () => settings?.severities ?? {},
  diagnosticsEnabled: (rootUri) => (settings?.diagnosticsEnabled ?? true) && !isIgnored(rootUri),
});
let workspaceFolders: string[] = [];
let canWatchFiles = false;

/** Whether `tapline.diagnostics.ignore` names this spec document. */
function isIgnored(uri: string): boolean {
  const globs = settings?.ignore ?? [];
  if (globs.length === 0 || !uri.startsWith('file:')) return false;
  const path = fileURLToPath(uri);
  const matches = picomatch(globs, { dot: true });
  return workspaceFolders.some((folder) => {
    const rel = relative(fileURLToPath(folder), path).split(sep).join('/');
    return !rel.startsWith('..') && matches(rel);
  });
}

let sentTemplates = '';
specs.onDidChange((rootUri, spec) => {
  const templates = specTemplates(specs.all);
  if (JSON.stringify(templates) !== sentTemplates) {
    sentTemplates = JSON.stringify(templates);
    void connection.sendNotification(SPEC_TEMPLATES_NOTIFICATION, { templates } satisfies SpecTemplatesParams);
  }
  if (!spec) return;
  const operations = spec.model?.operations.length ?? 0;
  connection.console.info(`indexed ${rootUri}: ${operations} operations, ${spec.documents.size} files, ${spec.diagnostics.length} problems`);
});

connection.onNotification(OBSERVATIONS_NOTIFICATION, (params: ObservationsParams) => {
  if (observations.apply(params.delta) === 'gap') {
    // A delta went missing (e.g. the server restarted): ask for the whole inventory again.
    void connection.sendRequest(OBSERVATIONS_RESYNC_REQUEST);
    return;
  }
  analyzer.schedule();
});
connection.onCodeAction((params) => codeActions(analyzer, params));
connection.onCodeLens(({ textDocument }) => codeLenses(analyzer, textDocument.uri, observations.size > 0));
connection.onHover(({ textDocument, position }) => hover(analyzer, textDocument.uri, position));
connection.onDidChangeConfiguration(() => {
  void readServerSettings(connection).then((fresh) => {
    settings = fresh;
    analyzer.schedule();
  });
});

connection.onInitialize((params): InitializeResult => {
  workspaceFolders = (params.workspaceFolders ?? []).map((folder) => folder.uri).filter((uri) => uri.startsWith('file:'));
  canWatchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      codeLensProvider: { resolveProvider: false },
      hoverProvider: true,
    },
    serverInfo: { name: 'tapline-language-server', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  connection.console.info('Tapline language server ready');
  if (canWatchFiles) {
    void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{yaml,yml,json}' }] });
  }
  void scanWorkspace();
});

async function scanWorkspace(): Promise<void> {
  settings = await readServerSettings(connection);
  for (const folder of workspaceFolders) {
    const started = Date.now();
    const files = await findSpecFiles(fileURLToPath(folder), { glob: settings.specGlob, exclude: settings.specExclude });
    connection.console.info(`found ${files.length} OpenAPI documents in ${folder} (${Date.now() - started} ms)`);
    for (const file of files) {
      const uri = pathToFileURL(file).toString();
      if (!specs.has(uri)) await specs.load(uri);
    }
  }
}

documents.onDidOpen(({ document }) => {
  const spec = detectOpenApi(document.getText());
  if (!spec) return;
  connection.console.info(`OpenAPI document: ${document.uri} (${spec.kind} ${spec.version})`);
  if (!specs.has(document.uri)) void specs.load(document.uri);
});
documents.onDidChangeContent(({ document }) => specs.changed(document.uri));
documents.onDidClose(({ document }) => specs.changed(document.uri));
connection.onDidChangeWatchedFiles(({ changes }) => {
  for (const change of changes) specs.changed(change.uri);
});
connection.onShutdown(() => {
  analyzer.dispose();
  specs.dispose();
});

documents.listen(connection);
connection.listen();

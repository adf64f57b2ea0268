// The Tapline language server: wiring only. The spec index, the observations and the analysis
// live in their own files; the logic itself is in core/.
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createConnection,
  DidChangeWatchedFilesNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { detectOpenApi } from '../../core/src/openapi/detect';
import { DiagnosticsPublisher, sourceDiagnosticToLsp } from './diagnostics-publisher';
import { readServerSettings } from './settings';
import { SpecIndex } from './spec-index';
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
let workspaceFolders: string[] = [];
let canWatchFiles = false;

specs.onDidChange((rootUri, spec) => {
  if (!spec) return publisher.set(rootUri, undefined);
  const files = new Map([...spec.documents.keys()].map((uri) => [uri, [] as ReturnType<typeof sourceDiagnosticToLsp>[]]));
  for (const diagnostic of spec.diagnostics) {
    files.set(diagnostic.uri, [...(files.get(diagnostic.uri) ?? []), sourceDiagnosticToLsp(diagnostic)]);
  }
  publisher.set(rootUri, files);
  const operations = spec.model?.operations.length ?? 0;
  connection.console.info(`indexed ${rootUri}: ${operations} operations, ${spec.documents.size} files, ${spec.diagnostics.length} problems`);
});

connection.onInitialize((params): InitializeResult => {
  workspaceFolders = (params.workspaceFolders ?? []).map((folder) => folder.uri).filter((uri) => uri.startsWith('file:'));
  canWatchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
  return {
    capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
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
  const settings = await readServerSettings(connection);
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
connection.onShutdown(() => specs.dispose());

documents.listen(connection);
connection.listen();

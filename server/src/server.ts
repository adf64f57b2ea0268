import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { detectOpenApi } from '../../core/src/openapi/detect';

const connection = createConnection(ProposedFeatures.all);
// stdout may carry LSP frames: a stray console.log would corrupt them, so console goes to the client.
console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
console.info = (...args: unknown[]) => connection.console.info(args.map(String).join(' '));
console.warn = (...args: unknown[]) => connection.console.warn(args.map(String).join(' '));
console.error = (...args: unknown[]) => connection.console.error(args.map(String).join(' '));

const documents = new TextDocuments(TextDocument);

connection.onInitialize((): InitializeResult => ({
  capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
  serverInfo: { name: 'tapline-language-server', version: '0.1.0' },
}));

connection.onInitialized(() => connection.console.info('Tapline language server ready'));

documents.onDidOpen(({ document }) => {
  const spec = detectOpenApi(document.getText());
  if (spec) connection.console.info(`OpenAPI document: ${document.uri} (${spec.kind} ${spec.version})`);
});

documents.listen(connection);
connection.listen();

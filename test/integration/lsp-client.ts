// A minimal LSP client over stdio for integration tests: starts dist/server.js, collects log
// messages and published diagnostics, and lets a test wait for either (events, never sleeps).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

const REPO = join(__dirname, '..', '..');

export interface PublishedDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity?: number;
  code?: string | number;
  message: string;
  source?: string;
}

export interface LspEdit {
  range: PublishedDiagnostic['range'];
  newText: string;
}

/** A WorkspaceEdit as the engine sends it: TextDocumentEdits with the version they were planned on. */
export interface VersionedEdit {
  documentChanges: Array<{ textDocument: { uri: string; version: number | null }; edits: LspEdit[] }>;
}

/** Applies LSP text edits (one file, zero-based lines and characters) the way a client does. */
export function applyLspEdits(text: string, edits: readonly LspEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }): number => lines.slice(0, p.line).reduce((sum, l) => sum + l.length + 1, 0) + p.character;
  let out = text;
  for (const e of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

type Waiter = { check: () => boolean; resolve: () => void };

export class LspTestClient {
  readonly logs: string[] = [];
  readonly diagnostics = new Map<string, PublishedDiagnostic[]>();
  /** The latest params of each custom notification the server sent (e.g. tapline/findings). */
  readonly notifications = new Map<string, unknown>();
  readonly connection: MessageConnection;
  private readonly server: ChildProcess;
  private readonly waiters: Waiter[] = [];
  private readonly exited: Promise<never>;

  /** What the client answers for the `tapline` section of workspace/configuration. */
  settings: unknown = null;
  /** Answers workspace/applyEdit (the engine applying a fix); refuses by default. */
  applyEdit: (params: { label?: string; edit: unknown }) => { applied: boolean; failureReason?: string } = () => ({ applied: false, failureReason: 'the test client applies no edits' });

  constructor() {
    this.server = spawn(process.execPath, [join(REPO, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.connection = createMessageConnection(new StreamMessageReader(this.server.stdout!), new StreamMessageWriter(this.server.stdin!));
    this.exited = new Promise<never>((_resolve, reject) =>
      this.server.once('exit', (code) => reject(new Error(`the language server exited (${String(code)})`))),
    );
    this.exited.catch(() => undefined);
    this.connection.onNotification('window/logMessage', (params: { message: string }) => {
      this.logs.push(params.message);
      this.poke();
    });
    this.connection.onNotification('textDocument/publishDiagnostics', (params: { uri: string; diagnostics: PublishedDiagnostic[] }) => {
      this.diagnostics.set(params.uri, params.diagnostics);
      this.poke();
    });
    this.connection.onNotification((method: string, params: unknown) => {
      this.notifications.set(method, params);
      this.poke();
    });
    this.connection.onRequest('workspace/configuration', (params: { items: Array<{ section?: string }> }) =>
      params.items.map((item) => (item.section === 'tapline' ? this.settings : null)),
    );
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('workspace/applyEdit', (params: { label?: string; edit: unknown }) => this.applyEdit(params));
    this.connection.listen();
  }

  /**
   * Resolves once `check` holds; rejects if the server exits first, or after `deadlineMs` with
   * `what` in the message (the condition is rechecked on every message from the server).
   */
  until(check: () => boolean, what = 'a condition on the server\'s messages', deadlineMs = 30_000): Promise<void> {
    if (check()) return Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const waiter: Waiter = { check, resolve: () => undefined };
    const met = new Promise<void>((resolve) => (waiter.resolve = resolve));
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`waited ${deadlineMs} ms for ${what}`));
      }, deadlineMs);
    });
    this.waiters.push(waiter);
    return Promise.race([this.exited, met, late]).finally(() => clearTimeout(timer));
  }

  async logged(pattern: RegExp): Promise<string> {
    await this.until(() => this.logs.some((line) => pattern.test(line)), `a log line matching ${String(pattern)}`);
    return this.logs.find((line) => pattern.test(line))!;
  }

  async initialize(workspaceFolders: Array<{ uri: string; name: string }> = []): Promise<{ serverInfo?: { name: string } }> {
    const result = await this.connection.sendRequest<{ serverInfo?: { name: string } }>('initialize', {
      processId: process.pid,
      rootUri: null,
      workspaceFolders,
      capabilities: { workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } } },
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  /** The quick fix titled `title` for `diagnostic`, with its edit (undefined when not offered). */
  async quickFix(uri: string, diagnostic: PublishedDiagnostic, title: string): Promise<{ title: string; edit?: VersionedEdit; offered: string[] }> {
    const actions = await this.connection.sendRequest<Array<{ title: string; edit?: VersionedEdit }>>('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], only: ['quickfix'] },
    });
    const found = actions.find((a) => a.title === title);
    return { title, ...(found?.edit ? { edit: found.edit } : {}), offered: actions.map((a) => a.title) };
  }

  open(uri: string, languageId: string, text: string, version = 1): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  change(uri: string, text: string, version: number): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  async shutdown(): Promise<void> {
    if (this.server.exitCode !== null) return;
    const exited = new Promise((resolve) => this.server.once('exit', resolve));
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    await exited;
    this.connection.dispose();
  }

  kill(): void {
    this.connection.dispose();
    this.server.kill();
  }

  private poke(): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.check()) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }
}

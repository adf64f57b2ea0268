// Publishes diagnostics per file, for every spec, and clears files that no longer have any.
// Each spec contributes to the files it holds; a file shared by two specs gets both sets.
import { DiagnosticSeverity, type Connection, type Diagnostic } from 'vscode-languageserver/node';
import type { SourceDiagnostic } from '../../core/src/openapi/parsed-document';

export const DIAGNOSTIC_SOURCE = 'tapline';

export function sourceDiagnosticToLsp(d: SourceDiagnostic): Diagnostic {
  const severity =
    d.severity === 'error' ? DiagnosticSeverity.Error : d.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information;
  return { range: d.range, severity, message: d.message, code: d.code, source: DIAGNOSTIC_SOURCE };
}

export class DiagnosticsPublisher {
  /** rootUri → file uri → diagnostics. */
  private readonly bySpec = new Map<string, Map<string, Diagnostic[]>>();

  constructor(private readonly connection: Connection) {}

  /** Replaces what the spec rooted at `rootUri` says, across all of its files; republishes only those files. */
  set(rootUri: string, files: ReadonlyMap<string, Diagnostic[]> | undefined): void {
    const affected = new Set([...(this.bySpec.get(rootUri)?.keys() ?? []), ...(files?.keys() ?? [])]);
    if (files) this.bySpec.set(rootUri, new Map(files));
    else this.bySpec.delete(rootUri);
    for (const uri of affected) {
      const diagnostics = [...this.bySpec.values()].flatMap((specFiles) => specFiles.get(uri) ?? []);
      void this.connection.sendDiagnostics({ uri, diagnostics });
    }
  }
}

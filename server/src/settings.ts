import type { Connection } from 'vscode-languageserver/node';
import { DEFAULT_SPEC_GLOB } from '../../core/src/openapi/detect';

/** The `tapline.*` settings the server reads (typed once here; declared in package.json). */
export interface ServerSettings {
  specGlob: string;
  specExclude: string;
}

const DEFAULTS: ServerSettings = { specGlob: DEFAULT_SPEC_GLOB, specExclude: '**/node_modules/**' };

export async function readServerSettings(connection: Connection): Promise<ServerSettings> {
  try {
    const value: unknown = await connection.workspace.getConfiguration('tapline');
    const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
    return {
      specGlob: typeof record.specGlob === 'string' && record.specGlob ? record.specGlob : DEFAULTS.specGlob,
      specExclude: typeof record.specExclude === 'string' ? record.specExclude : DEFAULTS.specExclude,
    };
  } catch {
    // Clients without workspace/configuration (plain LSP test clients) get the defaults.
    return DEFAULTS;
  }
}

import type { Connection } from 'vscode-languageserver/node';
import { FINDING_CODES, type FindingCode, type FindingSeverity } from '../../core/src/diff/finding';
import { isRecord } from '../../core/src/json-record';
import type { TrafficStoreOptions } from '../../core/src/inventory/traffic-store';
import { DEFAULT_SPEC_GLOB } from '../../core/src/openapi/detect';

/** The `tapline.*` settings the server reads (typed once here; declared in package.json). */
export interface ServerSettings {
  specGlob: string;
  specExclude: string;
  diagnosticsEnabled: boolean;
  /** Globs of spec documents (relative to a workspace folder) that get no findings. */
  ignore: string[];
  severities: Partial<Record<FindingCode, FindingSeverity | 'off'>>;
  /** The inventory's bounds (`tapline.inventory.*`). */
  inventory: Partial<TrafficStoreOptions>;
}

const DEFAULTS: ServerSettings = {
  specGlob: DEFAULT_SPEC_GLOB,
  specExclude: '**/node_modules/**',
  diagnosticsEnabled: true,
  ignore: [],
  severities: {},
  inventory: inventoryOptions(undefined),
};

/** The inventory's bounds from `tapline.inventory.*`, each clamped to the range package.json declares. */
export function inventoryOptions(value: unknown): Partial<TrafficStoreOptions> {
  const config = isRecord(value) ? value : {};
  const int = (key: string, fallback: number, min: number, max: number): number => {
    const v = config[key];
    return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, Math.floor(v))) : fallback;
  };
  const samples = int('maxSamplesPerEndpoint', 3, 1, 50);
  return {
    maxServices: int('maxServices', 20, 1, 500),
    maxEndpointsPerService: int('maxEndpointsPerService', 250, 10, 10_000),
    maxRecentSamples: samples,
    maxStatusSamples: samples,
    maxBodyBytes: int('maxSampleBodyBytes', 2048, 0, 1_048_576),
  };
}

// The setting speaks LSP's names ('information'); core's diff says 'info'.
const SEVERITY_NAMES: Record<string, FindingSeverity | 'off'> = { error: 'error', warning: 'warning', information: 'info', info: 'info', hint: 'hint', off: 'off' };

function readSeverities(value: unknown): ServerSettings['severities'] {
  if (typeof value !== 'object' || value === null) return {};
  const out: ServerSettings['severities'] = {};
  for (const [code, name] of Object.entries(value as Record<string, unknown>)) {
    const severity = typeof name === 'string' ? SEVERITY_NAMES[name] : undefined;
    if (severity && (FINDING_CODES as readonly string[]).includes(code)) out[code as FindingCode] = severity;
  }
  return out;
}

export async function readServerSettings(connection: Connection): Promise<ServerSettings> {
  try {
    const value: unknown = await connection.workspace.getConfiguration('tapline');
    const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
    return {
      specGlob: typeof record.specGlob === 'string' && record.specGlob ? record.specGlob : DEFAULTS.specGlob,
      specExclude: typeof record.specExclude === 'string' ? record.specExclude : DEFAULTS.specExclude,
      diagnosticsEnabled: isRecord(record.diagnostics) && record.diagnostics.enabled === false ? false : true,
      severities: isRecord(record.diagnostics) ? readSeverities(record.diagnostics.severity) : {},
      ignore:
        isRecord(record.diagnostics) && Array.isArray(record.diagnostics.ignore)
          ? record.diagnostics.ignore.filter((g): g is string => typeof g === 'string' && g.length > 0)
          : [],
      inventory: inventoryOptions(record.inventory),
    };
  } catch {
    // Clients without workspace/configuration (plain LSP test clients) get the defaults.
    return DEFAULTS;
  }
}

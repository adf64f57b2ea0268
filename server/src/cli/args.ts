// `tapline diff` command line: parsed into options or a usage error (exit 2).

import type { FindingCode, FindingSeverity } from '../../../core/src/diff/finding';
import { FINDING_CODES } from '../../../core/src/diff/finding';
import type { GatewayCommand } from './gateway-args';
import { GATEWAY_USAGE, parseGatewayArgs } from './gateway-args';

export type OutputFormat = 'text' | 'json' | 'sarif' | 'junit';

export interface DiffCommand {
  command: 'diff';
  spec: string;
  /** The traffic: a HAR file, or (when empty) transactions collected from `sensor`. */
  har: string;
  /** Or: one JSON per line — Tapline transactions (NDJSON), nginx or Envoy JSON access log records. */
  log?: string;
  /** An NDJSON capture of tapline/1 messages whose desync events become findings (desync-capture.ts). */
  desync?: string;
  sensor?: SensorSource;
  format: OutputFormat;
  /** Exit 1 when a finding at or above this severity exists; 'none' never fails. */
  failOn: FindingSeverity | 'none';
  severities: Partial<Record<FindingCode, FindingSeverity | 'off'>>;
  /** Report coverage of the description instead of findings (format-coverage.ts). */
  coverage: boolean;
  /** With --coverage: exit 1 when less than this share (0..1) of operations saw traffic. */
  minCoverage?: number;
  /** Also write the findings' fixes as an OpenAPI Overlay 1.0 document to this file. */
  overlay?: string;
  /** The user's path templates; when absent, the spec's workspace's `.tapline/templates.json`. */
  templates?: string;
}

/** `--sensor`: traffic from a live sensor, through the engine's own sensor connection. */
export interface SensorSource {
  url: string;
  tokenFile: string;
  /** Stop after this many transactions… */
  count: number;
  /** …or after this many seconds, whichever comes first. */
  timeoutSeconds: number;
}

export type ParsedArgs = DiffCommand | GatewayCommand | { command: 'help' } | { command: 'version' } | { command: 'error'; message: string };

export const USAGE = `Usage: tapline diff --spec <openapi.yaml|json> (--har <traffic.har> | --log <access.log> | --sensor <ws-url> --token-file <file>) [--desync <capture.ndjson>] [options]

Compares HTTP traffic (recorded as HAR 1.2, or live from a Tapline sensor) with an OpenAPI
2.0/3.0/3.1 description.

Options:
  --spec <file>            the OpenAPI/Swagger document (multi-file $refs are followed)
  --har <file>             the traffic, as exported by browser dev tools, Playwright or Tapline
                           (read as a stream: files of hundreds of MB are fine; progress on stderr)
  --log <file>             or: one JSON object per line — nginx (log_format … escape=json), Envoy or
                           Tapline gateway JSON access log records, or Tapline transactions (NDJSON)
  --sensor <ws-url>        or: the traffic a running tapline-sensor streams (e.g. ws://127.0.0.1:7300)
  --token-file <file>      the sensor's token (its --token-file)
  --count <n>              with --sensor: stop after n transactions (default 100)
  --timeout <seconds>      with --sensor: stop after this long at most (default 30)
  --desync <file>          tapline/1 messages, one JSON per line: its desync events (request
                           smuggling shapes the sensor saw) become request-desync findings
  --format <text|json|sarif|junit>   output format (default: text; junit with --coverage only)
  --coverage               report which documented operations and responses the traffic exercised,
                           per spec, tag and operation, instead of findings
  --min-coverage <percent> with --coverage: exit 1 below this share of operations exercised
  --overlay <out.yaml>     also write the findings' fixes as an OpenAPI Overlay 1.0 document
  --templates <file>       path templates for undocumented endpoints, as "Tapline: Edit Path
                           Template…" writes them (default: .tapline/templates.json in the spec's
                           folder or the nearest folder above it that has one, up to the
                           repository's root — the folder holding .git — or, outside a
                           repository, the current directory)
  --fail-on <error|warning|info|hint|none>
                           exit 1 when a finding at or above this severity exists (default: error)
  --severity <code>=<error|warning|info|hint|off>
                           override one finding's severity; repeatable
  -h, --help               this help
  --version                the version

Exit codes: 0 no failing findings, 1 failing findings, 2 bad input.
Finding codes: ${FINDING_CODES.join(', ')}

${GATEWAY_USAGE}`;

const SEVERITIES = ['error', 'warning', 'info', 'hint'] as const;

function isSeverity(s: string): s is FindingSeverity {
  return (SEVERITIES as readonly string[]).includes(s);
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const args = [...argv];
  if (args.length === 0 || args.includes('-h') || args.includes('--help')) return { command: 'help' };
  if (args[0] === '--version') return { command: 'version' };
  if (args[0] === 'gateway') return parseGatewayArgs(args.slice(1));
  if (args[0] !== 'diff') return { command: 'error', message: `unknown command '${args[0] ?? ''}' (expected 'diff' or 'gateway')` };
  const out: DiffCommand = { command: 'diff', spec: '', har: '', format: 'text', failOn: 'error', severities: {}, coverage: false };
  const sensor: SensorSource = { url: '', tokenFile: '', count: 100, timeoutSeconds: 30 };
  for (let i = 1; i < args.length; i++) {
    const raw = args[i] ?? '';
    const eq = raw.indexOf('=');
    const flag = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    const inline = raw.startsWith('--') && eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = (): string | undefined => inline ?? args[++i];
    switch (flag) {
      case '--spec':
        out.spec = value() ?? '';
        break;
      case '--log':
        out.log = value() ?? '';
        break;
      case '--har':
        out.har = value() ?? '';
        break;
      case '--desync':
        out.desync = value() ?? '';
        break;
      case '--sensor':
        sensor.url = value() ?? '';
        break;
      case '--token-file':
        sensor.tokenFile = value() ?? '';
        break;
      case '--count':
      case '--timeout': {
        const v = Number(value());
        if (!Number.isInteger(v) || v < 1 || v > 10_000_000) return { command: 'error', message: `${flag} must be a whole number ≥ 1` };
        if (flag === '--count') sensor.count = v;
        else sensor.timeoutSeconds = v;
        break;
      }
      case '--format': {
        const v = value();
        if (v !== 'text' && v !== 'json' && v !== 'sarif' && v !== 'junit') return { command: 'error', message: `--format must be text, json, sarif or junit (got '${v ?? ''}')` };
        out.format = v;
        break;
      }
      case '--coverage':
        out.coverage = true;
        break;
      case '--overlay':
      case '--templates': {
        const v = value() ?? '';
        if (v === '' || v.startsWith('--')) return { command: 'error', message: `${flag} needs a file name` };
        if (flag === '--overlay') out.overlay = v;
        else out.templates = v;
        break;
      }
      case '--min-coverage': {
        const v = value() ?? '';
        const n = Number(v.replace(/%$/, ''));
        if (v === '' || !Number.isFinite(n) || n < 0 || n > 100) return { command: 'error', message: `--min-coverage must be a percentage from 0 to 100 (got '${v}')` };
        out.minCoverage = n / 100;
        break;
      }
      case '--fail-on': {
        const v = value() ?? '';
        if (v !== 'none' && !isSeverity(v)) return { command: 'error', message: `--fail-on must be error, warning, info, hint or none (got '${v}')` };
        out.failOn = v;
        break;
      }
      case '--severity': {
        const v = value() ?? '';
        const [code, level] = v.split('=');
        if (!code || !(FINDING_CODES as readonly string[]).includes(code)) return { command: 'error', message: `--severity: unknown finding code '${code ?? ''}'` };
        if (!level || (level !== 'off' && !isSeverity(level))) return { command: 'error', message: `--severity ${code}: level must be error, warning, info, hint or off` };
        out.severities[code as FindingCode] = level;
        break;
      }
      default:
        return { command: 'error', message: `unknown option '${raw}'` };
    }
  }
  if (!out.spec) return { command: 'error', message: '--spec <file> is required' };
  if (out.format === 'junit' && !out.coverage) return { command: 'error', message: '--format junit needs --coverage' };
  if (out.minCoverage !== undefined && !out.coverage) return { command: 'error', message: '--min-coverage needs --coverage' };
  if ([out.har, out.log, sensor.url].filter(Boolean).length > 1) return { command: 'error', message: '--har, --log and --sensor are alternatives: give one' };
  if (sensor.url) {
    if (!/^wss?:\/\//.test(sensor.url)) return { command: 'error', message: `--sensor must be a ws:// or wss:// URL (got '${sensor.url}')` };
    if (!sensor.tokenFile) return { command: 'error', message: '--sensor needs --token-file <file>' };
    return { ...out, sensor };
  }
  if (!out.har && !out.log && !out.desync) return { command: 'error', message: '--har <file> or --sensor <ws-url> is required (or --log <file>, or --desync <file>)' };
  return out;
}

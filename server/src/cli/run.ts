// `tapline diff`, with its I/O injected so that tests run it in-process. main.ts wires it to
// the real file system and process streams.

import { CoverageCounter } from '../../../core/src/diff/coverage';
import { DiffStream } from '../../../core/src/diff/diff';
import { MAX_UNDOCUMENTED_GROUPS } from '../../../core/src/diff/aggregates';
import { MAX_FINDINGS } from '../../../core/src/diff/context';
import { SEVERITY_RANK } from '../../../core/src/diff/finding';
import { loadSpec } from '../../../core/src/openapi/load';
import type { DiffCommand, SensorSource } from './args';
import { collectFromSensor } from './sensor-traffic';
import { USAGE, parseArgs } from './args';
import { runCoverage } from './coverage-run';
import { formatJson } from './format-json';
import { writeOverlay } from './overlay-write';
import { formatSarif } from './format-sarif';
import { formatText } from './format-text';
import { runGateway } from './gateway-run';
import { addDesyncFindings } from './desync-capture';
import { readTraffic, type TrafficIo } from './traffic-input';
import { readUserTemplates, userTemplateResolver } from './templates-input';
import type { Transaction } from '../../../core/src/protocol/transaction';

export interface CliIo extends TrafficIo {
  cwd: string;
  /** Reads a file by path; undefined when missing/unreadable. */
  readFile(path: string): string | undefined;
  /** Writes a file (--overlay); false when it could not be written. */
  writeFile?(path: string, text: string): boolean;
  stdout(text: string): void;
  stderr(text: string): void;
  version: string;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(argv);
  switch (parsed.command) {
    case 'help':
      io.stdout(USAGE + '\n');
      return 0;
    case 'version':
      io.stdout(io.version + '\n');
      return 0;
    case 'error':
      io.stderr(`tapline: ${parsed.message}\n\n${USAGE}\n`);
      return 2;
    case 'diff':
      return runDiff(parsed, io);
    case 'gateway':
      return runGateway(parsed, io);
  }
}

export function toFileUri(path: string, cwd: string): string {
  const abs = path.startsWith('/') ? path : `${cwd.replace(/\/$/, '')}/${path}`;
  return 'file://' + abs.split('/').map((s) => encodeURIComponent(s)).join('/');
}

export function fromFileUri(uri: string): string {
  return uri.startsWith('file://') ? decodeURIComponent(uri.slice('file://'.length)) : uri;
}

async function runDiff(cmd: DiffCommand, io: CliIo): Promise<number> {
  const specUri = toFileUri(cmd.spec, io.cwd);
  const spec = await loadSpec(specUri, (uri) => io.readFile(fromFileUri(uri)));
  const display = (uri: string): string => {
    const p = fromFileUri(uri);
    const base = io.cwd.replace(/\/$/, '') + '/';
    return p.startsWith(base) ? p.slice(base.length) : p;
  };
  if (!spec.documents.has(specUri)) {
    io.stderr(`tapline: cannot read the spec ${cmd.spec}\n`);
    return 2;
  }
  if (!spec.model) {
    for (const d of spec.diagnostics) io.stderr(`${display(d.uri)}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${d.message}\n`);
    io.stderr(`tapline: ${cmd.spec} is not an OpenAPI 3.x or Swagger 2.0 document\n`);
    return 2;
  }
  const templates = readUserTemplates(cmd.templates, fromFileUri(specUri), io.cwd, io);
  if (!templates) return 2;
  const userTemplateOf = userTemplateResolver(templates);
  // Each transaction is counted or diffed as it is read, then dropped (a file of hundreds of MB).
  const counter = cmd.coverage ? new CoverageCounter(spec) : undefined;
  const stream = cmd.coverage ? undefined : new DiffStream(spec, { severities: cmd.severities, includeSuppressed: cmd.format === 'sarif', userTemplateOf });
  const sink = (tx: Transaction): void => (counter ? counter.add(tx) : stream!.add(tx));
  const read = cmd.sensor ? await sensorTraffic(cmd.sensor, io, sink) : cmd.har ? await readTraffic(cmd.har, 'har', io, sink) : cmd.log ? await readTraffic(cmd.log, 'lines', io, sink) : 0;
  if (read === undefined) return 2;
  if (counter) return runCoverage(cmd, spec, counter, display, io);
  // SARIF reports what x-tapline-ignore covers as suppressed results; the rest leave them out.
  const reported = stream!.finish();
  const { undocumentedCalls, findingCalls } = stream!.leftOut;
  if (undocumentedCalls > 0) io.stderr(`tapline: ${undocumentedCalls} calls to undocumented endpoints first seen after the first ${MAX_UNDOCUMENTED_GROUPS} were counted, not listed\n`);
  if (findingCalls > 0) io.stderr(`tapline: ${findingCalls} transactions showed further findings past the first ${MAX_FINDINGS}, not listed\n`);
  if (cmd.desync !== undefined && !addDesyncFindings(cmd.desync, (p) => io.readFile(p), io.stderr, cmd.severities['request-desync'], reported)) return 2;
  const findings = reported.filter((f) => f.suppressed === undefined);
  if (cmd.overlay !== undefined && !writeOverlay(cmd.overlay, spec, findings, display, io)) return 2;
  const diagnostics = spec.diagnostics;
  if (cmd.format === 'json') io.stdout(formatJson(findings, diagnostics, display));
  else if (cmd.format === 'sarif') {
    const base = toFileUri(io.cwd.replace(/\/$/, '') + '/', '/');
    io.stdout(formatSarif(reported, diagnostics, { version: io.version, baseUri: base.endsWith('/') ? base : base + '/', relativePath: display }));
  } else io.stdout(formatText(findings, diagnostics, display));
  if (cmd.failOn === 'none') return 0;
  const threshold = SEVERITY_RANK[cmd.failOn];
  const specErrors = diagnostics.some((d) => d.severity === 'error');
  return findings.some((f) => SEVERITY_RANK[f.severity] >= threshold) || specErrors ? 1 : 0;
}

/** Live traffic from a sensor; undefined (exit 2) when it never answered. The token is never printed. */
async function sensorTraffic(source: SensorSource, io: CliIo, sink: (tx: Transaction) => void): Promise<number | undefined> {
  const token = io.readFile(source.tokenFile)?.trim();
  if (!token) {
    io.stderr(`tapline: cannot read the sensor token from ${source.tokenFile}\n`);
    return undefined;
  }
  const capture = await collectFromSensor(source.url, token, source.count, source.timeoutSeconds * 1000, () => undefined);
  if (!capture.live) {
    io.stderr(`tapline: the sensor at ${source.url} did not answer within ${source.timeoutSeconds} s: ${capture.detail}\n`);
    return undefined;
  }
  io.stderr(`tapline: ${capture.transactions.length} transactions from the sensor at ${source.url}\n`);
  for (const tx of capture.transactions) sink(tx);
  return capture.transactions.length;
}

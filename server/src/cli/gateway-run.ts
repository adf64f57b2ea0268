// `tapline gateway nginx|httproute|njs`: loads the description and the policy, prints the
// configuration (or, with --har/--traffic-log, the policy report of that traffic, read as a stream). Warnings go to stderr, output to stdout.

import { GatewayDecider, resolvePolicy } from '../../../core/src/gateway/decide';
import { NJS_JWT_MODULE } from '../../../core/src/gateway/jwt';
import { DEFAULT_LOG_FILE, DEFAULT_NJS_MODULE, generateNginx } from '../../../core/src/gateway/nginx';
import type { GatewayPolicy } from '../../../core/src/gateway/policy';
import { POLICY_FILE_NAME, mergePolicies, parsePolicyText } from '../../../core/src/gateway/policy';
import { PolicyReporter } from '../../../core/src/gateway/policy-report';
import { compileRoutes } from '../../../core/src/gateway/routes';
import { loadSpec } from '../../../core/src/openapi/load';
import type { SpecModel } from '../../../core/src/openapi/model';
import type { GatewayCommand } from './gateway-args';
import { formatPolicyReport } from './format-gateway-report';
import { printHttpRoutes } from './gateway-httproute';
import { readTraffic } from './traffic-input';
import type { CliIo } from './run';
import { fromFileUri, toFileUri } from './run';

function readPolicy(cmd: GatewayCommand, io: CliIo): GatewayPolicy | undefined {
  const explicit = cmd.policyFile !== undefined;
  const file = cmd.policyFile ?? POLICY_FILE_NAME;
  const text = io.readFile(file);
  if (text === undefined) {
    if (!explicit) return cmd.cliPolicy;
    io.stderr(`tapline: cannot read the policy file ${file}\n`);
    return undefined;
  }
  const parsed = parsePolicyText(text);
  if (!parsed.ok) {
    io.stderr(`tapline: ${file} is not a valid gateway policy:\n${parsed.problems.map((p) => `  ${p.path || '/'}: ${p.message}`).join('\n')}\n`);
    return undefined;
  }
  if (!explicit) io.stderr(`tapline: using the policy in ${file}\n`);
  return mergePolicies(parsed.policy, cmd.cliPolicy);
}

async function readModel(cmd: GatewayCommand, io: CliIo): Promise<SpecModel | undefined> {
  const uri = toFileUri(cmd.spec, io.cwd);
  const spec = await loadSpec(uri, (u) => io.readFile(fromFileUri(u)));
  if (!spec.documents.has(uri)) {
    io.stderr(`tapline: cannot read the spec ${cmd.spec}\n`);
    return undefined;
  }
  const errors = spec.diagnostics.filter((d) => d.severity === 'error');
  for (const d of errors) io.stderr(`${fromFileUri(d.uri)}:${d.range.start.line + 1}:${d.range.start.character + 1} error ${d.message}\n`);
  if (!spec.model) {
    io.stderr(`tapline: ${cmd.spec} is not an OpenAPI 3.x or Swagger 2.0 document\n`);
    return undefined;
  }
  if (spec.model.operations.length === 0) {
    io.stderr(`tapline: ${cmd.spec} documents no operations; a gateway from it would block everything\n`);
    return undefined;
  }
  return spec.model;
}

export async function runGateway(cmd: GatewayCommand, io: CliIo): Promise<number> {
  if (cmd.target === 'njs') {
    io.stdout(NJS_JWT_MODULE);
    return 0;
  }
  const model = await readModel(cmd, io);
  const policy = model ? readPolicy(cmd, io) : undefined;
  if (!model || !policy) return 2;
  const routes = compileRoutes(model);
  const resolved = resolvePolicy(routes, policy, cmd.mode ?? policy.mode ?? 'enforce');
  for (const w of resolved.warnings) io.stderr(`tapline: warning: ${w}\n`);
  if (cmd.har !== undefined || cmd.trafficLog !== undefined) return runReport(cmd, io, model, new GatewayDecider(routes, resolved, cmd.target === 'httproute' ? 'httproute' : 'nginx'));
  if (cmd.target === 'httproute') return printHttpRoutes(cmd, io, model, resolved);
  const config = generateNginx(routes, resolved, {
    upstream: cmd.upstream,
    listen: cmd.listen,
    logFile: cmd.logFile ?? DEFAULT_LOG_FILE,
    njsModule: cmd.njsModule ?? DEFAULT_NJS_MODULE,
    source: cmd.spec,
  });
  io.stdout(cmd.output === 'snippet' ? config.locations : cmd.output === 'prelude' ? config.prelude : config.server);
  if (config.needsNjs) io.stderr(`tapline: JWT sub blocks need ngx_http_js_module (load_module) and \`tapline gateway njs > ${cmd.njsModule ?? DEFAULT_NJS_MODULE}\`\n`);
  return 0;
}

/**
 * Each transaction is judged as it is read, then dropped: only its verdict is kept. A Tapline
 * gateway's own log is judged whole, the requests it blocked included: clients sent them all.
 */
async function runReport(cmd: GatewayCommand, io: CliIo, model: SpecModel, decider: GatewayDecider): Promise<number> {
  const reporter = new PolicyReporter(model, decider, cmd.clientIp);
  const read = cmd.trafficLog !== undefined
    ? await readTraffic(cmd.trafficLog, 'lines', io, (tx) => reporter.add(tx), { keepGatewayAnswers: true })
    : await readTraffic(cmd.har ?? '', 'har', io, (tx) => reporter.add(tx));
  if (read === undefined) return 2;
  const report = reporter.finish();
  io.stdout(formatPolicyReport(report, cmd.format));
  return report.flagged.length > 0 ? 1 : 0;
}

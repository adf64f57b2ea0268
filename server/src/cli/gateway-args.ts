// `tapline gateway …` command line: parsed into options or a usage error (exit 2).

import type { ClientBlock, GatewayMode, GatewayPolicy } from '../../../core/src/gateway/policy';
import { HEADER_NAME, checkOperationKey, checkSafeValue, emptyPolicy } from '../../../core/src/gateway/policy';
import { parseIpRange } from '../../../core/src/gateway/ip-range';
import { isListenAddress, parseUpstream } from '../../../core/src/gateway/nginx';

export type GatewayTarget = 'nginx' | 'httproute' | 'njs';

export interface GatewayCommand {
  command: 'gateway';
  target: GatewayTarget;
  spec: string;
  upstream: string;
  listen: string;
  mode?: GatewayMode;
  output: 'server' | 'snippet' | 'prelude';
  policyFile?: string;
  cliPolicy: GatewayPolicy;
  logFile?: string;
  njsModule?: string;
  /** The traffic to test the policy against: a HAR file, or JSON lines (as `diff --log` reads them). */
  har?: string;
  trafficLog?: string;
  clientIp: string;
  format: 'text' | 'json';
  /** HTTPRoute options. */
  service: string;
  port: number;
  gateway: string;
  namespace?: string;
  name?: string;
  hostnames: string[];
}

export const GATEWAY_USAGE = `Usage:
  tapline gateway nginx --spec <openapi> --upstream <url> --listen <host:port> [options]
  tapline gateway httproute --spec <openapi> --service <name> --port <n> [options]
  tapline gateway njs                     prints the njs module that reads JWT sub claims

nginx: prints a file for nginx's http { } context (log format, maps, server { }) that proxies the
documented operations to the upstream and answers the rest with JSON 404/405 (403 for blocks).
  --mode <enforce|report>  report proxies everything and logs what enforce would block (default: enforce,
                           or the policy file's mode)
  --snippet                print the locations alone (for an existing server { }); --prelude prints
                           the http-context part they need
  --log <file>             access log (default /var/log/nginx/tapline-gateway.log)
  --njs-module <file>      where the njs module is installed (default /etc/nginx/tapline/tapline_jwt.js)

httproute: prints Gateway API HTTPRoute objects (YAML), one rule per documented operation.
  --service <name> --port <n>   the backend Service;  --gateway <name> the parent Gateway (default: gateway)
  --namespace <ns>  --name <route name>  --hostname <h> (repeatable)

Policy (both): the policy file (--policy <file>, default ./tapline-gateway.yaml when present) and:
  --deny <OP>                         403 for an operation, e.g. --deny 'DELETE /pets/{petId}'
  --block-ip <addr|cidr>[@OP]         403 for clients in a range (for one operation, or all)
  --block-header <Name=value>[@OP]    403 for requests carrying that header value (an API key)
  --block-sub <sub>[@OP]              403 for a JWT subject (the Authorization bearer token's sub)
Test against traffic: --har <traffic.har> prints, instead of the configuration, what the policy
allows and blocks per endpoint, flagging documented operations it would block (exit 1 then).
The file is read as a stream, as \`diff --har\` reads it. Or --traffic-log <file>: one JSON object
per line, as \`diff --log\` reads (nginx or Envoy JSON access log records, Tapline transactions).
  --client-ip <ip>  client address of the HAR's requests (default 127.0.0.1)  --format <text|json>`;

type Parsed = GatewayCommand | { command: 'error'; message: string };

function splitOp(v: string): { value: string; operations: string[] | '*' } {
  const at = v.indexOf('@');
  return at < 0 ? { value: v, operations: '*' } : { value: v.slice(0, at), operations: [v.slice(at + 1)] };
}

function cliBlock(flag: string, raw: string, n: number): ClientBlock | string {
  const { value, operations } = splitOp(raw);
  if (operations !== '*') {
    const why = checkOperationKey(operations[0] ?? '');
    if (why) return `${flag}: ${why}`;
  }
  if (flag === '--block-ip') {
    if (!parseIpRange(value)) return `${flag}: '${value}' is not an IPv4/IPv6 address or CIDR range`;
    return { name: `cli-ip-${n}`, selector: { kind: 'ip', values: [value] }, operations };
  }
  if (flag === '--block-sub') {
    const why = checkSafeValue(value);
    return why ? `${flag}: ${why}` : { name: `cli-sub-${n}`, selector: { kind: 'jwtSub', values: [value] }, operations };
  }
  const eq = value.indexOf('=');
  const header = eq > 0 ? value.slice(0, eq) : '';
  if (!HEADER_NAME.test(header)) return `${flag}: expected <Header-Name>=<value> (got '${value}')`;
  const why = checkSafeValue(value.slice(eq + 1));
  return why ? `${flag}: ${why}` : { name: `cli-header-${n}`, selector: { kind: 'header', header, values: [value.slice(eq + 1)] }, operations };
}

export function parseGatewayArgs(argv: readonly string[]): Parsed {
  const target = argv[0];
  if (target !== 'nginx' && target !== 'httproute' && target !== 'njs') return { command: 'error', message: `gateway: expected nginx, httproute or njs (got '${target ?? ''}')` };
  const out: GatewayCommand = {
    command: 'gateway', target, spec: '', upstream: '', listen: '', output: 'server', cliPolicy: emptyPolicy(),
    clientIp: '127.0.0.1', format: 'text', service: '', port: 0, gateway: 'gateway', hostnames: [],
  };
  for (let i = 1; i < argv.length; i++) {
    const raw = argv[i] ?? '';
    const eq = raw.indexOf('=');
    const flag = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    const inline = raw.startsWith('--') && eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = (): string => inline ?? argv[++i] ?? '';
    switch (flag) {
      case '--spec': out.spec = value(); break;
      case '--upstream': out.upstream = value(); break;
      case '--listen': out.listen = value(); break;
      case '--policy': out.policyFile = value(); break;
      case '--log': out.logFile = value(); break;
      case '--njs-module': out.njsModule = value(); break;
      case '--har': out.har = value(); break;
      case '--traffic-log': out.trafficLog = value(); break;
      case '--client-ip': out.clientIp = value(); break;
      case '--service': out.service = value(); break;
      case '--gateway': out.gateway = value(); break;
      case '--namespace': out.namespace = value(); break;
      case '--name': out.name = value(); break;
      case '--hostname': out.hostnames.push(value()); break;
      case '--snippet': out.output = 'snippet'; break;
      case '--prelude': out.output = 'prelude'; break;
      case '--port': {
        const v = value();
        out.port = /^\d{1,5}$/.test(v) ? Number(v) : 0;
        if (out.port < 1 || out.port > 65535) return { command: 'error', message: `--port must be 1-65535 (got '${v}')` };
        break;
      }
      case '--mode': {
        const v = value();
        if (v !== 'enforce' && v !== 'report') return { command: 'error', message: `--mode must be enforce or report (got '${v}')` };
        out.mode = v;
        break;
      }
      case '--format': {
        const v = value();
        if (v !== 'text' && v !== 'json') return { command: 'error', message: `--format must be text or json (got '${v}')` };
        out.format = v;
        break;
      }
      case '--deny': {
        const v = value();
        const why = checkOperationKey(v);
        if (why) return { command: 'error', message: `--deny: ${why}` };
        out.cliPolicy.deny.push(v);
        break;
      }
      case '--block-ip':
      case '--block-header':
      case '--block-sub': {
        // Inline `--block-header=X-Key=v` would split at the first '='; take the whole tail.
        const b = cliBlock(flag, value(), out.cliPolicy.blocks.length + 1);
        if (typeof b === 'string') return { command: 'error', message: b };
        out.cliPolicy.blocks.push(b);
        break;
      }
      default:
        return { command: 'error', message: `gateway ${target}: unknown option '${raw}'` };
    }
  }
  if (target === 'njs') return out;
  if (out.har !== undefined && out.trafficLog !== undefined) return { command: 'error', message: '--har and --traffic-log are alternatives: give one' };
  if (out.har === '' || out.trafficLog === '') return { command: 'error', message: `${out.har === '' ? '--har' : '--traffic-log'} needs a file name` };
  const testsTraffic = out.har !== undefined || out.trafficLog !== undefined;
  if (!out.spec) return { command: 'error', message: '--spec <file> is required' };
  if (target === 'nginx' && !testsTraffic) {
    if (!parseUpstream(out.upstream)) return { command: 'error', message: `--upstream must be http(s)://host[:port][/prefix] (got '${out.upstream}')` };
    if (!isListenAddress(out.listen)) return { command: 'error', message: `--listen must be HOST:PORT or PORT (got '${out.listen}')` };
  }
  if (target === 'httproute' && !testsTraffic && (!out.service || out.port === 0)) return { command: 'error', message: '--service <name> and --port <n> are required' };
  return out;
}

// Command-line flags of `tapline-sensor` (documented in docs/sensor.md). Bad flags give one
// line and exit code 2; nothing here touches the machine.
import { parseArgs } from 'node:util';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const USAGE = `Usage: tapline-sensor [options]

Streams the HTTP API traffic of this machine (captured with eBPF, or replayed from a HAR file)
to Tapline clients over an authenticated WebSocket (protocol tapline/1, docs/protocol.md).

  --listen HOST:PORT         where to serve ws(s)://HOST:PORT/v1/stream (default 127.0.0.1:7878;
                             port 0 picks a free port)
  --token-file PATH          bearer token file; created with a fresh token (mode 0600) when missing
                             (default ~/.tapline/sensor.token)
  --replay FILE.har          replay a HAR 1.2 file instead of capturing (no root needed)
  --replay-loop              start the replay again after its last entry
  --replay-rate N            replay N transactions per second (default: all at once)
  --tls-cert FILE            serve wss:// with this PEM certificate (needs --tls-key)
  --tls-key FILE             the certificate's PEM private key
  --redaction-config FILE    JSON redaction settings (disable rules, add names and patterns)
  --pid N                    capture only this process (repeatable)
  --comm NAME                capture only processes with this name (repeatable)
  --port N                   capture only connections with this local or remote port (repeatable)
  --cgroup PATH              capture only this cgroup v2 (path under /sys/fs/cgroup, or id)
  --max-body BYTES           keep at most this many bytes of each body (default 65536, max 1048576)
  --max-rate N               report at most N transactions per second (default 1000; 0 = all)
  --max-rate-per-endpoint N  and at most N per second per method + path (default 100; 0 = all);
                             the rest are counted as sampledOut in stats
  --publish nats://HOST:PORT also publish redacted transactions to NATS JetStream, on subjects
                             tapline.<cluster>.<namespace>.<service> (docs/cluster.md)
  --cluster NAME             the <cluster> token of those subjects (default "default")
  --name NAME                the sensor's name in hello (default: $NODE_NAME or the host name)
  --stats-interval-ms MS     how often clients get stats (default 5000)
  --heartbeat-ms MS          ping period; a client silent for two periods is closed (default 15000)
  --backlog N                recent transactions sent to clients that connect later (default 1000)
  --user NAME|UID            once started, a root sensor runs as this user (default nobody; root
                             = stay root); the loader keeps only the capabilities in docs/sensor.md
  -h, --help                 show this help
  -v, --version              show the version

On start it prints one line on stdout: "tapline-sensor listening on ws://HOST:PORT/v1/stream".
Exit codes: 0 stopped by a signal, 1 runtime failure, 2 bad flags, 3 cannot listen,
4 live capture unavailable (privileges, BTF, kernel), 5 unusable file (token, TLS, redaction, HAR).`;

export interface SensorArgs {
  host: string;
  port: number;
  tokenFile: string;
  replay?: string;
  replayLoop: boolean;
  replayRate?: number;
  tlsCert?: string;
  tlsKey?: string;
  redactionConfig?: string;
  pids: number[];
  comms: string[];
  ports: number[];
  cgroup?: string;
  maxBody: number;
  name?: string;
  publish?: string;
  cluster: string;
  statsMs: number;
  heartbeatMs: number;
  backlog: number;
  maxRate: number;
  maxRatePerEndpoint: number;
  /** Whom a root sensor becomes once started (`root`: stay). */
  user: string;
  help: boolean;
  version: boolean;
}

export class UsageError extends Error {}

function int(flag: string, v: string, min: number, max: number): number {
  if (!/^\d+$/.test(v)) throw new UsageError(`bad value for --${flag}: '${v}' is not a whole number`);
  const n = Number(v);
  if (n < min || n > max) throw new UsageError(`bad value for --${flag}: ${n} is outside ${min}..${max}`);
  return n;
}

export function parseListen(v: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(v);
  if (!m) throw new UsageError(`bad value for --listen: '${v}' (expected HOST:PORT, e.g. 127.0.0.1:7878)`);
  return { host: m[1] ?? m[2] ?? '', port: int('listen', m[3] ?? '', 0, 65535) };
}

export function parseSensorArgs(argv: string[]): SensorArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        listen: { type: 'string' },
        'token-file': { type: 'string' },
        replay: { type: 'string' },
        'replay-loop': { type: 'boolean' },
        'replay-rate': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'redaction-config': { type: 'string' },
        pid: { type: 'string', multiple: true },
        comm: { type: 'string', multiple: true },
        port: { type: 'string', multiple: true },
        cgroup: { type: 'string' },
        'max-body': { type: 'string' },
        name: { type: 'string' },
        publish: { type: 'string' },
        cluster: { type: 'string' },
        'stats-interval-ms': { type: 'string' },
        'heartbeat-ms': { type: 'string' },
        backlog: { type: 'string' },
        'max-rate': { type: 'string' },
        'max-rate-per-endpoint': { type: 'string' },
        user: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (e) {
    // parseArgs explains unknown flags and missing values well; keep its first sentence.
    throw new UsageError(((e as Error).message.split('\n')[0] ?? 'bad flags').replace(/\. To specify.*$/, ''));
  }
  const o = parsed.values;
  const listen = parseListen(o.listen ?? '127.0.0.1:7878');
  if ((o['tls-cert'] === undefined) !== (o['tls-key'] === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  if (o['replay-loop'] && o.replay === undefined) throw new UsageError('--replay-loop needs --replay FILE.har');
  if (o['replay-rate'] !== undefined && o.replay === undefined) throw new UsageError('--replay-rate needs --replay FILE.har');
  for (const c of o.comm ?? []) if (c.length < 1 || c.length > 15) throw new UsageError(`bad value for --comm: '${c}' (1 to 15 characters, as in /proc/PID/comm)`);
  const args: SensorArgs = {
    host: listen.host,
    port: listen.port,
    tokenFile: o['token-file'] ?? join(homedir(), '.tapline', 'sensor.token'),
    replayLoop: o['replay-loop'] ?? false,
    pids: (o.pid ?? []).map((v) => int('pid', v, 1, 2 ** 22)),
    comms: o.comm ?? [],
    ports: (o.port ?? []).map((v) => int('port', v, 1, 65535)),
    cluster: o.cluster ?? 'default',
    maxBody: o['max-body'] === undefined ? 65536 : int('max-body', o['max-body'], 0, 1 << 20),
    statsMs: o['stats-interval-ms'] === undefined ? 5000 : int('stats-interval-ms', o['stats-interval-ms'], 50, 3_600_000),
    heartbeatMs: o['heartbeat-ms'] === undefined ? 15000 : int('heartbeat-ms', o['heartbeat-ms'], 50, 3_600_000),
    backlog: o.backlog === undefined ? 1000 : int('backlog', o.backlog, 0, 100_000),
    maxRate: o['max-rate'] === undefined ? 1000 : int('max-rate', o['max-rate'], 0, 10_000_000),
    maxRatePerEndpoint: o['max-rate-per-endpoint'] === undefined ? 100 : int('max-rate-per-endpoint', o['max-rate-per-endpoint'], 0, 10_000_000),
    user: o.user ?? 'nobody',
    help: o.help ?? false,
    version: o.version ?? false,
  };
  if (!/^[A-Za-z0-9._-]{1,32}$/.test(args.user)) throw new UsageError(`bad value for --user: '${args.user}' (a user name or uid)`);
  if (o.replay !== undefined) args.replay = o.replay;
  if (o['replay-rate'] !== undefined) args.replayRate = int('replay-rate', o['replay-rate'], 1, 1_000_000);
  if (o['tls-cert'] !== undefined) args.tlsCert = o['tls-cert'];
  if (o['tls-key'] !== undefined) args.tlsKey = o['tls-key'];
  if (o['redaction-config'] !== undefined) args.redactionConfig = o['redaction-config'];
  if (o.name !== undefined) args.name = o.name;
  if (o.publish !== undefined) {
    if (!/^(nats|tls):\/\/[^\s/]+(\/)?$/.test(o.publish)) throw new UsageError(`bad value for --publish: '${o.publish}' (expected nats://HOST:PORT)`);
    args.publish = o.publish;
  }
  if (o.cluster !== undefined && !/^[A-Za-z0-9_-]{1,63}$/.test(o.cluster)) throw new UsageError(`bad value for --cluster: '${o.cluster}' (letters, digits, '-' and '_')`);
  if (o.cgroup !== undefined) args.cgroup = o.cgroup;
  return args;
}

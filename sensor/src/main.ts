// `tapline-sensor`: capture (eBPF) or replay (HAR) → pipeline → redaction → WebSocket clients.
// Every failure a user can cause ends in one line on stderr and a documented exit code.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname, release } from 'node:os';
import { PROTOCOL_NAME, type HelloMessage, type SensorCapability } from '../../core/src/protocol/messages';
import { formatProblems } from '../../core/src/protocol/check';
import { validateRedactionConfig, type RedactionConfig } from '../../core/src/redaction/config';
import { Redactor } from '../../core/src/redaction/redactor';
import type { Transaction } from '../../core/src/protocol/transaction';
import { USAGE, UsageError, parseSensorArgs, type SensorArgs } from './cli/args';
import { CaptureUnavailableError, createLiveSource } from './live-source';
import { newCounters, type PipelineCounters } from './pipeline/counters';
import { Pipeline } from './pipeline/pipeline';
import { PreflightError, preflight } from './preflight';
import { becomeUser, planUserSwitch } from './privileges';
import { podAttribution } from './k8s/start';
import { NatsPublisher, PublishError } from './publish/nats-publisher';
import { ReplayError, ReplaySource } from './replay/replay-source';
import { TokenError, ensureTokenFile, tokenFileTooOpen } from './server/auth';
import { ListenError, StreamServer } from './server/stream-server';
import { SENSOR_VERSION } from './version';
import { VisibilityReport } from './visibility/report';

const EXIT = { runtime: 1, usage: 2, listen: 3, capture: 4, file: 5 } as const;

class FileError extends Error {}

function fail(code: number, message: string): never {
  process.stderr.write(`tapline-sensor: error: ${message}\n`);
  process.exit(code);
}

function log(message: string): void {
  process.stderr.write(`tapline-sensor: ${message}\n`);
}

function readFileOrFail(what: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new FileError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function loadRedaction(path: string | undefined): RedactionConfig {
  if (path === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(readFileOrFail('redaction config', path).toString('utf8'));
  } catch (e) {
    if (e instanceof FileError) throw e;
    throw new FileError(`redaction config ${path} is not JSON: ${(e as Error).message}`);
  }
  const checked = validateRedactionConfig(value);
  if (!checked.ok) throw new FileError(`redaction config ${path}: ${formatProblems(checked.problems)}`);
  return checked.value;
}

async function run(args: SensorArgs): Promise<void> {
  // Capture preconditions first: a sensor that cannot capture must not pretend to serve, nor
  // leave a token file behind.
  if (!args.replay) for (const w of preflight()) log(`warning: ${w}`);
  const switchTo = planUserSwitch(args.user);
  if (switchTo.warning) log(`warning: ${switchTo.warning}`);
  // Everything that needs root (files, the port, the loader) is done before this.
  const dropPrivileges = (): void => {
    if (!switchTo.user) return;
    becomeUser(switchTo.user);
    log(`running as ${switchTo.user.name} (uid ${switchTo.user.uid}), without capabilities`);
  };
  const redactor = new Redactor(loadRedaction(args.redactionConfig));
  const { token, created } = ensureTokenFile(args.tokenFile);
  if (created) log(`created token file ${args.tokenFile} (mode 0600)`);
  else if (tokenFileTooOpen(args.tokenFile)) log(`warning: ${args.tokenFile} is readable by other users; chmod 600 it`);
  const tls = args.tlsCert && args.tlsKey ? { cert: readFileOrFail('TLS certificate', args.tlsCert), key: readFileOrFail('TLS key', args.tlsKey) } : undefined;

  const name = args.name ?? process.env.NODE_NAME ?? hostname();
  const sensorId = `${name}-${randomBytes(3).toString('hex')}`;
  const mode = args.replay ? 'replay' : 'ebpf';
  const capabilities: SensorCapability[] = ['redaction', 'subscribe-filters', 'backlog', 'stats', ...(mode === 'replay' ? (['replay'] as const) : (['ebpf', 'tls-uprobes', 'visibility'] as const))];
  let counters: PipelineCounters = newCounters();
  // Live capture only: a replay has no processes to report on.
  const visibility = mode === 'ebpf' ? new VisibilityReport({ pids: args.pids, comms: args.comms, excludePids: [process.pid] }) : undefined;

  const hello = (): HelloMessage => ({
    type: 'hello',
    protocol: PROTOCOL_NAME,
    sensor: { id: sensorId, name, version: SENSOR_VERSION, hostname: hostname(), mode, kernel: release() },
    capabilities,
    serverTime: Date.now(),
    maxBodyBytes: args.maxBody,
  });

  const publisher = args.publish ? new NatsPublisher({ url: args.publish, cluster: args.cluster, name, onLog: log }) : undefined;
  const server = new StreamServer({
    host: args.host,
    port: args.port,
    token,
    ...(tls ? { tls } : {}),
    hello,
    counters: () => counters,
    ...(visibility ? { visibility: () => visibility.snapshot() } : {}),
    ...(publisher ? { publish: () => publisher.status() } : {}),
    backlog: args.backlog,
    session: { statsMs: args.statsMs, heartbeatMs: args.heartbeatMs },
    log,
  });

  const stops: Array<() => Promise<void> | void> = [];
  if (publisher) {
    // Never waits for NATS: the sensor serves at once and publishes once NATS answers.
    publisher.start();
    log(`publishing to ${publisher.status().url} (tapline.${args.cluster}.<namespace>.<service>)`);
    stops.push(() => publisher.close());
  }
  const deliver = (t: Transaction): void => {
    server.publish(t);
    publisher?.publish(t);
  };
  let stopping = false;
  function shutdown(why: string, code = 0): void {
    if (stopping) return;
    stopping = true;
    log(`${why}: stopping`);
    void (async () => {
      for (const stop of stops) await stop();
      await server.close();
      process.exit(code);
    })();
  }
  if (args.replay) {
    const replay = new ReplaySource({
      file: args.replay,
      loop: args.replayLoop,
      ...(args.replayRate !== undefined ? { rate: args.replayRate } : {}),
      idPrefix: sensorId,
      redactor,
      counters,
      onTransaction: deliver,
      log,
    });
    const listening = await server.listen();
    const n = await replay.start();
    log(`replaying ${n} transactions from ${args.replay}${args.replayLoop ? ' in a loop' : ''}`);
    stops.push(() => replay.stop());
    dropPrivileges();
    process.stdout.write(`tapline-sensor listening on ${listening.url}\n`);
  } else {
    const pods = podAttribution(process.env, log);
    stops.push(() => pods.stop());
    const pipeline = new Pipeline({
      maxBody: args.maxBody,
      redactor,
      idPrefix: sensorId,
      selfPid: process.pid,
      filters: { pids: args.pids, comms: args.comms, ports: args.ports },
      sampling: { maxPerSecond: args.maxRate, maxPerEndpointPerSecond: args.maxRatePerEndpoint },
      ...(pods.attribute ? { attribute: pods.attribute } : {}),
      onTransaction: deliver,
      onDesync: (e) => {
        log(`desync: ${e.client.address}:${e.client.port} → ${e.server.address}:${e.server.port} ${e.rule}: ${e.reason}; no more transactions from that connection`);
        server.publishDesync(e);
      },
      onLog: log,
    });
    counters = pipeline.counters;
    const listening = await server.listen();
    pipeline.ignoreOwnEndpoint(listening.port, token);
    const report = visibility ?? new VisibilityReport();
    const source = createLiveSource({
      pids: args.pids,
      comms: args.comms,
      ports: args.ports,
      ...(args.cgroup !== undefined ? { cgroup: args.cgroup } : {}),
      maxBody: args.maxBody,
      excludePids: [process.pid],
      onProcess: (p) => report.onProcess(p),
      ...(switchTo.user ? { dropTo: { uid: switchTo.user.uid, gid: switchTo.user.gid } } : {}),
    });
    await source.start(
      (event) => {
        report.observe(event);
        pipeline.push(event);
      },
      (error) => {
        // Tell the clients why the stream goes quiet, then exit so that a supervisor (systemd,
        // the DaemonSet) restarts a sensor that captures again rather than one that only serves.
        log(`error: capture failed: ${error.message}`);
        server.broadcastError(error.message);
        shutdown('capture failure', EXIT.runtime);
      },
    );
    const sweep = setInterval(() => pipeline.sweep(process.hrtime.bigint()), 5000);
    sweep.unref();
    // Clients hear of a changed report within a second; unchanged reports are not resent.
    let sentRevision = report.revision;
    const tell = setInterval(() => {
      if (report.revision === sentRevision) return;
      const message = report.snapshot();
      sentRevision = report.revision;
      server.broadcast(message);
    }, 1000);
    tell.unref();
    stops.push(() => clearInterval(sweep), () => clearInterval(tell), () => source.stop());
    dropPrivileges();
    process.stdout.write(`tapline-sensor listening on ${listening.url}\n`);
  }


  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

function main(): void {
  let args: SensorArgs;
  try {
    args = parseSensorArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) fail(EXIT.usage, `${e.message} (see --help)`);
    throw e;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (args.version) {
    process.stdout.write(`${SENSOR_VERSION}\n`);
    return;
  }
  run(args).catch((e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof ListenError) fail(EXIT.listen, message);
    if (e instanceof PreflightError || e instanceof CaptureUnavailableError) fail(EXIT.capture, message);
    if (e instanceof TokenError || e instanceof FileError || e instanceof ReplayError) fail(EXIT.file, message);
    if (e instanceof PublishError) fail(EXIT.runtime, message);
    const code = (e as { exitCode?: unknown }).exitCode;
    fail(typeof code === 'number' ? code : EXIT.runtime, message);
  });
}

main();

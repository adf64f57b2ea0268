// Thin LSP handlers for the engine's typed requests: each one checks its params' shape and calls
// a service (server/src/engine/engine-services.ts), where the logic and its tests live.
import type { Connection } from 'vscode-languageserver/node';
import {
  APPLY_FIX,
  CLEAR_TRAFFIC,
  CLUSTER_CONTEXTS,
  CONNECT_CLUSTER,
  CONNECT_SENSOR,
  DISCONNECT_CLUSTER,
  SUBSCRIBE_STREAM,
  UNSUBSCRIBE_STREAMS,
  ENDPOINT_DETAIL,
  EXPORT_HAR,
  GATEWAY_CONFIG,
  GATEWAY_REPORT,
  GENERATE_SPEC,
  IMPORT_HAR,
  EXPORT_OVERLAY,
  IMPORT_FILE,
  RECENT_TRANSACTIONS,
  SET_SENSORS,
  SNAPSHOT,
  type KubectlChoice,
  type SensorConnection,
} from '../../core/src/messages';
import { isRecord } from '../../core/src/json-record';
import { endpointDetail, exportHar, generateServiceSpec, heldTransactions, importHar, recentTransactions, snapshot, type EngineState } from './engine/engine-services';
import { applyFixById, type FixContext } from './fixes';
import { gatewayConfigs, gatewayReports } from './gateway-config';
import { handle } from './rpc';
import { exportOverlay } from './overlay-text';
import { importFile } from './engine/file-import';

const MAX_WAIT_MS = 60_000;

function sensorConnection(value: unknown): SensorConnection | undefined {
  if (!isRecord(value) || typeof value.url !== 'string' || typeof value.token !== 'string') return undefined;
  if (!/^wss?:\/\//.test(value.url)) return undefined;
  return {
    url: value.url,
    token: value.token,
    ...(typeof value.name === 'string' ? { name: value.name } : {}),
    ...(typeof value.certificateFingerprint === 'string' ? { certificateFingerprint: value.certificateFingerprint } : {}),
  };
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new Error(`${what} must be a string`);
  return value;
}

export function registerEngineHandlers(connection: Connection, engine: EngineState, fixes: FixContext): void {
  handle(connection, SET_SENSORS, ({ sensors }) => {
    if (!Array.isArray(sensors)) throw new Error('sensors must be a list');
    return engine.sensors.set(sensors.flatMap((s) => sensorConnection(s) ?? []));
  });
  handle(connection, CONNECT_SENSOR, ({ sensor, waitMs }) => {
    const valid = sensorConnection(sensor);
    if (!valid) throw new Error('a sensor needs a ws:// or wss:// url and a token');
    return engine.sensors.connect(valid, Math.min(MAX_WAIT_MS, Math.max(0, Number(waitMs) || 0)));
  });
  handle(connection, SNAPSHOT, () => snapshot(engine));
  const optional = (v: unknown, what: string): string | undefined => (v === undefined || v === '' ? undefined : text(v, what));
  const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  const kubectlChoice = (v: unknown): { kubectl?: KubectlChoice } => {
    const o = isRecord(v) ? v : {};
    const choice = defined({ path: optional(o.path, 'kubectl.path'), kubeconfig: optional(o.kubeconfig, 'kubectl.kubeconfig') });
    return Object.keys(choice).length ? { kubectl: choice } : {};
  };
  handle(connection, CLUSTER_CONTEXTS, (p) => engine.cluster?.contexts(kubectlChoice(p?.kubectl).kubectl) ?? { ok: false as const, reason: 'this engine has no cluster support' });
  handle(connection, CONNECT_CLUSTER, ({ context, namespace, token, kubectl }) => {
    const params = { ...defined({ context: optional(context, 'context'), namespace: optional(namespace, 'namespace'), token: optional(token, 'token') }), ...kubectlChoice(kubectl) };
    if (!engine.cluster) return { ok: false as const, kind: 'unsupported', reason: 'this engine has no cluster support' };
    return engine.cluster.connect(params);
  });
  handle(connection, SUBSCRIBE_STREAM, async ({ url, filter, deliver }) => {
    if (!engine.streams) return { ok: false as const, reason: 'this engine has no stream support' };
    if (!/^(nats|tls):\/\//.test(text(url, 'url'))) return { ok: false as const, reason: `not a nats:// URL: ${String(url)}` };
    try {
      const status = await engine.streams.subscribe({ url, filter: text(filter, 'filter'), deliver: deliver === 'all' ? 'all' : 'new' });
      return { ok: true as const, status };
    } catch (e) {
      return { ok: false as const, reason: e instanceof Error ? e.message : String(e) };
    }
  });
  handle(connection, UNSUBSCRIBE_STREAMS, async () => {
    await engine.streams?.unsubscribe();
    return null;
  });
  handle(connection, DISCONNECT_CLUSTER, async () => {
    await engine.cluster?.disconnect();
    return null;
  });
  handle(connection, ENDPOINT_DETAIL, ({ endpointId }) => endpointDetail(engine, text(endpointId, 'endpointId')));
  handle(connection, RECENT_TRANSACTIONS, ({ after }) => recentTransactions(engine, typeof after === 'number' ? after : undefined));
  handle(connection, IMPORT_HAR, ({ text: har, name }) => importHar(engine, text(har, 'text'), text(name, 'name')));
  handle(connection, EXPORT_HAR, ({ version }) => exportHar(engine, text(version, 'version')));
  handle(connection, IMPORT_FILE, async ({ path }) => {
    const work = await connection.window.createWorkDoneProgress();
    return importFile(engine.traffic, text(path, 'path'), {
      begin: (title) => work.begin(title, 0, undefined, false),
      report: (percentage, message) => work.report(percentage, message),
      done: () => work.done(),
    });
  });
  handle(connection, EXPORT_OVERLAY, ({ rootUri }) => exportOverlay(fixes, text(rootUri, 'rootUri')));
  handle(connection, GENERATE_SPEC, ({ service }) => generateServiceSpec(engine, text(service, 'service')));
  handle(connection, CLEAR_TRAFFIC, () => {
    engine.traffic.clear();
    engine.desyncs?.clear();
    return null;
  });
  handle(connection, GATEWAY_REPORT, () => gatewayReports(fixes, heldTransactions(engine)));
  handle(connection, GATEWAY_CONFIG, ({ upstream, listen }) => gatewayConfigs(fixes, text(upstream, 'upstream'), text(listen, 'listen')));
  handle(connection, APPLY_FIX, ({ findingId, fixIndex }) => {
    if (!Number.isInteger(fixIndex) || fixIndex < 0) throw new Error('fixIndex must be a whole number ≥ 0');
    return applyFixById(fixes, connection, text(findingId, 'findingId'), fixIndex);
  });
}

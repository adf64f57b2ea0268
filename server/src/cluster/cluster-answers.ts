// kubectl's `-o json` answers, read for what Connect to Dev Cluster needs: the contexts, the
// sensor pods (name, node, phase, readiness), the token Secret, and the watch stream.
import { isRecord } from '../../../core/src/json-record';
import { JsonObjectStream } from '../../../core/src/json-object-stream';
import { ClusterError, DEPLOY_COMMAND } from './kubectl-errors';

export interface SensorPod {
  name: string;
  namespace: string;
  node: string;
  phase: string;
  ready: boolean;
  /** The container port named `stream`, or 7878. */
  port: number;
}

export const DEFAULT_STREAM_PORT = 7878;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

export function parseContexts(stdout: string): string[] {
  return stdout.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
}

export function sensorPodOf(item: unknown): SensorPod | undefined {
  if (!isRecord(item) || !isRecord(item.metadata)) return undefined;
  const name = str(item.metadata.name);
  const namespace = str(item.metadata.namespace);
  if (!name || !namespace) return undefined;
  const spec = isRecord(item.spec) ? item.spec : {};
  const status = isRecord(item.status) ? item.status : {};
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isRecord) : [];
  let port = DEFAULT_STREAM_PORT;
  for (const c of Array.isArray(spec.containers) ? spec.containers.filter(isRecord) : []) {
    for (const p of Array.isArray(c.ports) ? c.ports.filter(isRecord) : []) if (p.name === 'stream' && typeof p.containerPort === 'number') port = p.containerPort;
  }
  return {
    name,
    namespace,
    node: str(spec.nodeName) ?? '(unscheduled)',
    phase: str(status.phase) ?? 'Unknown',
    ready: conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
    port,
  };
}

/** The sensor pods of a PodList; none is an error that says how to deploy them. */
export function parseSensorPods(stdout: string, where: { context: string; namespace: string; selector: string }): SensorPod[] {
  let value: unknown;
  try {
    value = JSON.parse(stdout);
  } catch {
    throw new ClusterError('kubectl-failed', 'kubectl get pods -o json did not print JSON');
  }
  if (!isRecord(value) || !Array.isArray(value.items)) throw new ClusterError('kubectl-failed', 'kubectl get pods -o json did not print a list');
  const pods = value.items.map(sensorPodOf).filter((p): p is SensorPod => p !== undefined);
  if (pods.length === 0) {
    throw new ClusterError(
      'no-sensors',
      `no sensor pods (label ${where.selector}) in namespace "${where.namespace}" of context "${where.context}": deploy them with ${DEPLOY_COMMAND}`,
    );
  }
  return pods;
}

/** The token in a Secret's `data.token` (base64, as the API returns it). */
export function parseTokenSecret(stdout: string, name: string): string {
  let value: unknown;
  try {
    value = JSON.parse(stdout);
  } catch {
    throw new ClusterError('kubectl-failed', `kubectl get secret ${name} -o json did not print JSON`);
  }
  const data = isRecord(value) && isRecord(value.data) ? value.data : undefined;
  const token = typeof data?.token === 'string' ? Buffer.from(data.token, 'base64').toString('utf8').trim() : '';
  if (!token) throw new ClusterError('not-found', `Secret "${name}" has no "token" key`);
  return token;
}

export type PodEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; pod: SensorPod };

/**
 * `kubectl get -o json --watch --output-watch-events` prints one pretty-printed JSON object per
 * event, back to back. Feed it chunks; it returns the events completed so far.
 */
export class WatchStreamParser {
  private readonly objects = new JsonObjectStream();

  push(chunk: string): PodEvent[] {
    const events: PodEvent[] = [];
    for (const value of this.objects.push(chunk)) {
      if (!isRecord(value)) continue;
      const type = value.type;
      const pod = sensorPodOf(value.object);
      if (pod && (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED')) events.push({ type, pod });
    }
    return events;
  }
}

// The sensor's one read of the Kubernetes API: the pods of its own node, listed once and then
// watched, with the pod's ServiceAccount token and CA (in-cluster config). The token is read
// again for every request: kubelet rotates projected tokens (they expire after an hour by
// default) by swapping the file, so a token read once at start is refused (401) later. RBAC grants `get, list,
// watch` on pods and nothing else (sensor/deploy/); the field selector keeps the answers to this
// node's pods.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { JsonObjectStream } from '../../../core/src/json-object-stream';
import { PodListError, parsePodList, type PodInfo } from './pod-index';
import { WatchGone } from './pod-watch';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface InClusterConfig {
  /** https://HOST:PORT of the API server. */
  server: string;
  /** The ServiceAccount token as the file holds it now (the last one read when it cannot be read). */
  token: () => string;
  ca: Buffer;
  nodeName: string;
}

/** From the environment kubelet sets in every pod, or a sentence saying what is missing. */
export function inClusterConfig(env: NodeJS.ProcessEnv, dir = SERVICE_ACCOUNT_DIR): InClusterConfig | string {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) return 'not in a Kubernetes pod (KUBERNETES_SERVICE_HOST/PORT unset)';
  const nodeName = env.NODE_NAME;
  if (!nodeName) return 'NODE_NAME is unset (the DaemonSet sets it from spec.nodeName)';
  const file = `${dir}/token`;
  try {
    let last = readFileSync(file, 'utf8').trim();
    const token = (): string => {
      try {
        last = readFileSync(file, 'utf8').trim() || last;
      } catch {
        // mid-swap or gone for a moment: the last token read is the best there is
      }
      return last;
    };
    return { server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`, token, ca: readFileSync(`${dir}/ca.crt`), nodeName };
  } catch (e) {
    return `cannot read the ServiceAccount token in ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
}

/** The request path of this node's pods: `spec.nodeName` is a supported pod field selector. */
export function nodePodsPath(nodeName: string): string {
  return `/api/v1/pods?${new URLSearchParams({ fieldSelector: `spec.nodeName=${nodeName}` }).toString()}`;
}

const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

const UNAUTHORIZED = 'the API server refused the ServiceAccount token (401); it is read again for the next try';

/**
 * The watch of this node's pods from `resourceVersion` (the list's, or the last event's), with
 * bookmarks so that a quiet node still moves its resourceVersion forward.
 */
export function nodePodsWatchPath(nodeName: string, resourceVersion: string): string {
  const query = new URLSearchParams({ fieldSelector: `spec.nodeName=${nodeName}`, watch: '1', resourceVersion, allowWatchBookmarks: 'true' });
  return `/api/v1/pods?${query.toString()}`;
}

export function listNodePods(config: InClusterConfig, timeoutMs = 10_000): Promise<PodInfo[]> {
  return listNodePodsVersioned(config, timeoutMs).then((l) => l.pods);
}

/** This node's pods with the list's resourceVersion (where a watch starts). */
export function listNodePodsVersioned(config: InClusterConfig, timeoutMs = 10_000): Promise<{ pods: PodInfo[]; resourceVersion?: string }> {
  const url = new URL(nodePodsPath(config.nodeName), config.server);
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: config.ca, headers: { authorization: `Bearer ${config.token()}`, accept: 'application/json' }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_ANSWER_BYTES) req.destroy(new PodListError(`the pods answer is larger than ${MAX_ANSWER_BYTES} bytes`));
        else chunks.push(c);
      });
      res.on('end', () => {
        try {
          if (res.statusCode === 401) throw new PodListError(UNAUTHORIZED);
          const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          if (res.statusCode === 403) throw new PodListError('RBAC forbids list pods (cluster scope) to the sensor: apply sensor/deploy/daemonset.yaml\'s ClusterRole');
          resolve(parsePodList(body));
        } catch (e) {
          reject(e instanceof PodListError ? e : new PodListError(`the pods answer (HTTP ${String(res.statusCode)}) is not JSON`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new PodListError(`the API server did not answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Streams the watch's events to `onEvent` until the API server ends the watch (it does after a
 * few minutes) or `signal` aborts it. HTTP 410 is WatchGone (the resourceVersion is too old: list
 * again); any other refusal rejects with the Status's message.
 */
export function watchNodePods(config: InClusterConfig, resourceVersion: string, onEvent: (event: unknown) => void, signal: AbortSignal): Promise<void> {
  const url = new URL(nodePodsWatchPath(config.nodeName, resourceVersion), config.server);
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: config.ca, headers: { authorization: `Bearer ${config.token()}`, accept: 'application/json' }, signal }, (res) => {
      res.setEncoding('utf8');
      const objects = new JsonObjectStream();
      if (res.statusCode !== 200) {
        let text = '';
        res.on('data', (c: string) => (text += c.slice(0, 4096)));
        res.on('end', () => {
          if (res.statusCode === 410) return reject(new WatchGone(`the watch's resourceVersion ${resourceVersion} is too old (410 Gone)`));
          let message = '';
          try {
            const status: unknown = JSON.parse(text);
            message = typeof status === 'object' && status !== null && 'message' in status ? String(status.message) : '';
          } catch {
            // not a Status: the HTTP code says enough
          }
          if (res.statusCode === 401) return reject(new PodListError(UNAUTHORIZED));
          reject(new PodListError(res.statusCode === 403 ? 'RBAC forbids watch pods (cluster scope) to the sensor: apply sensor/deploy/\'s ClusterRole' : `the pods watch was refused (HTTP ${String(res.statusCode)})${message ? `: ${message}` : ''}`));
        });
        return;
      }
      res.on('data', (c: string) => {
        try {
          for (const event of objects.push(c)) onEvent(event);
        } catch (e) {
          req.destroy(e instanceof Error ? e : new Error(String(e)));
        }
      });
      res.on('end', () => resolve());
      res.on('error', reject);
    });
    req.on('error', (e) => (signal.aborted ? resolve() : reject(e)));
    req.end();
  });
}

// The sensor's one read of the Kubernetes API: the pods of its own node, with the pod's
// ServiceAccount token and CA (in-cluster config). RBAC grants `get, list` on pods and nothing
// else (sensor/deploy/); the field selector keeps the answer to this node's pods.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { PodListError, parsePodList, type PodInfo } from './pod-index';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface InClusterConfig {
  /** https://HOST:PORT of the API server. */
  server: string;
  token: string;
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
  try {
    return {
      server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
      token: readFileSync(`${dir}/token`, 'utf8').trim(),
      ca: readFileSync(`${dir}/ca.crt`),
      nodeName,
    };
  } catch (e) {
    return `cannot read the ServiceAccount token in ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
}

/** The request path of this node's pods: `spec.nodeName` is a supported pod field selector. */
export function nodePodsPath(nodeName: string): string {
  return `/api/v1/pods?${new URLSearchParams({ fieldSelector: `spec.nodeName=${nodeName}` }).toString()}`;
}

const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

export function listNodePods(config: InClusterConfig, timeoutMs = 10_000): Promise<PodInfo[]> {
  const url = new URL(nodePodsPath(config.nodeName), config.server);
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: config.ca, headers: { authorization: `Bearer ${config.token}`, accept: 'application/json' }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_ANSWER_BYTES) req.destroy(new PodListError(`the pods answer is larger than ${MAX_ANSWER_BYTES} bytes`));
        else chunks.push(c);
      });
      res.on('end', () => {
        try {
          const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          if (res.statusCode === 403) throw new PodListError('RBAC forbids list pods (cluster scope) to the sensor: apply sensor/deploy/daemonset.yaml\'s ClusterRole');
          resolve(parsePodList(body).pods);
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

// Runs the user's own `kubectl` (their kubeconfig, exec credential plugins, OIDC) and builds its
// arguments. Nothing here talks to the API server itself.
import { execFile } from 'node:child_process';
import { ClusterError, mapKubectlFailure } from './kubectl-errors';

export interface KubectlOptions {
  /** The binary; default `kubectl` on PATH. */
  path?: string;
  /** A kubeconfig other than the user's default (KUBECONFIG). */
  kubeconfig?: string;
  context?: string;
  timeoutMs?: number;
}

/** Flags every call carries: the same kubeconfig and context throughout one session. */
export function globalArgs(o: KubectlOptions): string[] {
  return [...(o.kubeconfig ? ['--kubeconfig', o.kubeconfig] : []), ...(o.context ? ['--context', o.context] : [])];
}

export const args = {
  contexts: (): string[] => ['config', 'get-contexts', '-o', 'name'],
  currentContext: (): string[] => ['config', 'current-context'],
  namespaces: (): string[] => ['get', 'namespaces', '-o', 'json'],
  sensorPods: (namespace: string, selector: string): string[] => ['get', 'pods', '-n', namespace, '-l', selector, '-o', 'json'],
  /** One JSON object per change ({type, object}), the current pods first: a watch, not polling. */
  watchSensorPods: (namespace: string, selector: string): string[] => ['get', 'pods', '-n', namespace, '-l', selector, '-o', 'json', '--watch', '--output-watch-events'],
  secret: (namespace: string, name: string): string[] => ['get', 'secret', name, '-n', namespace, '-o', 'json'],
  canI: (verb: string, resource: string, namespace: string): string[] => ['auth', 'can-i', verb, resource, '-n', namespace],
  /** LOCAL 0 picks a free port; kubectl prints it ("Forwarding from 127.0.0.1:PORT -> REMOTE"). */
  portForward: (namespace: string, pod: string, localPort: number, remotePort: number): string[] => [
    'port-forward',
    '-n',
    namespace,
    `pod/${pod}`,
    `${localPort}:${remotePort}`,
    '--address',
    '127.0.0.1',
  ],
};

export interface KubectlResult {
  stdout: string;
  stderr: string;
}

/** `kubectl GLOBAL ARGS`; rejects with a ClusterError naming what failed. */
export function kubectl(o: KubectlOptions, commandArgs: readonly string[]): Promise<KubectlResult> {
  const bin = o.path ?? 'kubectl';
  return new Promise((resolve, reject) => {
    execFile(bin, [...globalArgs(o), ...commandArgs], { timeout: o.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve({ stdout, stderr });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return reject(new ClusterError('no-kubectl', `kubectl not found (${bin}): install it, or set tapline.cluster.kubectlPath`));
      if (error.killed) return reject(new ClusterError('unreachable', `kubectl ${commandArgs.slice(0, 2).join(' ')} did not finish within ${o.timeoutMs ?? 30_000} ms`));
      reject(mapKubectlFailure(stderr, o.context));
    });
  });
}

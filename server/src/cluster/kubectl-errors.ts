// kubectl's failures, as it prints them, to errors that name what is missing: the binary, the
// context or its server, the RBAC verb and resource, the sensor pods (with the deploy command).

export type ClusterErrorKind = 'no-kubectl' | 'no-context' | 'unreachable' | 'forbidden' | 'not-found' | 'credentials' | 'no-sensors' | 'kubectl-failed';

export const DEPLOY_COMMAND = 'kubectl apply -f sensor/deploy/daemonset.yaml (or: helm install tapline-sensor sensor/deploy/chart -n tapline --create-namespace)';

export class ClusterError extends Error {
  constructor(
    readonly kind: ClusterErrorKind,
    message: string,
    /** For `forbidden`: what RBAC refused. */
    readonly forbidden?: { verb: string; resource: string; namespace?: string },
  ) {
    super(message);
  }
}

const FORBIDDEN = /cannot ([a-z]+) resource "([^"]+)"(?: in API group "[^"]*")?(?: in the namespace "([^"]+)")?/;
const UNREACHABLE = [
  /The connection to the server (\S+) was refused/,
  /Unable to connect to the server: (.+)/,
  /dial tcp (\S+): (?:connect: )?(?:connection refused|i\/o timeout|no route to host)/,
  /net\/http: TLS handshake timeout/,
];

/** The first line of kubectl's stderr that says something (it prints klog noise first at times). */
function firstMessage(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l.length > 0 && !/^[EIW]\d{4} /.test(l));
  return lines[0] ?? stderr.trim();
}

/** What failed, from the exit of `kubectl ARGS` run against CONTEXT. */
export function mapKubectlFailure(stderr: string, context: string | undefined): ClusterError {
  const where = context ? `context "${context}"` : 'the current context';
  const f = FORBIDDEN.exec(stderr);
  if (f) {
    const [, verb = '', resource = '', namespace] = f;
    const ns = namespace ? ` in namespace "${namespace}"` : '';
    return new ClusterError('forbidden', `RBAC forbids ${verb} on ${resource}${ns} (${where}); ask for a Role granting "${verb}" on "${resource}"`, {
      verb,
      resource,
      ...(namespace ? { namespace } : {}),
    });
  }
  const noContext = /context "([^"]+)" does not exist|context was not found for specified context: (\S+)|current-context is not set/.exec(stderr);
  if (noContext) return new ClusterError('no-context', (noContext[1] ?? noContext[2]) ? `kubeconfig has no context "${noContext[1] ?? noContext[2] ?? ''}"` : 'kubeconfig has no current context: pick one');
  // exec credential plugins and OIDC refreshes fail before any connection is tried.
  const credentials = /getting credentials: (.+)/.exec(stderr);
  if (credentials) return new ClusterError('credentials', `${where}: kubectl could not get credentials: ${credentials[1] ?? ''}`);
  for (const re of UNREACHABLE) {
    const m = re.exec(stderr);
    if (m) return new ClusterError('unreachable', `${where} is unreachable: ${firstMessage(stderr)}`);
  }
  const notFound = /Error from server \(NotFound\): (.+)/.exec(stderr);
  if (notFound) return new ClusterError('not-found', `${notFound[1] ?? 'not found'} (${where})`);
  return new ClusterError('kubectl-failed', `kubectl failed (${where}): ${firstMessage(stderr) || 'no message'}`);
}

// Connect to Dev Cluster's pure parts: kubectl's arguments, its recorded `-o json` answers and
// watch stream, and its error texts (as kubectl prints them) mapped to errors that name the
// missing verb, resource, context or deployment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WatchStreamParser, parseContexts, parseSensorPods, parseTokenSecret } from '../../server/src/cluster/cluster-answers';
import { ClusterError, mapKubectlFailure } from '../../server/src/cluster/kubectl-errors';
import { args, globalArgs } from '../../server/src/cluster/kubectl';

const FIXTURES = join(__dirname, '..', 'fixtures', 'k8s');
const read = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const STDERR = JSON.parse(read('kubectl-stderr.json')) as Record<string, string>;
const WHERE = { context: 'kind-dev', namespace: 'tapline', selector: 'app.kubernetes.io/name=tapline-sensor' };

test('kubectl arguments: one kubeconfig and context throughout, node-scoped reads, loopback forwards', () => {
  assert.deepEqual(globalArgs({ kubeconfig: '/k', context: 'dev' }), ['--kubeconfig', '/k', '--context', 'dev']);
  assert.deepEqual(globalArgs({}), []);
  assert.deepEqual(args.sensorPods('tapline', 'app=x'), ['get', 'pods', '-n', 'tapline', '-l', 'app=x', '-o', 'json']);
  assert.deepEqual(args.watchSensorPods('tapline', 'app=x'), ['get', 'pods', '-n', 'tapline', '-l', 'app=x', '-o', 'json', '--watch', '--output-watch-events']);
  assert.deepEqual(args.portForward('tapline', 'p', 0, 7878), ['port-forward', '-n', 'tapline', 'pod/p', '0:7878', '--address', '127.0.0.1']);
  assert.deepEqual(args.secret('tapline', 's'), ['get', 'secret', 's', '-n', 'tapline', '-o', 'json']);
});

test('recorded answers: sensor pods with node and readiness, the token, the contexts', () => {
  const pods = parseSensorPods(read('kubectl-get-sensor-pods.json'), WHERE);
  assert.deepEqual(pods, [
    { name: 'tapline-sensor-5xk2p', namespace: 'tapline', node: 'node-a', phase: 'Running', ready: true, port: 7878 },
    { name: 'tapline-sensor-q8w7n', namespace: 'tapline', node: 'node-b', phase: 'Running', ready: false, port: 7878 },
  ]);
  assert.equal(parseTokenSecret(read('kubectl-get-secret.json'), 'tapline-sensor-token'), 'test-only-token-not-a-secret');
  assert.throws(() => parseTokenSecret('{"data":{}}', 'x'), /Secret "x" has no "token" key/);
  assert.deepEqual(parseContexts('kind-dev\nstaging\n\n'), ['kind-dev', 'staging']);
});

test('no sensor pods is an error with the deploy command', () => {
  assert.throws(
    () => parseSensorPods(read('kubectl-get-pods-empty.json'), WHERE),
    (e: unknown) => e instanceof ClusterError && e.kind === 'no-sensors' && /kubectl apply -f sensor\/deploy\/daemonset\.yaml/.test(e.message) && /"kind-dev"/.test(e.message),
  );
  assert.throws(() => parseSensorPods('not json', WHERE), /did not print JSON/);
});

test('RBAC refusals name the verb and the resource', () => {
  const secret = mapKubectlFailure(STDERR.forbiddenSecret ?? '', 'kind-dev');
  assert.equal(secret.kind, 'forbidden');
  assert.deepEqual(secret.forbidden, { verb: 'get', resource: 'secrets', namespace: 'tapline' });
  assert.match(secret.message, /RBAC forbids get on secrets in namespace "tapline" \(context "kind-dev"\)/);
  const pf = mapKubectlFailure(STDERR.forbiddenPortForward ?? '', 'kind-dev');
  assert.deepEqual(pf.forbidden, { verb: 'create', resource: 'pods/portforward', namespace: 'tapline' });
  assert.deepEqual(mapKubectlFailure(STDERR.forbiddenListPods ?? '', undefined).forbidden?.verb, 'list');
});

test('unreachable servers, credential plugins and missing namespaces are told apart', () => {
  const host = mapKubectlFailure(STDERR.noSuchHost ?? '', 'dev');
  assert.equal(host.kind, 'unreachable');
  assert.match(host.message, /^context "dev" is unreachable: Unable to connect to the server: dial tcp: lookup dev\.example\.invalid: no such host/, 'klog noise is skipped');
  assert.equal(mapKubectlFailure(STDERR.timeout ?? '', 'dev').kind, 'unreachable');
  assert.equal(mapKubectlFailure(STDERR.execPlugin ?? '', 'dev').kind, 'credentials');
  const ns = mapKubectlFailure(STDERR.namespaceNotFound ?? '', 'dev');
  assert.equal(ns.kind, 'not-found');
  assert.match(ns.message, /namespaces "tapline" not found/);
  assert.equal(mapKubectlFailure('something new\n', 'dev').kind, 'kubectl-failed');
});

test('the watch stream: pretty-printed events back to back, split anywhere', () => {
  const text = read('kubectl-watch-sensor-pods.txt');
  for (const size of [1, 7, 100, text.length]) {
    const parser = new WatchStreamParser();
    const events = [];
    for (let i = 0; i < text.length; i += size) events.push(...parser.push(text.slice(i, i + size)));
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.pod.name} ${e.pod.node} ${e.pod.phase}`),
      ['ADDED tapline-sensor-5xk2p node-a Running', 'ADDED tapline-sensor-r2d2x node-c Pending', 'MODIFIED tapline-sensor-r2d2x node-c Running', 'DELETED tapline-sensor-5xk2p node-a Running'],
      `chunks of ${size}`,
    );
  }
  assert.deepEqual(new WatchStreamParser().push('{"type":"ADDED","object":{"metadata":{"name":"}{"}}} {"type":"BOOKMARK","object":{}}'), []);
});

// Connect to Dev Cluster against the real /usr/bin/kubectl, as far as no API server allows: the
// arguments it accepts, its real errors (no binary, unknown context, no current context, an
// unreachable server), and port-forward supervision — real kubectl failing and retried, and a
// real forwarding child that dies, is restarted on the same port, and is closed on disconnect.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterSession } from '../../server/src/cluster/cluster-session';
import { ClusterError } from '../../server/src/cluster/kubectl-errors';
import { args, kubectl } from '../../server/src/cluster/kubectl';
import { parseContexts } from '../../server/src/cluster/cluster-answers';
import { PortForward, type ForwardState } from '../../server/src/cluster/port-forward';
import { forwardCommand } from '../support/port-forward-standin';
import { unreachableKubeconfig } from '../support/kubeconfig';

const KUBECTL = '/usr/bin/kubectl';

function gate(t: TestContext): boolean {
  if (spawnSync(KUBECTL, ['version', '--client'], { stdio: 'ignore' }).status === 0) return true;
  if (process.env.CI === 'true') throw new Error(`${KUBECTL} is missing`);
  t.skip(`needs ${KUBECTL}`);
  return false;
}


function kubeconfig(currentContext: boolean): Promise<string> {
  return unreachableKubeconfig([{ name: 'kind-dev', namespace: 'tapline' }, { name: 'staging' }], currentContext ? 'kind-dev' : undefined);
}

async function rejectsWith(p: Promise<unknown>, kind: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ClusterError, String(e));
    assert.equal(e.kind, kind, e.message);
    assert.match(e.message, message);
    return true;
  });
}

function waitFor(forward: PortForward, what: string, pred: (s: ForwardState) => boolean): Promise<ForwardState> {
  if (pred(forward.state)) return Promise.resolve(forward.state);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; state ${JSON.stringify(forward.state)}`)), 15_000);
    forward.on('state', function on(s) {
      if (!pred(s)) return;
      clearTimeout(timer);
      forward.off('state', on);
      resolve(s);
    });
  });
}

test('no kubectl is a clear error', async () => {
  await rejectsWith(kubectl({ path: '/nonexistent/kubectl' }, args.contexts()), 'no-kubectl', /kubectl not found \(\/nonexistent\/kubectl\)/);
  const session = new ClusterSession({ kubectl: { path: '/nonexistent/kubectl' }, askToken: () => Promise.resolve(undefined), connect: () => ({ close: () => undefined }) });
  await rejectsWith(session.open(), 'no-kubectl', /kubectl not found/);
});

test('contexts from the kubeconfig; unknown and missing contexts named', async (t) => {
  if (!gate(t)) return;
  const file = await kubeconfig(true);
  assert.deepEqual(parseContexts((await kubectl({ path: KUBECTL, kubeconfig: file }, args.contexts())).stdout), ['kind-dev', 'staging']);
  assert.equal((await kubectl({ path: KUBECTL, kubeconfig: file }, args.currentContext())).stdout.trim(), 'kind-dev');
  await rejectsWith(kubectl({ path: KUBECTL, kubeconfig: file, context: 'nope' }, args.sensorPods('tapline', 'a=b')), 'no-context', /kubeconfig has no context "nope"/);
  const none = new ClusterSession({ kubectl: { path: KUBECTL, kubeconfig: await kubeconfig(false) }, askToken: () => Promise.resolve(undefined), connect: () => ({ close: () => undefined }) });
  await rejectsWith(none.open(), 'no-context', /no current context/);
});

test('an unreachable context: the real kubectl error, for the flags we build', async (t) => {
  if (!gate(t)) return;
  const file = await kubeconfig(true);
  // Every read the session makes parses (an unknown flag would be a different error).
  for (const a of [args.sensorPods('tapline', 'app.kubernetes.io/name=tapline-sensor'), args.secret('tapline', 'tapline-sensor-token'), args.namespaces()]) {
    await rejectsWith(kubectl({ path: KUBECTL, kubeconfig: file, context: 'staging' }, a), 'unreachable', /^context "staging" is unreachable: The connection to the server 127\.0\.0\.1:\d+ was refused/);
  }
  const session = new ClusterSession({ kubectl: { path: KUBECTL, kubeconfig: file }, askToken: () => Promise.resolve(undefined), connect: () => ({ close: () => undefined }) });
  await rejectsWith(session.open(), 'unreachable', /context "kind-dev" is unreachable/);
  assert.equal(session.context, 'kind-dev', 'the current context was taken from the kubeconfig');
});

test('a real kubectl port-forward that cannot reach the server is retried, then given up', async (t) => {
  if (!gate(t)) return;
  const file = await kubeconfig(true);
  const states: string[] = [];
  const forward = new PortForward({
    command: (local) => ({ bin: KUBECTL, args: ['--kubeconfig', file, ...args.portForward('tapline', 'tapline-sensor-5xk2p', local, 7878)] }),
    context: 'kind-dev',
    backoff: { baseMs: 10, maxMs: 20 },
    maxAttempts: 3,
  });
  forward.on('state', (s) => states.push(s.kind));
  forward.start();
  const failed = await waitFor(forward, 'the forward to give up', (s) => s.kind === 'failed');
  assert.match(failed.kind === 'failed' ? failed.reason : '', /context "kind-dev" is unreachable/);
  assert.equal(forward.starts, 3);
  assert.deepEqual(states, ['starting', 'restarting', 'starting', 'restarting', 'starting', 'failed']);
  await forward.close();
});

test('a forwarding child that dies is restarted on the same port and killed on close', async () => {
  // Something to forward to: an echo service on a Unix socket.
  const dir = mkdtempSync(join(tmpdir(), 'tapline-pf-'));
  const sock = join(dir, 'echo.sock');
  const echo = createServer((c) => c.pipe(c));
  await new Promise<void>((r) => echo.listen(sock, r));
  const forward = new PortForward({ command: forwardCommand(sock, 7878), backoff: { baseMs: 10, maxMs: 50 } });
  try {
    forward.start();
    const first = await waitFor(forward, 'the first forward', (s) => s.kind === 'ready');
    const port = first.kind === 'ready' ? first.localPort : 0;
    assert.ok(port > 0);
    const roundTrip = async (): Promise<string> => {
      const c = connect(port, '127.0.0.1');
      c.write('ping');
      const [chunk] = (await once(c, 'data')) as [Buffer];
      c.destroy();
      return chunk.toString();
    };
    assert.equal(await roundTrip(), 'ping');
    const firstPid = forward.pid!;
    process.kill(firstPid, 'SIGKILL');
    await waitFor(forward, 'the restart to be noticed', (s) => s.kind === 'restarting');
    const again = await waitFor(forward, 'the restarted forward', (s) => s.kind === 'ready');
    assert.deepEqual(again, { kind: 'ready', localPort: port }, 'same local port after the restart');
    assert.notEqual(forward.pid, firstPid);
    assert.equal(await roundTrip(), 'ping');
    const lastPid = forward.pid!;
    await forward.close();
    assert.throws(() => process.kill(lastPid, 0), /ESRCH/, 'the child is gone after close');
    assert.equal(forward.state.kind, 'closed');
  } finally {
    await forward.close();
    echo.close();
    await once(echo, 'close');
  }
});

test('the session with recorded answers: no sensors names the deploy command; a forbidden Secret asks for the token', async () => {
  const { readFileSync } = await import('node:fs');
  const { mapKubectlFailure } = await import('../../server/src/cluster/kubectl-errors');
  const fixtures = join(__dirname, '..', 'fixtures', 'k8s');
  const stderr = JSON.parse(readFileSync(join(fixtures, 'kubectl-stderr.json'), 'utf8')) as Record<string, string>;
  const replay = (pods: string) => (_o: unknown, a: readonly string[]) => {
    if (a[0] === 'get' && a[1] === 'pods') return Promise.resolve({ stdout: readFileSync(join(fixtures, pods), 'utf8'), stderr: '' });
    if (a[0] === 'get' && a[1] === 'secret') return Promise.reject(mapKubectlFailure(stderr.forbiddenSecret ?? '', 'kind-dev'));
    return Promise.reject(new Error(`unexpected kubectl ${a.join(' ')}`));
  };
  const none = new ClusterSession({ kubectl: { context: 'kind-dev' }, run: replay('kubectl-get-pods-empty.json'), askToken: () => Promise.resolve(undefined), connect: () => ({ close: () => undefined }), watch: false });
  await rejectsWith(none.open(), 'no-sensors', /no sensor pods .* deploy them with kubectl apply -f sensor\/deploy\/daemonset\.yaml/);

  const asked: string[] = [];
  const cancelled = new ClusterSession({ kubectl: { context: 'kind-dev' }, run: replay('kubectl-get-sensor-pods.json'), askToken: (why) => (asked.push(why), Promise.resolve(undefined)), connect: () => ({ close: () => undefined }), watch: false });
  await rejectsWith(cancelled.open(), 'forbidden', /RBAC forbids get on secrets in namespace "tapline"/);
  assert.match(asked[0] ?? '', /RBAC forbids get on secrets .* Paste the sensor token/);
  assert.equal(cancelled.nodes().length, 0, 'nothing was started');
});

test("the engine's ClusterHub: contexts through the real kubectl, errors as results, the token asked for", async (t) => {
  if (!gate(t)) return;
  const { ClusterHub } = await import('../../server/src/cluster/cluster-hub');
  const { readFileSync } = await import('node:fs');
  const { mapKubectlFailure } = await import('../../server/src/cluster/kubectl-errors');
  const host = { transactions: () => undefined, changed: () => undefined, log: () => undefined };
  const file = await kubeconfig(true);
  const hub = new ClusterHub(host, { kubectl: { path: KUBECTL, kubeconfig: file } });
  assert.deepEqual(await hub.contexts(), { ok: true, contexts: ['kind-dev', 'staging'], current: 'kind-dev' });
  const unreachable = await hub.connect({ context: 'staging' });
  assert.equal(unreachable.ok, false);
  assert.match(unreachable.ok ? '' : `${unreachable.kind}: ${unreachable.reason}`, /^unreachable: context "staging" is unreachable/);
  assert.deepEqual(hub.statuses(), []);

  const fixtures = join(__dirname, '..', 'fixtures', 'k8s');
  const stderr = JSON.parse(readFileSync(join(fixtures, 'kubectl-stderr.json'), 'utf8')) as Record<string, string>;
  const forbidden = new ClusterHub(host, {
    session: {
      watch: false,
      run: (_o, a) =>
        a[1] === 'pods' ? Promise.resolve({ stdout: readFileSync(join(fixtures, 'kubectl-get-sensor-pods.json'), 'utf8'), stderr: '' }) : Promise.reject(mapKubectlFailure(stderr.forbiddenSecret ?? '', 'kind-dev')),
    },
  });
  const asked = await forbidden.connect({ context: 'kind-dev' });
  assert.deepEqual(asked.ok ? undefined : { kind: asked.kind, needToken: asked.needToken }, { kind: 'forbidden', needToken: true });
});

test('pods joining and leaving are followed from the watch stream (a child printing recorded watch events)', async () => {
  const { readFileSync } = await import('node:fs');
  const fixtures = join(__dirname, '..', 'fixtures', 'k8s');
  const watchFile = join(fixtures, 'kubectl-watch-sensor-pods.txt');
  const dir = mkdtempSync(join(tmpdir(), 'tapline-watch-'));
  const changes: string[][] = [];
  const session = new ClusterSession({
    kubectl: { context: 'kind-dev' },
    run: (_o, a) => Promise.resolve({ stdout: readFileSync(join(fixtures, a[1] === 'pods' ? 'kubectl-get-sensor-pods.json' : 'kubectl-get-secret.json'), 'utf8'), stderr: '' }),
    // Like kubectl's watch: the events, then it stays open.
    watchCommand: () => ({ bin: process.execPath, args: ['-e', `process.stdout.write(require('fs').readFileSync(${JSON.stringify(watchFile)}, 'utf8')); setInterval(() => {}, 1 << 30);`] }),
    forwardCommand: (pod, local) => forwardCommand(join(dir, `${pod.node}.sock`), pod.port)(local),
    askToken: () => Promise.resolve(undefined),
    connect: () => ({ close: () => undefined }),
  });
  session.on('nodes', (nodes) => changes.push(nodes.map((n) => n.pod)));
  try {
    const opened = await session.open();
    assert.deepEqual(opened.map((n) => n.pod), ['tapline-sensor-5xk2p', 'tapline-sensor-q8w7n']);
    const removedForward = session.forwardOf('tapline-sensor-5xk2p')!;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for node-c to join and node-a to leave; nodes went ${JSON.stringify(changes)}`)), 15_000);
      const check = (): void => {
        const pods = session.nodes().map((n) => n.pod);
        if (pods.join() !== 'tapline-sensor-q8w7n,tapline-sensor-r2d2x') return;
        clearTimeout(timer);
        session.off('nodes', check);
        resolve();
      };
      session.on('nodes', check);
      check();
    });
    assert.equal(session.nodes().find((n) => n.pod === 'tapline-sensor-r2d2x')?.node, 'node-c', 'joined once Running, not while Pending');
    assert.equal(removedForward.state.kind, 'closed', "the leaving pod's forward is closed");
  } finally {
    await session.close();
  }
});

test('a watch that ends is restarted with backoff, and a list catches up what changed while none ran', async () => {
  const { readFileSync } = await import('node:fs');
  const fixtures = join(__dirname, '..', 'fixtures', 'k8s');
  const full = readFileSync(join(fixtures, 'kubectl-get-sensor-pods.json'), 'utf8');
  const list = JSON.parse(full) as { items: Array<{ metadata: { name: string } }> };
  // After the first watch ends, node-a's sensor pod is gone (deleted while no watch ran).
  const later = JSON.stringify({ ...list, items: list.items.filter((p) => p.metadata.name !== 'tapline-sensor-5xk2p') });
  let podLists = 0;
  let watches = 0;
  const dir = mkdtempSync(join(tmpdir(), 'tapline-rewatch-'));
  const session = new ClusterSession({
    kubectl: { context: 'kind-dev' },
    run: (_o, a) => {
      if (a[1] !== 'pods') return Promise.resolve({ stdout: readFileSync(join(fixtures, 'kubectl-get-secret.json'), 'utf8'), stderr: '' });
      return Promise.resolve({ stdout: podLists++ === 0 ? full : later, stderr: '' });
    },
    // Like kubectl when the API server closes the watch: it exits. The third one stays open.
    watchCommand: () => ({ bin: process.execPath, args: ['-e', ++watches >= 3 ? 'setInterval(() => {}, 1 << 30)' : ''] }),
    forwardCommand: (pod, local) => forwardCommand(join(dir, `${pod.node}.sock`), pod.port)(local),
    backoff: { baseMs: 20, maxMs: 50 },
    askToken: () => Promise.resolve(undefined),
    connect: () => ({ close: () => undefined }),
  });
  try {
    assert.deepEqual((await session.open()).map((n) => n.pod), ['tapline-sensor-5xk2p', 'tapline-sensor-q8w7n']);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`waited 15 s for the third watch and node-a's pod to leave (watches ${watches}, lists ${podLists}, nodes ${session.nodes().map((n) => n.pod).join()})`)), 15_000);
      const check = (): void => {
        if (watches < 3 || session.nodes().map((n) => n.pod).join() !== 'tapline-sensor-q8w7n') return;
        clearTimeout(timer);
        clearInterval(poll);
        resolve();
      };
      // The watch restarts are child processes, not events of the session: look after each one.
      const poll = setInterval(check, 20);
      session.on('nodes', check);
    });
    assert.ok(podLists >= 2, 'listed again after the watch ended');
  } finally {
    await session.close();
  }
});

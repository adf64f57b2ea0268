// The sensor's pod index follows the node by list + watch, fed here with answers recorded in the
// shape the Kubernetes API documents (api-concepts: "Efficient detection of changes", watch
// bookmarks, 410 Gone): one JSON event per line, split at arbitrary chunk boundaries. No API
// server runs on these machines; docs/cluster.md says what was checked against a real cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonObjectStream } from '../../core/src/json-object-stream';
import { nodePodsWatchPath } from '../../sensor/src/k8s/api-client';
import { PodIndex, parsePodList } from '../../sensor/src/k8s/pod-index';
import { PodWatch, WatchGone, applyWatchEvent, type PodWatchTransport } from '../../sensor/src/k8s/pod-watch';

const FIXTURES = join(__dirname, '..', 'fixtures', 'k8s');
const read = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const CART = '9c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
const CART_CONTAINER = '4'.repeat(8) + 'd'.repeat(56);
const DEBUG = '8b3c4d5e-6f7a-4b2c-8d3e-4f5a6b7c8d9e';

/**
 * A promise that `fire` resolves, or that fails after 10 s saying what it waited for. Its timer
 * keeps the test's event loop alive while the watch pauses on its own (unref'd) backoff timer.
 */
function awaited(what: string): { done: Promise<void>; fire: () => void } {
  let fire: () => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`waited 10 s for ${what}`)), 10_000);
    fire = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  return { done, fire };
}

/** Plays a recorded stream the way the HTTPS transport does: chunks through JsonObjectStream. */
function play(text: string, chunk: number, onEvent: (e: unknown) => void, signal: AbortSignal): void {
  const objects = new JsonObjectStream();
  for (let i = 0; i < text.length && !signal.aborted; i += chunk) for (const e of objects.push(text.slice(i, i + chunk))) onEvent(e);
}

test('the watch path is node-scoped, from a resourceVersion, with bookmarks', () => {
  assert.equal(nodePodsWatchPath('kind-worker', '48300'), '/api/v1/pods?fieldSelector=spec.nodeName%3Dkind-worker&watch=1&resourceVersion=48300&allowWatchBookmarks=true');
});

test('watch events: a pod that starts is known once its container id appears; a deleted one is gone; bookmarks move the resourceVersion', () => {
  const index = new PodIndex();
  index.replace(parsePodList(JSON.parse(read('pods-kind-worker.json'))).pods);
  const versions: Array<string | undefined> = [];
  for (const line of read('watch-pods-kind-worker.jsonl').trim().split('\n')) {
    const applied = applyWatchEvent(index, JSON.parse(line));
    assert.equal(applied.kind, 'ok');
    versions.push(applied.kind === 'ok' ? applied.resourceVersion : undefined);
    if (versions.length === 1) assert.deepEqual(index.ref(CART, CART_CONTAINER), { namespace: 'shop', pod: 'cart-5f6d7c8b9a-q7w8e', workload: { kind: 'Deployment', name: 'cart' } }, 'ADDED while creating: the pod, no container yet');
  }
  assert.deepEqual(versions, ['48311', '48319', '48325', '48330']);
  assert.equal(index.ref(CART, CART_CONTAINER)?.container, 'cart', 'MODIFIED: the running container is named');
  assert.equal(index.pod(DEBUG), undefined, 'DELETED: dropped');
  assert.equal(index.size, 4);
  assert.deepEqual(applyWatchEvent(index, JSON.parse(read('watch-pods-expired.jsonl'))), { kind: 'gone' });
  assert.deepEqual(applyWatchEvent(index, { type: 'ERROR', object: { kind: 'Status', code: 500, message: 'etcd is sad' } }), { kind: 'error', message: 'the pods watch failed: etcd is sad' });
  assert.deepEqual(applyWatchEvent(index, 'garbage'), { kind: 'ok' });
});

test('list, watch, resume from the last resourceVersion, list again on 410 Gone (event or HTTP status)', async () => {
  const index = new PodIndex();
  const watchedFrom: string[] = [];
  let lists = 0;
  const fourth = awaited('the fourth watch');
  const logs: string[] = [];
  const transport: PodWatchTransport = {
    list: async () => {
      lists++;
      return parsePodList(JSON.parse(read('pods-kind-worker.json')));
    },
    watch: (rv, onEvent, signal) => {
      watchedFrom.push(rv);
      switch (watchedFrom.length) {
        case 1:
          play(read('watch-pods-kind-worker.jsonl'), 7, onEvent, signal);
          return Promise.resolve(); // the server ends the watch (its timeout)
        case 2:
          play(read('watch-pods-expired.jsonl'), 5, onEvent, signal);
          return Promise.resolve();
        case 3:
          return Promise.reject(new WatchGone('the watch\'s resourceVersion 48300 is too old (410 Gone)'));
        default:
          fourth.fire();
          return new Promise((resolve) => signal.addEventListener('abort', () => resolve()));
      }
    },
  };
  const watch = new PodWatch(index, transport, { backoff: { baseMs: 1, maxMs: 1 }, minHealthyMs: 0, log: (m) => logs.push(m) });
  watch.start();
  await fourth.done;
  assert.deepEqual(watchedFrom, ['48300', '48330', '48300', '48300'], 'resumed from the last event, then from fresh lists');
  assert.equal(lists, 3, 'one list at start, one per 410');
  assert.ok(index.pod(DEBUG), 'the re-list restored the recorded list');
  assert.ok(logs.some((m) => /410 Gone/.test(m)), logs.join('\n'));
  await watch.stop();
  assert.equal(watch.stats.watches, 4);
});

test('an unreachable API server backs off and logs each distinct failure once', async () => {
  let tries = 0;
  const third = awaited('the third list attempt');
  const logs: string[] = [];
  const watch = new PodWatch(new PodIndex(), {
    list: () => {
      if (++tries === 3) third.fire();
      return Promise.reject(new Error('connect ECONNREFUSED 10.96.0.1:443'));
    },
    watch: () => Promise.resolve(),
  }, { backoff: { baseMs: 1, maxMs: 2 }, log: (m) => logs.push(m) });
  watch.start();
  await third.done;
  await watch.stop();
  assert.deepEqual(logs, ['pod attribution: connect ECONNREFUSED 10.96.0.1:443']);
});

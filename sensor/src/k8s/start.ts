// Pod attribution is on when the sensor runs in a Kubernetes pod (in-cluster config found) and
// off, silently, elsewhere: outside Kubernetes transactions stay exactly as they were. The node's
// pods are listed once and then watched (pod-watch.ts), never polled.
import type { PipelineOptions } from '../pipeline/pipeline';
import { inClusterConfig, listNodePodsVersioned, watchNodePods } from './api-client';
import { PodAttributor } from './attributor';
import { PodWatch } from './pod-watch';

export interface PodAttribution extends Pick<PipelineOptions, 'attribute'> {
  stop(): Promise<void>;
}

export function podAttribution(env: NodeJS.ProcessEnv, log: (message: string) => void): PodAttribution {
  const config = inClusterConfig(env);
  if (typeof config === 'string') {
    if (env.KUBERNETES_SERVICE_HOST) log(`pod attribution off: ${config}`);
    return { stop: () => Promise.resolve() };
  }
  const attributor = new PodAttributor({ onLog: log });
  const watch = new PodWatch(attributor.index, { list: () => listNodePodsVersioned(config), watch: (rv, onEvent, signal) => watchNodePods(config, rv, onEvent, signal) }, { log });
  watch.start(() => log(`pod attribution: ${attributor.index.size} pods on node ${config.nodeName}, watching from resourceVersion ${watch.stats.resourceVersion ?? '(list failed)'}`));
  return { attribute: (pid) => attributor.serving(pid), stop: () => watch.stop() };
}

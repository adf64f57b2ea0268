// Pod attribution is on when the sensor runs in a Kubernetes pod (in-cluster config found) and
// off, silently, elsewhere: outside Kubernetes transactions stay exactly as they were.
import type { PipelineOptions } from '../pipeline/pipeline';
import { inClusterConfig, listNodePods } from './api-client';
import { PodAttributor } from './attributor';

export function podAttribution(env: NodeJS.ProcessEnv, log: (message: string) => void): Pick<PipelineOptions, 'attribute'> {
  const config = inClusterConfig(env);
  if (typeof config === 'string') {
    if (env.KUBERNETES_SERVICE_HOST) log(`pod attribution off: ${config}`);
    return {};
  }
  const attributor = new PodAttributor({ listPods: () => listNodePods(config), onLog: log });
  void attributor.refresh(true).then(() => log(`pod attribution: ${attributor.index.size} pods on node ${config.nodeName}`));
  return { attribute: (pid) => attributor.serving(pid) };
}

import * as vscode from 'vscode';
import { CLUSTER_CONTEXTS, CONNECT_CLUSTER, DISCONNECT_CLUSTER, type ClusterConnectParams, type ClusterConnectResult, type KubectlChoice } from '../../../core/src/messages';
import type { EngineClient } from '../client/language-client';
import { askUnlessGiven } from './ask';

/**
 * "Tapline: Connect to Dev Cluster…": the kube context (the current one first) and the sensors'
 * namespace, then the engine does the rest with the user's own kubectl (port-forwards, token,
 * connections, following pods). When RBAC forbids reading the token Secret the engine says so
 * and the user may paste the token. Arguments skip the questions (scripts, tests).
 */
/**
 * `tapline.cluster.kubectlPath` and `tapline.cluster.kubeconfig`: application-scoped in
 * package.json (user settings only), so a workspace's settings cannot choose the binary the engine runs.
 */
function kubectlChoice(): KubectlChoice {
  const config = vscode.workspace.getConfiguration('tapline.cluster');
  const path = config.get<string>('kubectlPath', '').trim();
  const kubeconfig = config.get<string>('kubeconfig', '').trim();
  return { ...(path ? { path } : {}), ...(kubeconfig ? { kubeconfig } : {}) };
}

export async function connectToCluster(engine: EngineClient, args: ClusterConnectParams = {}): Promise<ClusterConnectResult | undefined> {
  const kubectl = kubectlChoice();
  let context = args.context;
  if (context === undefined) {
    const contexts = await engine.request(CLUSTER_CONTEXTS, { kubectl });
    if (!contexts.ok) {
      void vscode.window.showErrorMessage(`Tapline: ${contexts.reason}`);
      return undefined;
    }
    if (contexts.contexts.length === 0) {
      void vscode.window.showErrorMessage('Tapline: your kubeconfig has no contexts (kubectl config get-contexts).');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      contexts.contexts.map((c) => ({ label: c, ...(c === contexts.current ? { description: 'current' } : {}) })),
      { title: 'Connect to Dev Cluster (1/2): kube context' },
    );
    if (!picked) return undefined;
    context = picked.label;
  }
  const namespace = await askUnlessGiven(args.namespace, { title: 'Connect to Dev Cluster (2/2)', prompt: 'The namespace of the Tapline sensor pods', value: 'tapline' });
  if (!namespace) return undefined;
  const connect = (token?: string): Thenable<ClusterConnectResult> =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Tapline: connecting to ${context}` }, () =>
      engine.request(CONNECT_CLUSTER, { context, namespace, kubectl, ...(token ? { token } : {}) }),
    );
  let result = await connect(args.token);
  if (!result.ok && result.needToken) {
    const token = await vscode.window.showInputBox({ title: 'Sensor token', prompt: result.reason, password: true, ignoreFocusOut: true });
    if (!token) return result;
    result = await connect(token.trim());
  }
  if (result.ok) void vscode.window.showInformationMessage(`Tapline: ${result.nodes.length} sensor${result.nodes.length === 1 ? '' : 's'} of ${result.context} (${result.namespace}); each node is listed in the Sensors view.`);
  else void vscode.window.showErrorMessage(`Tapline: ${result.reason}`);
  return result;
}

export async function disconnectCluster(engine: EngineClient): Promise<void> {
  await engine.requestIfRunning(DISCONNECT_CLUSTER, {});
}

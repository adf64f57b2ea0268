// A kubeconfig whose API server does not answer (a free loopback port nothing listens on): what
// the real kubectl can be run against here, since no Kubernetes API server can run on these machines.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './nginx';

export interface KubeContext {
  name: string;
  namespace?: string;
}

/** Writes it (in `dir`, or a new temp folder) and returns its path. */
export async function unreachableKubeconfig(contexts: readonly KubeContext[], current: string | undefined, dir = mkdtempSync(join(tmpdir(), 'tapline-kube-'))): Promise<string> {
  const port = await freePort();
  const file = join(dir, 'unreachable.kubeconfig');
  const entries = contexts.map((c) => `- name: ${c.name}\n  context: { cluster: dev, user: alice${c.namespace ? `, namespace: ${c.namespace}` : ''} }`);
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters:
- name: dev
  cluster: { server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true }
users:
- name: alice
  user: { token: test-only }
contexts:
${entries.join('\n')}
${current ? `current-context: ${current}\n` : ''}`,
  );
  return file;
}

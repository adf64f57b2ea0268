// "Nodes" for multi-node tests: network namespaces joined by one veth pair, with addresses that
// exist only inside them (the host's own network is never touched). Needs root and iproute2.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface TestNode {
  /** The namespace's name (`ip netns exec NAME …`). */
  ns: string;
  /** Its address on the veth link. */
  address: string;
}

const ip = (...a: string[]): void => {
  execFileSync('ip', a, { stdio: 'pipe' });
};

/** Two namespaces, 10.213.0.1 and 10.213.0.2 on a /30 between them; remove() deletes both. */
export function createTwoNodes(tag: string): { nodes: [TestNode, TestNode]; remove: () => void } {
  const names = [`${tag}a`, `${tag}b`] as const;
  const links = [`${tag}va`, `${tag}vb`] as const;
  const nodes: [TestNode, TestNode] = [
    { ns: names[0], address: '10.213.0.1' },
    { ns: names[1], address: '10.213.0.2' },
  ];
  const remove = (): void => {
    for (const n of names) {
      try {
        ip('netns', 'del', n); // its end of the veth pair goes with it, and so does the other
      } catch {
        // not created
      }
    }
  };
  try {
    for (const n of names) ip('netns', 'add', n);
    ip('link', 'add', links[0], 'type', 'veth', 'peer', 'name', links[1]);
    nodes.forEach((node, i) => {
      const link = links[i] ?? '';
      ip('link', 'set', link, 'netns', node.ns);
      ip('-n', node.ns, 'addr', 'add', `${node.address}/30`, 'dev', link);
      ip('-n', node.ns, 'link', 'set', link, 'up');
      ip('-n', node.ns, 'link', 'set', 'lo', 'up');
    });
  } catch (e) {
    remove();
    throw e;
  }
  return { nodes, remove };
}

/** A Node script run inside a namespace, resolved once it printed its first line. */
export async function runInNode(ns: string, script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; firstLine: string }> {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const [chunk] = (await Promise.race([once(child.stdout!, 'data'), once(child, 'exit').then(() => Promise.reject(new Error(`${ns}: script exited before printing`)))])) as [Buffer];
  return { child, firstLine: chunk.toString().trim() };
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

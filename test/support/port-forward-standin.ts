// What kubectl port-forward does for a pod, without an API server: listen on 127.0.0.1 (a given
// port, or a free one), print kubectl's "Forwarding from" line, and relay each connection to a
// Unix socket served inside the pod's network namespace (as kubelet enters the pod's namespace).
// A real child process, so that supervision (death, restart, close) is tested for real.

export const FORWARD_SCRIPT = `
const net = require('node:net');
const [target, local, remote] = process.argv.slice(1);
const server = net.createServer((c) => {
  const up = net.connect(target);
  c.pipe(up).pipe(c);
  const end = () => { c.destroy(); up.destroy(); };
  c.on('error', end); up.on('error', end); c.on('close', end); up.on('close', end);
});
server.on('error', (e) => { process.stderr.write('error: ' + e.message + '\\n'); process.exit(1); });
server.listen(Number(local), '127.0.0.1', () => {
  process.stdout.write('Forwarding from 127.0.0.1:' + server.address().port + ' -> ' + remote + '\\n');
});
process.on('SIGTERM', () => process.exit(0));
`;

/** The relay inside a network namespace: a Unix socket in front of 127.0.0.1:PORT there. */
export const RELAY_SCRIPT = `
const net = require('node:net');
const [path, port] = process.argv.slice(1);
net.createServer((c) => {
  const up = net.connect(Number(port), '127.0.0.1');
  c.pipe(up).pipe(c);
  const end = () => { c.destroy(); up.destroy(); };
  c.on('error', end); up.on('error', end); c.on('close', end); up.on('close', end);
}).listen(path, () => process.stdout.write('relaying\\n'));
process.on('SIGTERM', () => process.exit(0));
`;

export function forwardCommand(unixPath: string, remotePort: number): (localPort: number) => { bin: string; args: string[] } {
  return (localPort) => ({ bin: process.execPath, args: ['-e', FORWARD_SCRIPT, unixPath, String(localPort), String(remotePort)] });
}

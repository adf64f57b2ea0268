// What the OpenSSL probes cost a process that uses a distribution's libssl.so.3 (Python, curl,
// nginx): Debian's SSL_read/SSL_write start with `sub rsp, N`, which the kernel single-steps under
// a uprobe, so the loader probes the internal functions they call, which start with a push
// (sensor/bpf/loader-ssl-inner.c). Debian's python3 makes `--requests` HTTPS requests over one
// keep-alive connection to a node server (untraced: the loader traces `python3` only), and its
// CPU time is compared with no loader, with the loader probing the internal functions and with
// the same loader probing the exported ones (TAPLINE_SSL_PROBES=exported), interleaved in one run.
//   node --import tsx bench/sensor-overhead-libssl.ts [--requests 5000] [--rounds 3]
// Needs root and /usr/bin/python3.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { TLS_CERT, TLS_KEY } from '../test/integration/ebpf-helpers';
import { roundOrder } from './sensor-overhead-ab';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const requests = arg('requests', 5000);
const rounds = arg('rounds', 3);
const loaderPath = join(import.meta.dirname ?? __dirname, '..', 'sensor', 'bpf', 'build', 'tapline-loader');

const SERVER = `
const s = require('node:https').createServer({ key: process.env.TLS_KEY, cert: process.env.TLS_CERT }, (req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ path: req.url }));
});
s.listen(0, '127.0.0.1', () => console.log(s.address().port));
`;

const CLIENT = `
import http.client, ssl, sys, time
ctx = ssl._create_unverified_context()
c = http.client.HTTPSConnection('127.0.0.1', int(sys.argv[1]), context=ctx)
c.request('GET', '/warm'); c.getresponse().read()
t = time.process_time()
for i in range(int(sys.argv[2])):
    c.request('GET', '/items/%d' % i)
    c.getresponse().read()
print(time.process_time() - t)
`;

/** CPU seconds of the Python client's timed loop. */
function clientCpu(port: number): number {
  const r = spawnSync('/usr/bin/python3', ['-c', CLIENT, String(port), String(requests)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return Number(r.stdout.trim());
}

async function startLoader(env: Record<string, string>): Promise<ChildProcess> {
  const loader = spawn(loaderPath, ['--comm', 'python3', '--no-ssl-discovery'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  await once(loader.stdout!, 'data'); // the ready record: attached from then on
  loader.stdout!.resume();
  return loader;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('needs root (eBPF)');
  // The server runs in its own process: the client runs synchronously here.
  const server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TLS_KEY, TLS_CERT } });
  const port = Number(String((await once(server.stdout!, 'data'))[0]).trim());
  const variants: Array<{ name: string; env: Record<string, string> }> = [
    { name: 'internal', env: {} },
    { name: 'exported', env: { TAPLINE_SSL_PROBES: 'exported' } },
  ];
  const cpu = new Map<string, number[]>();
  const add = (k: string, v: number): void => void cpu.set(k, [...(cpu.get(k) ?? []), v]);
  try {
    for (let r = 0; r < rounds; r++) {
      add('untraced', clientCpu(port));
      for (const v of roundOrder(variants, r)) {
        const loader = await startLoader(v.env);
        try {
          add(v.name, clientCpu(port));
        } finally {
          loader.kill('SIGTERM');
          await once(loader, 'exit');
        }
      }
    }
  } finally {
    server.kill('SIGTERM');
  }
  const min = (xs: number[]): number => Math.min(...xs);
  const perReq = (k: string): number => (min(cpu.get(k)!) * 1e6) / requests;
  const base = perReq('untraced');
  console.log(`python3 https client, ${requests} requests over one keep-alive connection: ${base.toFixed(1)} µs of CPU per request untraced (min of ${rounds})`);
  for (const v of variants) console.log(`  probes on the ${v.name} functions: +${(perReq(v.name) - base).toFixed(1)} µs per request`);
  console.log(`  internal ÷ exported, extra CPU per request: ${((perReq('internal') - base) / (perReq('exported') - base)).toFixed(2)}`);
}

void main().catch((e: unknown) => {
  console.error(`sensor-overhead-libssl: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

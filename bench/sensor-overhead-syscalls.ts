// What the sensor's syscall programs cost the processes it does not copy: every read and write on
// the machine runs them. `dd bs=1` moves /dev/zero to /dev/null one byte at a time (a read and a
// write per byte, nothing for the sensor to copy), and its CPU time (bash's `time`) is compared
// with no loader running and with each loader attached, interleaved in one run. Two processes:
// one without a TCP socket, and one that holds one (bash's /dev/tcp, inherited by dd), which
// the per-process filter cannot skip. And dd writing HTTP requests to a TCP connection, each write
// copied: the run time of the write programs on the path that copies. And Python calling getppid()
// in a loop: what a syscall the sensor does not handle costs once its programs are attached (the
// raw sys_enter/sys_exit programs run for every syscall, the per-syscall tracepoints do not).
//   node --import tsx bench/sensor-overhead-syscalls.ts [--bytes 1000000] [--rounds 3] [--ab REV] [--no-bpf-stats]
// Prints, for each loader, the ns per syscall above the untraced run (CPU time: noisy on a loaded
// machine) and the BPF programs' own run time per syscall (kernel.bpf_stats_enabled, enter + exit
// programs of read and write over the calls dd made: the direct figure). Needs root and bpftool.
// The loaders inherit the environment: `TAPLINE_SYSCALL_HOOKS=raw node --import tsx bench/… --ab REV`
// compares the raw set (this tree) with REV's loader (per-syscall tracepoints before 2d7146a).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { enableBpfStats, loadedProgIds, progDelta, progStats } from './bpf-prog-stats';
import { buildLoaderAt, roundOrder, type LoaderVariant } from './sensor-overhead-ab';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const bytes = arg('bytes', 1_000_000);
const rounds = arg('rounds', 3);
const httpWrites = Math.ceil(bytes / 10);
const root = join(import.meta.dirname ?? __dirname, '..');

/** CPU seconds (user + sys) of one dd run; with `port`, the shell holds a TCP connection to it first. */
function ddCpu(port?: number): number {
  const hold = port ? `exec 3<>/dev/tcp/127.0.0.1/${port}; ` : '';
  const r = spawnSync('bash', ['-c', `${hold}TIMEFORMAT='%3U %3S'; time dd if=/dev/zero of=/dev/null bs=1 count=${bytes} 2>/dev/null`], { encoding: 'utf8' });
  const m = /([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`dd failed: ${r.stderr}`);
  return Number(m[1]) + Number(m[2]);
}

/** CPU seconds of `bytes` getppid() calls (a syscall the sensor has no handler for) from Python. */
function getppidCpu(): number {
  const py = `import os, time\nt = time.process_time()\nfor _ in range(${bytes}): os.getppid()\nprint(time.process_time() - t)`;
  const r = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return Number(r.stdout.trim());
}

/** The programs that run at dd's read and write syscalls: per-syscall tracepoints, or the raw dispatchers. */
const RW_PROGS = /^tl_((enter|exit)_(read|write)|sys_(enter|exit))$/;

/** CPU seconds of dd writing 64-byte HTTP requests to a TCP connection whose server (this process) is not traced: every write is copied. */
function ddHttp(port: number): number {
  const script = `exec 3<>/dev/tcp/127.0.0.1/${port}; yes $'GET /x HTTP/1.1\\r\\nHost: x\\r\\n\\r' | (TIMEFORMAT='%3U %3S'; time dd bs=64 count=${httpWrites} iflag=fullblock >&3 2>/dev/null)`;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
  const m = /([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`dd failed: ${r.stderr}`);
  return Number(m[1]) + Number(m[2]);
}

async function startLoader(path: string): Promise<ChildProcess> {
  // Only dd is traced: the server here (node) is not, so dd's side of its connection is copied.
  const loader = spawn(path, ['--no-ssl', '--comm', 'dd'], { stdio: ['ignore', 'pipe', 'inherit'] });
  // The first frame it writes is the ready record: attached from then on.
  await once(loader.stdout!, 'data');
  loader.stdout!.resume();
  return loader;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('needs root (eBPF)');
  const variants: LoaderVariant[] = [{ name: 'worktree', path: join(root, 'sensor', 'bpf', 'build', 'tapline-loader') }];
  const abArg = process.argv.indexOf('--ab');
  const ab = abArg >= 0 ? buildLoaderAt(root, process.argv[abArg + 1]!) : undefined;
  if (ab) variants.unshift(ab.variant);
  const server = createServer((s) => s.resume()).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const cases = [
    { name: 'no TCP socket', port: undefined },
    { name: 'holding a TCP socket', port },
  ];
  const samples = new Map<string, number[]>();
  /** BPF ns per dd syscall, by case and loader. */
  const bpfNs = new Map<string, number[]>();
  // The counting costs every program run two clock reads: --no-bpf-stats leaves it off, for CPU
  // figures without it (the raw dispatchers run at every syscall, so they pay it far more often).
  const noStats = process.argv.includes('--no-bpf-stats');
  const restoreStats = noStats ? undefined : await enableBpfStats();
  if (noStats && readFileSync('/proc/sys/kernel/bpf_stats_enabled', 'utf8').trim() !== '0') console.log('note: kernel.bpf_stats_enabled is on (another session): the CPU figures include the counting');
  const otherRuns: number[] = [];
  const add = (key: string, v: number): void => void samples.set(key, [...(samples.get(key) ?? []), v]);
  try {
    for (let r = 0; r < rounds; r++) {
      for (const c of cases) add(`${c.name}|untraced`, ddCpu(c.port));
      add('getppid|untraced', getppidCpu());
      add('copied|untraced', ddHttp(port));
      for (const v of roundOrder(variants, r)) {
        const existing = loadedProgIds();
        const loader = await startLoader(v.path);
        try {
          for (const c of cases) {
            const before = progStats(existing);
            add(`${c.name}|${v.name}`, ddCpu(c.port));
            const progs = progDelta(before, progStats(existing)).filter((p) => RW_PROGS.test(p.name));
            const ns = progs.reduce((n, p) => n + p.ns, 0);
            const runs = progs.reduce((n, p) => n + p.runs, 0);
            bpfNs.set(`${c.name}|${v.name}`, [...(bpfNs.get(`${c.name}|${v.name}`) ?? []), ns / (2 * bytes)]);
            // dd's calls run two programs each; the excess is the rest of the machine's calls meanwhile.
            otherRuns.push(runs / (4 * bytes) - 1);
          }
          add(`getppid|${v.name}`, getppidCpu());
          const before = progStats(existing);
          add(`copied|${v.name}`, ddHttp(port));
          const copied = progDelta(before, progStats(existing)).filter((p) => RW_PROGS.test(p.name));
          const key = `copied|${v.name}`;
          bpfNs.set(key, [...(bpfNs.get(key) ?? []), copied.reduce((n, p) => n + p.ns, 0) / httpWrites]);
        } finally {
          loader.kill('SIGTERM');
          await once(loader, 'exit');
        }
      }
    }
  } finally {
    restoreStats?.();
    server.close();
    ab?.cleanup();
  }
  const min = (xs: number[]): number => Math.min(...xs);
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const calls = 2 * bytes;
  for (const c of cases) {
    const base = min(samples.get(`${c.name}|untraced`)!);
    const rows = variants.map((v) => {
      const extra = ((min(samples.get(`${c.name}|${v.name}`)!) - base) * 1e9) / calls;
      const own = bpfNs.get(`${c.name}|${v.name}`)!;
      return `${v.name} +${extra.toFixed(0)} ns` + (noStats ? '' : ` (BPF programs: median ${median(own).toFixed(0)} ns, min ${min(own).toFixed(0)})`);
    });
    console.log(`dd, ${c.name}: ${((base * 1e9) / calls).toFixed(0)} ns per syscall untraced; per syscall with the loader attached: ${rows.join(', ')} (CPU: min of ${rounds} runs each)`);
  }
  {
    const base = min(samples.get('getppid|untraced')!);
    const rows = variants.map((v) => `${v.name} +${(((min(samples.get(`getppid|${v.name}`)!) - base) * 1e9) / bytes).toFixed(0)} ns`);
    console.log(`python3 getppid() (no handler): ${((base * 1e9) / bytes).toFixed(0)} ns per call untraced (Python's loop included); per call with the loader attached: ${rows.join(', ')} (CPU: min of ${rounds} runs each)`);
  }
  {
    const base = min(samples.get('copied|untraced')!);
    const rows = variants.map((v) => `${v.name} +${(((min(samples.get(`copied|${v.name}`)!) - base) * 1e9) / httpWrites).toFixed(0)} ns` + (noStats ? '' : ` (BPF programs: median ${median(bpfNs.get(`copied|${v.name}`)!).toFixed(0)} ns)`));
    console.log(`dd writing HTTP to a traced TCP connection (64 B a write, copied; dd's reads of its pipe included): ${((base * 1e9) / httpWrites).toFixed(0)} ns per write untraced; per write with the loader attached: ${rows.join(', ')} (CPU: min of ${rounds} runs each)`);
  }
  if (!noStats) console.log(`other processes' read/write program runs during dd's, per dd syscall: median ${median(otherRuns).toFixed(3)} (they inflate the BPF figures alike for every loader)`);
}

void main().catch((e: unknown) => {
  console.error(`sensor-overhead-syscalls: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

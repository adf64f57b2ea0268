// The kernel side of the sensor's cost, program by program: with kernel.bpf_stats_enabled the
// kernel counts each BPF program's runs and run time (`bpftool prog show`, run_cnt and
// run_time_ns). bench/sensor-overhead.ts takes a snapshot of the loader's programs before and
// after a traced run: Debian's bpftool does not name the process holding a program, so the
// loader's are the `tl_` programs that were not loaded before it started. Needs root and
// bpftool. The counting is held on with the bpf(2) command BPF_ENABLE_STATS, whose file
// descriptor keeps it on until closed whatever the sysctl says (another session running this
// benchmark on the same machine puts the sysctl back to 0 when its run ends, which would stop
// the counts in the middle of ours); Debian's python3 makes that one call. Without it, the sysctl is turned on and put back as it was.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const SYSCTL = '/proc/sys/kernel/bpf_stats_enabled';

export interface ProgStats {
  name: string;
  runs: number;
  ns: number;
}

/** Holds BPF_ENABLE_STATS (cmd 32, type BPF_STATS_RUN_TIME) open until its stdin closes. */
const HOLD_STATS = `
import ctypes, sys
attr = ctypes.create_string_buffer(128)  # union bpf_attr, .enable_stats.type = 0
fd = ctypes.CDLL(None, use_errno=True).syscall(321, 32, attr, 128)
print(fd, ctypes.get_errno(), flush=True)
sys.stdin.read()
`;

/** Turns the counting on (and holds it on); returns how to end that, or undefined when it cannot. */
export async function enableBpfStats(): Promise<(() => void) | undefined> {
  const holder = spawn('/usr/bin/python3', ['-c', HOLD_STATS], { stdio: ['pipe', 'pipe', 'ignore'] });
  const fd = await new Promise<number>((resolve) => {
    holder.once('error', () => resolve(-1));
    holder.stdout.once('data', (d: Buffer) => resolve(Number(String(d).split(' ')[0])));
  });
  if (fd >= 0) return () => holder.stdin.end();
  holder.kill();
  return sysctlStats();
}

function sysctlStats(): (() => void) | undefined {
  let before: string;
  try {
    before = readFileSync(SYSCTL, 'utf8').trim();
    if (before !== '1') writeFileSync(SYSCTL, '1');
  } catch {
    return undefined;
  }
  return () => {
    if (before !== '1') writeFileSync(SYSCTL, before);
  };
}

interface BpftoolProg {
  id: number;
  name?: string;
  run_cnt?: number;
  run_time_ns?: number;
}

function loaded(): BpftoolProg[] {
  const r = spawnSync('bpftool', ['prog', 'show', '-j'], { encoding: 'utf8' });
  if (r.status !== 0) return [];
  try {
    return JSON.parse(r.stdout) as BpftoolProg[];
  } catch {
    return [];
  }
}

/** Ids of the programs loaded now (taken before the loader starts). */
export function loadedProgIds(): Set<number> {
  return new Set(loaded().map((p) => p.id));
}

/** Cumulative counts of the sensor's programs loaded since `before`, by program id; empty without bpftool. */
export function progStats(before: ReadonlySet<number>): Map<number, ProgStats> {
  const out = new Map<number, ProgStats>();
  for (const p of loaded()) {
    if (before.has(p.id) || !p.name?.startsWith('tl_')) continue;
    out.set(p.id, { name: p.name, runs: p.run_cnt ?? 0, ns: p.run_time_ns ?? 0 });
  }
  return out;
}

/** What ran between two snapshots, by program name (a name loaded twice is summed), most costly first. */
export function progDelta(before: Map<number, ProgStats>, after: Map<number, ProgStats>): ProgStats[] {
  const byName = new Map<string, ProgStats>();
  for (const [id, a] of after) {
    const b = before.get(id);
    const runs = a.runs - (b?.runs ?? 0);
    const ns = a.ns - (b?.ns ?? 0);
    if (runs <= 0) continue;
    const sum = byName.get(a.name) ?? { name: a.name, runs: 0, ns: 0 };
    sum.runs += runs;
    sum.ns += ns;
    byName.set(a.name, sum);
  }
  return [...byName.values()].sort((x, y) => y.ns - x.ns);
}

// What one uprobe hit costs on this kernel, by the kind of instruction it sits on: the kernel
// emulates a few (push, jumps, calls) and single-steps every other one out of line, which takes
// a second trap. The Go TLS probes (sensor/bpf/go-tls.bpf.h) are placed by this difference.
// A small C function is called in a loop, unprobed and then with one perf uprobe at a time on
// its `push rbp`, its `je`, a `mov`, its `pop rbp` and its `ret`; each line prints the CPU per
// call above the unprobed loop and its ratio to the `je` probe, measured in the same run.
// Needs root, gcc, objdump and perf (Debian linux-perf).
//   node --import tsx bench/uprobe-trap.ts [--calls 200000]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const i = process.argv.indexOf('--calls');
const calls = i >= 0 ? Number(process.argv[i + 1]) : 200_000;

const SOURCE = `#include <stdio.h>
#include <stdlib.h>
#include <time.h>
__attribute__((noinline)) long f(long x) { if (x & 1) return x * 3; return x + 1; }
int main(int argc, char **argv) {
  long n = atol(argv[1]), s = 0;
  struct timespec a, b;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
  for (long i = 0; i < n; i++) s += f(i);
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
  printf("%.1f %ld\\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n, s);
}
`;

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

/** f's instructions (offset from f, mnemonic) as objdump prints them. */
function instructions(binary: string): Array<{ off: number; text: string }> {
  const out: Array<{ off: number; text: string }> = [];
  let start = -1;
  for (const line of run('objdump', ['-d', '--no-show-raw-insn', binary]).split('\n')) {
    const head = /^([0-9a-f]+) <f>:$/.exec(line);
    if (head) start = parseInt(head[1]!, 16);
    else if (start >= 0) {
      const m = /^\s*([0-9a-f]+):\s+(.+)$/.exec(line);
      if (!m) break;
      out.push({ off: parseInt(m[1]!, 16) - start, text: m[2]!.trim() });
    }
  }
  return out;
}

/** ns per call, with a perf uprobe at f+off (or none). */
function nsPerCall(binary: string, off?: number): number {
  if (off === undefined) return Number(run(binary, [String(calls)]).split(' ')[0]);
  run('perf', ['probe', '-q', '-x', binary, `f+${off}`]);
  try {
    return Number(run('perf', ['stat', '-x,', '-o', '/dev/null', '-e', 'probe_m:*', binary, String(calls)]).split(' ')[0]);
  } finally {
    run('perf', ['probe', '-q', '-d', 'probe_m:*']);
  }
}

function main(): void {
  if (process.getuid?.() !== 0) throw new Error('needs root (perf probe)');
  const dir = mkdtempSync(join(tmpdir(), 'tapline-uprobe-'));
  try {
    writeFileSync(join(dir, 'm.c'), SOURCE);
    const binary = join(dir, 'm');
    run('gcc', ['-O0', '-fcf-protection=none', '-o', binary, join(dir, 'm.c')]);
    const insns = instructions(binary);
    const pick = (re: RegExp): { off: number; text: string } => {
      const found = insns.find((x) => re.test(x.text));
      if (!found) throw new Error(`no ${re} in f`);
      return found;
    };
    const sites = [pick(/^push\s+%rbp/), pick(/^je\s/), pick(/^mov\s+%rdi,/), pick(/^pop\s+%rbp/), pick(/^ret/)];
    const bare = nsPerCall(binary);
    const cost = sites.map((s) => ({ ...s, ns: nsPerCall(binary, s.off) - bare }));
    const je = cost[1]!.ns;
    console.log(`unprobed: ${bare.toFixed(1)} ns per call (${calls} calls)`);
    for (const c of cost) console.log(`uprobe on ${c.text.split(/\s+/)[0]!.padEnd(5)} (f+${c.off}): ${(c.ns / 1000).toFixed(2)} µs per hit, ${(c.ns / je).toFixed(1)}× the je probe`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();

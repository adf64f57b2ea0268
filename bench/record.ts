// Writes docs/performance.md from the log of one `scripts/bench.sh` run: the machine, the date,
// the command, every TARGET line as a table row, and the benchmarks' own output.
//   node --import tsx bench/record.ts LOG COMMAND
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';

const [logPath, ...command] = process.argv.slice(2);
if (!logPath) throw new Error('usage: bench/record.ts LOG COMMAND');
const log = readFileSync(logPath, 'utf8');
const rows: string[] = [];
let bench = '';
for (const line of log.split('\n')) {
  const section = /^== (\S+)/.exec(line);
  if (section) bench = section[1]!;
  const target = /^TARGET (.+): (.+?) \(goal (.+)\) (PASS|MISS)$/.exec(line);
  if (target) rows.push(`| ${bench} | ${target[1]} | ${target[2]} | ${target[3]} | ${target[4]} |`);
}
const misses = rows.filter((row) => row.endsWith('MISS |')).length;
const cpu = cpus()[0]?.model ?? 'unknown CPU';
const doc = `# Performance: one recorded run

Regenerate with \`npm run bench -- --record\` (root, for the eBPF rows). Every figure is a ratio or a
CPU count against a baseline measured in the same run; absolute rates move a lot between runs on
these shared machines. What limits a missed target, and what would fix it, is in the section below
the table.

- Machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}
- Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC
- Command: \`${command.join(' ') || 'bash scripts/bench.sh'}\`
- Result: ${rows.length - misses} PASS, ${misses} MISS

| benchmark | figure | value | target | |
|---|---|---|---|---|
${rows.join('\n')}

## Misses: what limits them

${readFileSync(new URL('./misses.md', import.meta.url), 'utf8').trim()}

## The run's output

\`\`\`text
${log.trim()}
\`\`\`
`;
writeFileSync(new URL('../docs/performance.md', import.meta.url), doc);
console.log(`docs/performance.md: ${rows.length} figures, ${misses} missed`);

import process from 'node:process';

// Preloaded into a child process by bench/har-stream.ts: prints the process's peak resident set
// size and CPU time on exit, in lines the benchmark reads back (`--import ./bench/max-rss-preload.mjs`).
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(`TAPLINE_MAX_RSS_KB ${usage.maxRSS}\nTAPLINE_CPU_US ${usage.userCPUTime + usage.systemCPUTime}\n`);
});

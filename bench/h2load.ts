// HTTP/2 load for bench/sensor-overhead.ts: nghttp2's `h2load` (Debian nghttp2-client), the
// HTTP/2 counterpart of wrk, pinned to CPU 1. One stream at a time per connection (-m 1), like
// wrk's keep-alive connections, so the two rows compare the same request pattern. Latency comes
// from its per-request log (microseconds), since its summary has no percentiles.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LoadResult {
  rps: number;
  p99Ms: number;
}

export function h2load(url: string, connections: number, durationS: number): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tapline-h2load-'));
  const log = join(dir, 'requests.log');
  const args = ['-c', '1', 'h2load', '-t', '1', '-c', String(connections), '-m', '1', '-D', String(durationS), '--log-file', log, url];
  return new Promise<LoadResult>((resolve, reject) => {
    const child = spawn('taskset', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.on('close', (code) => {
      try {
        const rps = Number(/finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(out)?.[1]);
        const failed = Number(/(\d+) failed/.exec(out)?.[1] ?? NaN);
        const micros = readFileSync(log, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => Number(l.split('\t')[2]))
          .sort((a, b) => a - b);
        const p99 = (micros[Math.min(micros.length - 1, Math.floor(micros.length * 0.99))] ?? NaN) / 1000;
        if (code !== 0 || failed !== 0 || !Number.isFinite(rps) || !Number.isFinite(p99)) reject(new Error(`h2load failed (exit ${code}):\n${out}`));
        else resolve({ rps, p99Ms: p99 });
      } catch (e) {
        reject(new Error(`h2load left no request log (${e instanceof Error ? e.message : String(e)}):\n${out}`));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

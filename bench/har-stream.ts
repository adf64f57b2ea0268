// Importing a large HAR file: streamed (the engine's "Import HAR…": core's reader in 1 MiB chunks
// into the bounded inventory) against the baseline of reading it whole (text, then JSON.parse),
// measured in the same run on the same generated file.
//   node --import tsx bench/har-stream.ts [megabytes=200]
// Prints the peak heap of each (sampled after every chunk, garbage included, and once the whole
// text is parsed), what the streamed import retains after full collections (the bounded inventory
// and the reader), and the ratio of the peaks; the target is the streamed peak at most a tenth of
// the whole-file peak.
import { readFileSync, rmSync, statSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { importFile } from '../server/src/engine/file-import';
import { Traffic } from '../server/src/engine/traffic';
import { writeBigHar } from '../test/support/big-har';
import { reportTarget } from './target';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MB = 1e6;

async function main(): Promise<void> {
  const megabytes = Number(process.argv[2] ?? 200);
  const dir = mkdtempSync(join(tmpdir(), 'tapline-bench-har-'));
  const file = join(dir, 'big.har');
  try {
    const entries = writeBigHar(file, megabytes * MB);
    const size = statSync(file).size;
    console.log(`${(size / MB).toFixed(0)} MB HAR, ${entries} entries`);

    gc();
    const base = process.memoryUsage().heapUsed;
    let streamedPeak = 0;
    let retained = 0;
    let reports = 0;
    const traffic = new Traffic();
    let started = process.cpuUsage();
    const result = await importFile(traffic, file, {
      begin: () => undefined,
      report: () => {
        streamedPeak = Math.max(streamedPeak, process.memoryUsage().heapUsed - base);
        // Every 20 MiB, what survives a full collection: the inventory and the reader's state.
        if (++reports % 20 !== 0) return;
        gc();
        retained = Math.max(retained, process.memoryUsage().heapUsed - base);
      },
      done: () => undefined,
    });
    const streamedCpu = process.cpuUsage(started);
    if (!result.ok || result.imported !== entries) throw new Error(`import failed: ${JSON.stringify(result)}`);
    traffic.dispose();
    console.log(`streamed: peak heap growth ${(streamedPeak / MB).toFixed(1)} MB (garbage included), at most ${(retained / MB).toFixed(1)} MB retained, CPU ${((streamedCpu.user + streamedCpu.system) / 1e6).toFixed(1)} s`);

    gc();
    const base2 = process.memoryUsage().heapUsed;
    started = process.cpuUsage();
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { log: { entries: unknown[] } };
    const wholePeak = process.memoryUsage().heapUsed - base2;
    const wholeCpu = process.cpuUsage(started);
    console.log(`whole (baseline): ${doc.log.entries.length} entries, heap growth ${(wholePeak / MB).toFixed(1)} MB, CPU ${((wholeCpu.user + wholeCpu.system) / 1e6).toFixed(1)} s (parse only)`);
    reportTarget('HAR import, streamed peak heap / whole-file peak heap', streamedPeak / wholePeak, { atMost: 0.1 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();

// Importing a large HAR file: streamed (the engine's "Import HAR…": core's reader in 1 MiB chunks
// into the bounded inventory) against the baseline of reading it whole (text, then JSON.parse),
// measured in the same run on the same generated file.
//   node --import tsx bench/har-stream.ts [megabytes=200] [cli-megabytes=300]
// Prints the peak heap of each (sampled after every chunk, garbage included, and once the whole
// text is parsed), what the streamed import retains after full collections (the bounded inventory
// and the reader), and the ratio of the peaks; the target is the streamed peak at most a tenth of
// the whole-file peak.
// Then `tapline diff` itself, as a child process per file: its peak RSS on a file of cli-megabytes
// against the same on a file a tenth that size, run after run — HAR, NDJSON transactions and an
// nginx JSON access log (a third of the size: its lines are short, so it has the most transactions
// per MB). Bounded memory means flat: the target is the large file's peak at most 1.25× the small's.
// And the CPU the streamed parse costs: core's HAR reader (1 MiB chunks, each entry a Transaction)
// against reading the file whole (readFileSync, JSON.parse, the same entryToTransaction per entry),
// old and new interleaved twice on the same file; the target is at most 1.5× (docs/findings.md:
// 2.1–2.4× with @streamparser/json, which looked at every byte in JavaScript; the byte scan of
// core/src/importers/har-entries.ts replaced it).
import { createReadStream, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { entryToTransaction } from '../core/src/har/har-import';
import { createTrafficReader } from '../core/src/importers/traffic-reader';
import { importFile } from '../server/src/engine/file-import';
import { Traffic } from '../server/src/engine/traffic';
import { writeBigHar } from '../test/support/big-har';
import { writeBigLog } from '../test/support/big-log';
import { cliPeakRss } from './cli-rss';
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
    await parseCpu(file, entries);
    cliRuns(dir, Number(process.argv[3] ?? 300));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

/** Both ways of turning the file into transactions, interleaved: CPU seconds of each, summed over the rounds. */
async function parseCpu(file: string, entries: number): Promise<void> {
  let whole = 0;
  let streamed = 0;
  for (let round = 0; round < 2; round++) {
    gc();
    let started = process.cpuUsage();
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { log: { entries: unknown[] } };
    let made = 0;
    doc.log.entries.forEach((e, i) => (made += 'tx' in entryToTransaction(e, `$.log.entries[${i}]`, `w-${i}`, 'import') ? 1 : 0));
    whole += cpuSeconds(started);
    gc();
    started = process.cpuUsage();
    let count = 0;
    const reader = createTrafficReader('har', { transaction: () => count++, skipped: () => undefined }, 's');
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) reader.write(chunk as Uint8Array);
    reader.end();
    streamed += cpuSeconds(started);
    if (made !== entries || count !== entries) throw new Error(`parsed ${made} whole and ${count} streamed of ${entries} entries`);
  }
  console.log(`parse to transactions, 2 rounds interleaved: whole file ${whole.toFixed(1)} s CPU, streamed ${streamed.toFixed(1)} s CPU`);
  reportTarget('HAR import CPU, streamed reader / whole-file JSON.parse (both to transactions)', streamed / whole, { atMost: 1.5 });
}

/** `tapline diff` on a small and a 10× larger file of each kind: peak RSS should not grow with the file. */
function cliRuns(dir: string, megabytes: number): void {
  const kinds = [
    { name: 'HAR', flag: '--har', mb: megabytes, write: (f: string, bytes: number) => writeBigHar(f, bytes) },
    { name: 'NDJSON', flag: '--log', mb: megabytes, write: (f: string, bytes: number) => writeBigLog(f, 'ndjson', bytes) },
    { name: 'nginx log', flag: '--log', mb: Math.max(3, megabytes / 3), write: (f: string, bytes: number) => writeBigLog(f, 'nginx', bytes) },
  ];
  for (const kind of kinds) {
    const peaks: number[] = [];
    for (const size of [kind.mb / 10, kind.mb]) {
      const file = join(dir, `cli-${kind.name.replace(/\W/g, '')}-${size}.traffic`);
      const count = kind.write(file, size * MB);
      const run = cliPeakRss(['diff', '--spec', 'test/fixtures/workspaces/petstore/openapi.yaml', kind.flag, file, '--format', 'json', '--fail-on', 'none']);
      rmSync(file, { force: true });
      console.log(`tapline diff ${kind.flag} (${kind.name}): ${size.toFixed(0)} MB, ${count} transactions, ${run.findings} findings, peak RSS ${(run.rssBytes / MB).toFixed(0)} MB (${(run.rssBytes / (size * MB)).toFixed(2)} × the file), CPU ${run.cpuSeconds.toFixed(1)} s`);
      peaks.push(run.rssBytes);
    }
    reportTarget(`tapline diff ${kind.flag} (${kind.name}), peak RSS of a 10× larger file / of the smaller one`, peaks[1]! / peaks[0]!, { atMost: 1.25 });
  }
}

void main();

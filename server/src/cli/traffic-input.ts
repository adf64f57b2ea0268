// `tapline diff --har <file>` / `--log <file>`: the traffic file read in chunks through core's
// streaming readers (never whole: a HAR file of hundreds of MB costs one entry at a time), with
// progress on stderr for large files. Each transaction goes to the sink as a bounded copy (bodies up
// to CLI_BODY_BYTES; larger ones are marked truncated and their schemas not checked) as soon as it
// is complete; the sink (core's DiffStream or CoverageCounter) keeps what it needs, not the list.
import { boundedCopy } from '../../../core/src/inventory/samples';
import { createTrafficReader, sniffFormat, type TrafficFormat, type TrafficReaderOptions } from '../../../core/src/importers/traffic-reader';
import type { Problem } from '../../../core/src/protocol/check';
import type { Transaction } from '../../../core/src/protocol/transaction';

export const CLI_BODY_BYTES = 256 * 1024;
/** Files from this size on report their progress, at every tenth read. */
export const PROGRESS_FROM_BYTES = 8 * 1024 * 1024;

export interface TrafficIo {
  readFile(path: string): string | undefined;
  /** The file in chunks; undefined when it cannot be opened (then readFile is tried). */
  readChunks?(path: string): { size: number; chunks: AsyncIterable<Uint8Array> } | undefined;
  stderr(text: string): void;
}

const LIMITS = { maxRecentSamples: 0, maxStatusSamples: 0, maxBodyBytes: CLI_BODY_BYTES, maxHeaderBytes: 16 * 1024, minSampleIntervalMs: 0, maxContentTypes: 0, sketchAccuracy: 0.01 };

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

/**
 * `expect` 'har' for --har (a HAR file or an error), 'lines' for --log (NDJSON, nginx, Envoy or
 * Tapline gateway JSON logs). Returns how many transactions went to `sink`, or undefined after an
 * error was printed.
 */
export async function readTraffic(file: string, expect: TrafficFormat, io: TrafficIo, sink: (tx: Transaction) => void, options?: TrafficReaderOptions): Promise<number | undefined> {
  const what = expect === 'har' ? 'HAR file' : 'log file';
  const streamed = io.readChunks?.(file);
  const text = streamed === undefined ? io.readFile(file) : undefined;
  if (streamed === undefined && text === undefined) {
    io.stderr(`tapline: cannot read the ${what} ${file}\n`);
    return undefined;
  }
  let firstSkipped: Problem | undefined;
  const reader = createTrafficReader(expect, {
    transaction: (tx) => sink(boundedCopy(tx, LIMITS)),
    skipped: (p) => (firstSkipped ??= p),
  }, expect === 'har' ? 'har' : 'log', options);
  const fail = (e: unknown): undefined => {
    io.stderr(`tapline: ${file} is not a usable ${what}: ${e instanceof Error ? e.message : String(e)}\n`);
    return undefined;
  };
  try {
    if (streamed === undefined) {
      if (expect === 'har' && sniffFormat(text!.slice(0, 4096)) !== 'har') return fail(new Error('it is not a JSON object with a "log"'));
      reader.write(text!);
    } else {
      let read = 0;
      let nextReport = streamed.size >= PROGRESS_FROM_BYTES ? streamed.size / 10 : Infinity;
      let first = true;
      for await (const chunk of streamed.chunks) {
        if (first && expect === 'har' && sniffFormat(new TextDecoder().decode(chunk.subarray(0, 4096))) !== 'har') return fail(new Error('it is not a JSON object with a "log"'));
        first = false;
        reader.write(chunk);
        read += chunk.length;
        while (read >= nextReport) {
          io.stderr(`tapline: reading ${file}: ${Math.floor((read / streamed.size) * 100)} % (${mb(read)} of ${mb(streamed.size)} MB), ${reader.transactions.toLocaleString('en-US')} transactions\n`);
          nextReport += streamed.size / 10;
        }
      }
    }
    reader.end();
  } catch (e) {
    return fail(e);
  }
  if (reader.skippedCount > 0) {
    const noun = expect === 'har' ? (reader.skippedCount === 1 ? 'HAR entry' : 'HAR entries') : reader.skippedCount === 1 ? 'line' : 'lines';
    io.stderr(`tapline: skipped ${reader.skippedCount} ${noun} (first: ${firstSkipped?.path}: ${firstSkipped?.message})\n`);
  }
  return reader.transactions;
}

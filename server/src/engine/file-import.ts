// "Import HAR…" for a file on the engine's own disk: read in chunks (one reused buffer,
// file-chunks.ts) through core's streaming
// readers (HAR entry by entry, or one JSON per line: NDJSON transactions, nginx/Envoy access logs),
// handed to the traffic as each chunk completes, so the engine never holds the file — only the
// bounded inventory it feeds. Progress goes to the client as LSP work-done progress.
import { fileChunks } from '../file-chunks';
import { stat } from 'node:fs/promises';
import { createTrafficReader, sniffFormat, type TrafficFormat } from '../../../core/src/importers/traffic-reader';
import type { Outcome } from '../../../core/src/messages';
import type { Transaction } from '../../../core/src/protocol/transaction';
import type { Traffic } from './traffic';

export interface ImportProgress {
  begin(title: string): void;
  report(percentage: number, message: string): void;
  done(): void;
}

/** Skipped entries named in the answer; the count says how many there were in all. */
const MAX_SKIPPED_NAMED = 20;

export async function importFile(traffic: Traffic, path: string, progress: ImportProgress): Promise<Outcome<{ imported: number; skipped: string[]; format: TrafficFormat }>> {
  const size = await stat(path).then((s) => (s.isFile() ? s.size : undefined), () => undefined);
  if (size === undefined) return { ok: false, reason: `cannot read ${path}` };
  const name = path.slice(path.lastIndexOf('/') + 1);
  const skipped: string[] = [];
  let skippedCount = 0;
  let batch: Transaction[] = [];
  let reader: ReturnType<typeof createTrafficReader> | undefined;
  let format: TrafficFormat = 'lines';
  let read = 0;
  progress.begin(`Tapline: importing ${name}`);
  try {
    // 1 MiB chunks: one progress report each (the CLI reads 64 KiB and reports every tenth).
    for await (const bytes of fileChunks(path, 1024 * 1024)) {
      if (reader === undefined) {
        format = sniffFormat(new TextDecoder().decode(bytes.subarray(0, 4096)));
        reader = createTrafficReader(format, {
          transaction: (t) => batch.push(t),
          skipped: (p) => {
            if (++skippedCount <= MAX_SKIPPED_NAMED) skipped.push(`${p.path}: ${p.message}`);
          },
        }, `import-${Date.now().toString(36)}`);
      }
      reader.write(bytes);
      read += bytes.length;
      traffic.add(batch);
      batch = [];
      progress.report(Math.floor((read / Math.max(1, size)) * 100), `${(read / 1e6).toFixed(1)} of ${(size / 1e6).toFixed(1)} MB · ${reader.transactions.toLocaleString('en-US')} transactions`);
    }
    reader?.end();
    traffic.add(batch);
  } catch (e) {
    const kind = format === 'har' ? 'a usable HAR file' : 'a usable traffic file';
    return { ok: false, reason: `${name} is not ${kind}: ${e instanceof Error ? e.message : String(e)} (${reader?.transactions ?? 0} transactions before that were imported)` };
  } finally {
    progress.done();
  }
  if (skippedCount > MAX_SKIPPED_NAMED) skipped.push(`… and ${skippedCount - MAX_SKIPPED_NAMED} more`);
  return { ok: true, imported: reader?.transactions ?? 0, skipped, format };
}

// Replays a HAR file's exchanges as if they were being captured now: same protocol, same
// redaction, same counters. For machines without eBPF, for demos, and for tests.
import { readFile } from 'node:fs/promises';
import { formatProblems } from '../../../core/src/protocol/check';
import type { Transaction } from '../../../core/src/protocol/transaction';
import { parseHar } from '../../../core/src/har/har-import';
import type { Redactor } from '../../../core/src/redaction/redactor';
import type { PipelineCounters } from '../pipeline/counters';

export interface ReplayOptions {
  file: string;
  /** Start again from the first entry after the last one. */
  loop: boolean;
  /** Transactions per second; all at once when absent (a loop without a rate plays 10/s). */
  rate?: number;
  idPrefix: string;
  redactor: Redactor;
  counters: PipelineCounters;
  onTransaction: (t: Transaction) => void;
  log: (message: string) => void;
}

export class ReplayError extends Error {}

export class ReplaySource {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private sequence = 0;

  constructor(private readonly opts: ReplayOptions) {}

  /** Loads and checks the file (throws ReplayError with the reasons), then starts playing. */
  async start(): Promise<number> {
    let text: string;
    try {
      text = await readFile(this.opts.file, 'utf8');
    } catch (e) {
      throw new ReplayError(`cannot read ${this.opts.file}: ${(e as Error).message}`);
    }
    const parsed = parseHar(text, { origin: 'replay', idPrefix: this.opts.idPrefix });
    if (!parsed.ok) throw new ReplayError(`${this.opts.file} is not a usable HAR file: ${formatProblems(parsed.problems.slice(0, 5))}`);
    const { transactions, skipped } = parsed.value;
    if (skipped.length > 0) this.opts.log(`replay: skipped ${skipped.length} entries (first: ${formatProblems(skipped.slice(0, 1))})`);
    if (transactions.length === 0) throw new ReplayError(`${this.opts.file} has no HTTP exchanges to replay`);
    const rate = this.opts.rate ?? (this.opts.loop ? 10 : undefined);
    if (rate === undefined) {
      for (const t of transactions) this.emit(t);
    } else {
      let i = 0;
      // Emit in small groups per tick so high rates do not need sub-millisecond timers.
      const tickMs = Math.max(10, Math.round(1000 / rate));
      const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
      this.timer = setInterval(() => {
        for (let n = 0; n < perTick && !this.stopped; n++) {
          if (i >= transactions.length) {
            if (!this.opts.loop) {
              this.stop();
              return;
            }
            i = 0;
          }
          const t = transactions[i++];
          if (t) this.emit(t);
        }
      }, tickMs);
    }
    return transactions.length;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private emit(t: Transaction): void {
    const c = this.opts.counters;
    c.capturedEvents++;
    // Fresh id and time each play: a looped replay must not look like duplicates to the IDE.
    const tx = this.opts.redactor.redact({ ...t, id: `${this.opts.idPrefix}-${(++this.sequence).toString(36)}`, startedAt: Date.now() });
    c.transactions++;
    for (const r of tx.redactions) c.redactions += r.count;
    this.opts.onTransaction(tx);
  }
}

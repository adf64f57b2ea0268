// Traffic files read piece by piece, never whole: a HAR file (its `log.entries` found by a byte
// scan and parsed one entry at a time, har-entries.ts, so a file of hundreds of MB costs one
// entry's memory), or
// one JSON value per line — Tapline transactions (NDJSON), nginx, Envoy or Tapline gateway JSON
// access logs — recognised line by line. Feed it chunks with write() (bytes or text) and call end(); each
// transaction and each line or entry left out (with why) comes out through the callbacks as soon
// as it is complete. Pure: the caller reads the file and decides what to keep.
import { entryToTransaction } from '../har/har-import';
import { Checker, isRecord, type Problem } from '../protocol/check';
import type { Transaction } from '../protocol/transaction';
import { checkTransaction } from '../protocol/validate-transaction';
import { accessLogKind, accessLogToTransaction, gatewayAnswered } from './access-log';
import { HarEntryScanner } from './har-entries';

export type TrafficFormat = 'har' | 'lines';

export interface TrafficReaderHost {
  transaction(tx: Transaction): void;
  skipped(problem: Problem): void;
}

/** A line longer than this is left out (with a problem) rather than buffered without end. */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

/**
 * The format from the first bytes of a file: a JSON object whose first key is `log` is a HAR
 * file; anything else is read as one JSON value per line.
 */
export function sniffFormat(head: string): TrafficFormat {
  return /^\uFEFF?\s*\{\s*"log"\s*:/.test(head) ? 'har' : 'lines';
}

export interface TrafficReader {
  /** The chunk may be reused by the caller once this returns: what is kept is copied. */
  write(chunk: Uint8Array | string): void;
  /** Flushes the last line; throws (with where) when the file ended inside its JSON. */
  end(): void;
  readonly transactions: number;
  readonly skippedCount: number;
}

export interface TrafficReaderOptions {
  /**
   * Keep the requests a Tapline gateway answered itself (blocked, or refused by nginx): a policy
   * is judged on every request clients sent. Left out by default (as skipped lines, with why):
   * their statuses are the gateway's, not the API's, so a diff would misread them.
   */
  keepGatewayAnswers?: boolean;
}

export function createTrafficReader(format: TrafficFormat, host: TrafficReaderHost, idPrefix: string, options: TrafficReaderOptions = {}): TrafficReader {
  return format === 'har' ? new HarReader(host, idPrefix) : new LineReader(host, idPrefix, options);
}

class HarReader implements TrafficReader {
  transactions = 0;
  skippedCount = 0;
  private readonly scanner: HarEntryScanner;
  private failure: Error | undefined;
  private sawVersion = false;
  private readonly encoder = new TextEncoder();

  constructor(private readonly host: TrafficReaderHost, private readonly idPrefix: string) {
    this.scanner = new HarEntryScanner({
      entry: (value, i) => {
        const r = entryToTransaction(value, `$.log.entries[${i}]`, `${this.idPrefix}-${i}`, 'import');
        if ('problem' in r) this.skip(r.problem);
        else {
          this.transactions++;
          this.host.transaction(r.tx);
        }
      },
      badEntry: (i, message) => this.skip({ path: `$.log.entries[${i}]`, message }),
      version: (value) => {
        this.sawVersion = true;
        if (typeof value === 'string' && !/^1\.[12]$/.test(value)) this.failure ??= new Error(`HAR ${value.slice(0, 16)} is not supported (1.1 or 1.2)`);
      },
    });
  }

  private skip(problem: Problem): void {
    this.skippedCount++;
    this.host.skipped(problem);
  }

  write(chunk: Uint8Array | string): void {
    if (this.failure) throw this.failure;
    try {
      this.scanner.write(typeof chunk === 'string' ? this.encoder.encode(chunk) : chunk);
    } catch (e) {
      this.failure = e instanceof Error ? e : new Error(String(e));
    }
    if (this.failure) throw this.failure;
  }

  end(): void {
    if (this.failure) throw this.failure;
    this.scanner.end();
    if (!this.scanner.sawEntries && !this.sawVersion) throw new Error('not a HAR file: no log.entries');
  }
}

class LineReader implements TrafficReader {
  transactions = 0;
  skippedCount = 0;
  private readonly decoder = new TextDecoder('utf-8');
  private pending = '';
  private line = 0;
  /** Inside a line too long to keep: skip up to its newline. */
  private dropping = false;

  constructor(private readonly host: TrafficReaderHost, private readonly idPrefix: string, private readonly options: TrafficReaderOptions) {}

  write(chunk: Uint8Array | string): void {
    const text = this.pending + (typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true }));
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      const line = text.slice(from, nl);
      from = nl + 1;
      if (this.dropping) this.dropping = false; // the end of a line already left out
      else this.take(line);
    }
    const rest = text.slice(from);
    this.pending = '';
    if (this.dropping) return;
    if (rest.length > MAX_LINE_CHARS) {
      this.line++;
      this.skip(`longer than ${MAX_LINE_CHARS} characters`);
      this.dropping = true;
      return;
    }
    this.pending = rest;
  }

  end(): void {
    const rest = this.pending + this.decoder.decode();
    this.pending = '';
    if (!this.dropping && rest.trim() !== '') this.take(rest);
  }

  private skip(message: string): void {
    this.skippedCount++;
    this.host.skipped({ path: `line ${this.line}`, message });
  }

  private take(raw: string): void {
    this.line++;
    const text = raw.trim();
    if (text === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return this.skip(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!isRecord(value)) return this.skip('not a JSON object');
    if (accessLogKind(value) !== undefined) {
      const answered = this.options.keepGatewayAnswers ? undefined : gatewayAnswered(value);
      if (answered !== undefined) return this.skip(answered);
      const r = accessLogToTransaction(value, `${this.idPrefix}-${this.line}`);
      if ('problem' in r) return this.skip(r.problem);
      this.transactions++;
      return this.host.transaction(r.tx);
    }
    // A Tapline transaction (the sensor's own model), checked like the sensor protocol's.
    const c = new Checker();
    checkTransaction(c, value, `line ${this.line}`);
    if (!c.ok) return this.skip(`neither a transaction nor an nginx, Envoy or Tapline gateway access log record: ${c.problems[0]?.path}: ${c.problems[0]?.message}`);
    this.transactions++;
    this.host.transaction(value as unknown as Transaction);
  }
}

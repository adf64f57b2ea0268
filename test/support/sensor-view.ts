// A WebSocket client of the real sensor for the live tests: every message validated, the
// transactions of the test's own ports kept (other sensors' tests run on this machine at the same
// time), the raw text kept too (to prove a secret never left the sensor), and waits that name
// what they wait for (never sleeps).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import WebSocket from 'ws';
import type { Transaction } from '../../core/src/protocol/transaction';
import { parseSensorMessage } from '../../core/src/protocol/validate-messages';
import type { ProcessVisibility } from '../../core/src/protocol/visibility';
import type { SensorProcess } from './sensor-process';

export class SensorView {
  readonly transactions: Transaction[] = [];
  /** Every message as the sensor sent it. */
  readonly raw: string[] = [];
  visibility: ProcessVisibility[] = [];
  private checks: (() => void)[] = [];

  constructor(
    readonly ws: WebSocket,
    ports: ReadonlySet<number>,
  ) {
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      this.raw.push(text);
      const m = parseSensorMessage(text);
      assert.ok(m.ok, `the sensor sent an invalid message: ${text.slice(0, 500)}`);
      if (m.value.type === 'transactions') this.transactions.push(...m.value.items.filter((x) => ports.has(x.server.port)));
      if (m.value.type === 'visibility') this.visibility = m.value.processes;
      for (const check of this.checks) check();
    });
  }

  /** Connects with the sensor's token; resolves once the socket is open. */
  static async open(sensor: SensorProcess, ports: ReadonlySet<number>): Promise<SensorView> {
    const ws = new WebSocket(sensor.url, { headers: { Authorization: `Bearer ${sensor.token}` } });
    const view = new SensorView(ws, ports);
    await once(ws, 'open');
    return view;
  }

  until(what: string, done: () => boolean, ms = 20_000): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.checks = this.checks.filter((c) => c !== check);
        reject(new Error(`timed out after ${ms / 1000} s waiting for ${what}; transactions: ${JSON.stringify(this.transactions.map(brief))}; visibility: ${JSON.stringify(this.visibility.slice(0, 50))}`));
      }, ms);
      const check = (): void => {
        if (!done()) return;
        clearTimeout(timer);
        this.checks = this.checks.filter((c) => c !== check);
        resolve();
      };
      this.checks.push(check);
    });
  }

  /** Waits until a transaction with this path arrived (the last exchange of a test's sequence). */
  untilPath(path: string, ms?: number): Promise<void> {
    return this.until(`a transaction for ${path}`, () => this.transactions.some((x) => x.request.path === path), ms);
  }

  of(pid: number | undefined): ProcessVisibility | undefined {
    return this.visibility.find((p) => p.pid === pid);
  }

  close(): void {
    this.ws.close();
  }
}

/** "METHOD path status vVERSION tls=…": what the live tests compare. */
export function brief(x: Transaction): string {
  return `${x.request.method} ${x.request.path} ${x.response?.status ?? '-'} v${x.httpVersion} tls=${x.tls}`;
}

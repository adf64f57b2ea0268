// `tapline diff --sensor`: traffic from a live sensor, through the engine's own connection code
// (SensorHub: validation of every message, backoff, heartbeat deadline), so that a CI job sees
// what the editor sees. Collects transactions until `count` arrived or `timeoutMs` passed.
import type { Transaction } from '../../../core/src/protocol/transaction';
import { SensorHub } from '../engine/sensor-hub';

export interface SensorCapture {
  transactions: Transaction[];
  /** The sensor's state when collection stopped, e.g. "live (node-1, ebpf)" or "retrying in 2 s: the sensor refused the token (401)". */
  detail: string;
  live: boolean;
}

export function collectFromSensor(url: string, token: string, count: number, timeoutMs: number, log: (line: string) => void): Promise<SensorCapture> {
  return new Promise((resolve) => {
    const transactions: Transaction[] = [];
    let everLive = false;
    // A sensor that slows down refused tokens may still be answering the next attempt when time
    // runs out: the last attempt's failure is what the user needs to read then.
    let lastFailure: string | undefined;
    const finish = (): void => {
      clearTimeout(timer);
      const status = hub.statuses()[0];
      hub.dispose();
      const detail = status?.detail ?? 'not connected';
      const withFailure = status?.state === 'connecting' && lastFailure !== undefined ? `${detail}; the previous attempt: ${lastFailure}` : detail;
      resolve({ transactions, detail: withFailure, live: everLive });
    };
    const hub = new SensorHub({
      transactions: (items) => {
        transactions.push(...items.slice(0, count - transactions.length));
        if (transactions.length >= count) finish();
      },
      changed: () => {
        const status = hub.statuses()[0];
        if (status?.state === 'live') everLive = true;
        if (status?.state === 'retrying' || status?.state === 'failed') lastFailure = status.detail;
      },
      log: (_level, line) => log(line),
    });
    const timer = setTimeout(finish, timeoutMs);
    hub.set([{ url, token, name: 'sensor' }]);
  });
}

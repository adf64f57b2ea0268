// A desynchronised connection as a `desync` event of tapline/1: who sent it (client and server
// address:port, from the connection's role), the rule, and the first bytes — redacted with the
// transactions' rules, then escaped to printable text. Bounded: at most `maxPerSecond` events
// leave per second (an attacker can open connections faster than anyone reads findings); the
// rest are counted only.
import { escapeBytes, type DesyncEvent } from '../../../core/src/protocol/desync';
import { redactRawMessage } from '../../../core/src/redaction/raw-message';
import type { Redactor } from '../../../core/src/redaction/redactor';
import type { Desync } from '../http/parser';
import { normalizeAddress } from './build-transaction';
import type { Connection } from './connection';

/** How many bytes of the offending message an event quotes. */
export const FIRST_BYTES = 512;

export interface DesyncReporterOptions {
  idPrefix: string;
  redactor: Redactor;
  maxPerSecond?: number;
  now?: () => number;
}

export class DesyncReporter {
  private sequence = 0;
  private windowStart = 0;
  private inWindow = 0;
  /** Events not sent because of the per-second budget. */
  suppressed = 0;

  constructor(private readonly opts: DesyncReporterOptions) {}

  /** The event, or undefined when over budget. */
  build(conn: Connection, side: 'request' | 'response', d: Desync): DesyncEvent | undefined {
    const at = (this.opts.now ?? Date.now)();
    if (at - this.windowStart >= 1000) {
      this.windowStart = at;
      this.inWindow = 0;
    }
    if (++this.inWindow > (this.opts.maxPerSecond ?? 100)) {
      this.suppressed++;
      return undefined;
    }
    const t = conn.tuple;
    const local = { address: normalizeAddress(t?.localAddress ?? ''), port: t?.localPort ?? 0 };
    const remote = { address: normalizeAddress(t?.remoteAddress ?? ''), port: t?.remotePort ?? 0 };
    const isServer = (conn.role ?? 'server') === 'server';
    // Redact the whole quote first (a secret cut at the boundary must not half-survive), then cut.
    let redacted: string;
    try {
      redacted = redactRawMessage(this.opts.redactor, d.sample, side);
    } catch {
      redacted = '';
    }
    const quoted = escapeBytes(redacted, FIRST_BYTES);
    const server = isServer ? local : remote;
    // Named as build-transaction.ts names a transaction's service, so the views can put it on the same service.
    const host = /\nhost:[ \t]*([^\r\n]*)/i.exec(d.sample)?.[1]?.trim();
    return {
      id: `${this.opts.idPrefix}-d${(++this.sequence).toString(36)}`,
      at,
      rule: d.rule,
      reason: d.reason,
      side,
      client: isServer ? remote : local,
      server,
      service: host ? escapeBytes(host, 256).text : `${server.address.includes(':') ? `[${server.address}]` : server.address}:${server.port}`,
      process: { pid: conn.pid, comm: conn.comm },
      tls: conn.tls,
      messagesBefore: d.messagesBefore,
      firstBytes: quoted.text,
      firstBytesTruncated: quoted.truncated,
    };
  }
}

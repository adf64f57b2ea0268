// The visibility report (tapline/1 message `visibility`, and /healthz's `visibility` field): per
// traced process, what the sensor can see of its traffic and, when not, why. Documented in
// docs/protocol.md and docs/capture.md.
import type { Checker, JsonRecord } from './check';

/**
 * - `plaintext`: HTTP in the clear on its sockets;
 * - `openssl`: TLS through OpenSSL (a mapped libssl, or linked into the executable), read by uprobes;
 * - `go-tls`: Go's crypto/tls, read by uprobes on crypto/tls.(*Conn).Read/Write;
 * - `unreadable`: TLS through a library the sensor cannot read (see `library` and `reason`);
 * - `unknown`: nothing seen yet and no TLS library found.
 */
export type VisibilityState = 'plaintext' | 'openssl' | 'go-tls' | 'unreadable' | 'unknown';

export const TLS_LIBRARIES = [
  'openssl-dynamic',
  'openssl-static',
  'go-crypto-tls',
  'go-stripped',
  'go-old',
  'go-without-tls',
  'go-unsupported',
  'java-jsse',
  'gnutls',
  'nss',
  'rustls',
  'boringssl',
] as const;
export type TlsLibrary = (typeof TLS_LIBRARIES)[number];

export const VISIBILITY_STATES: readonly VisibilityState[] = ['plaintext', 'openssl', 'go-tls', 'unreadable', 'unknown'];

export interface ProcessVisibility {
  pid: number;
  /** Process name (comm), attacker-influenced: render as text. */
  comm: string;
  state: VisibilityState;
  /** The TLS library found in the process's executable or mappings, when any. */
  library?: TlsLibrary;
  /** The Go version from the executable's build info ("go1.19.8"), for Go programs. */
  goVersion?: string;
  /** One sentence a user can act on. */
  reason: string;
  /** Capture calls seen in the clear and through a TLS library's plaintext, since the sensor started. */
  plaintextCalls: number;
  tlsCalls: number;
}

/** sensor → client: after hello and whenever the report changes (at most about once a second). */
export interface VisibilityMessage {
  type: 'visibility';
  at: number;
  processes: ProcessVisibility[];
}

/** The sensor reports at most this many processes (the busiest first). */
export const MAX_VISIBILITY_PROCESSES = 2000;

export function checkVisibility(c: Checker, m: JsonRecord): void {
  c.number(m, 'at', '$', { min: 0 });
  const items = c.array(m.processes, '$.processes', MAX_VISIBILITY_PROCESSES);
  items?.forEach((item, i) => {
    const path = `$.processes[${i}]`;
    const p = c.record(item, path);
    if (!p) return;
    c.number(p, 'pid', path, { integer: true, min: 0 });
    c.string(p, 'comm', path, { max: 64 });
    c.oneOf(p, 'state', path, VISIBILITY_STATES);
    c.oneOf(p, 'library', path, TLS_LIBRARIES, { optional: true });
    c.string(p, 'goVersion', path, { optional: true, max: 64 });
    c.string(p, 'reason', path, { max: 1024 });
    c.number(p, 'plaintextCalls', path, { integer: true, min: 0 });
    c.number(p, 'tlsCalls', path, { integer: true, min: 0 });
  });
}

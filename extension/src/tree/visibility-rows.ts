// The Sensors view's children of a sensor: one row per traced process from its visibility report
// (what the sensor can see of that process's traffic, and why not). vscode-free, so that the
// wording is unit-tested; process names come from the traced machine and stay plain text.
import type { SensorStatus } from '../../../core/src/messages';
import type { ProcessVisibility, VisibilityState } from '../../../core/src/protocol/visibility';

export interface VisibilityRow {
  id: string;
  label: string;
  description: string;
  tooltip: string;
  /** A codicon id. */
  icon: string;
}

const STATE_LABEL: Record<VisibilityState, string> = {
  plaintext: 'plaintext: seen',
  openssl: 'TLS (OpenSSL): seen',
  'go-tls': 'TLS (Go crypto/tls): seen',
  unreadable: 'TLS: cannot be read',
  unknown: 'nothing seen yet',
};

const STATE_ICON: Record<VisibilityState, string> = {
  plaintext: 'eye',
  openssl: 'lock',
  'go-tls': 'lock',
  unreadable: 'eye-closed',
  unknown: 'question',
};

/** Unreadable processes first (they are why traffic is missing), then by name. */
export function visibilityRows(s: SensorStatus): VisibilityRow[] {
  const rank = (p: ProcessVisibility): number => (p.state === 'unreadable' ? 0 : 1);
  return [...(s.visibility ?? [])]
    .sort((a, b) => rank(a) - rank(b) || a.comm.localeCompare(b.comm) || a.pid - b.pid)
    .map((p) => ({
      id: `${s.url}#pid:${p.pid}`,
      label: `${p.comm} (${p.pid})`,
      description: STATE_LABEL[p.state],
      tooltip: [`${p.comm} (pid ${p.pid})`, p.reason, p.goVersion ? `Go ${p.goVersion}` : '', `${p.plaintextCalls} plaintext and ${p.tlsCalls} TLS calls seen`].filter(Boolean).join('\n'),
      icon: STATE_ICON[p.state],
    }));
}

/** The sensor row's summary, e.g. "2 processes unreadable"; empty when all are visible. */
export function visibilitySummary(s: SensorStatus): string {
  const n = (s.visibility ?? []).filter((p) => p.state === 'unreadable').length;
  return n === 0 ? '' : `${n} process${n === 1 ? '' : 'es'} unreadable`;
}

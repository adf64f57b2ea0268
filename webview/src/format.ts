// Number and time formatting for the panel; fixed to en-US digits so screenshots and tests agree.
import type { SpecState } from './model';

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms === 0) return '0 ms';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Local wall-clock time with milliseconds: what a stream reader compares. */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function formatDateTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${formatClock(epochMs).slice(0, 8)}`;
}

/** Short labels for the spec-state badge. */
export const SPEC_LABEL: Record<SpecState, string> = {
  documented: 'documented',
  undocumented: 'undocumented',
  mismatching: 'mismatch',
  unused: 'unused',
  unknown: '—',
  grpc: 'gRPC',
};

/** ` · coverage 66 % (Swagger Petstore)` for the header, or '' without specs; one spec per part. */
export function coverageText(specs: readonly { title: string; total: { operations: number; exercised: number } }[]): string {
  const parts = specs.map((s) => `${s.total.operations === 0 ? 100 : Math.floor((s.total.exercised / s.total.operations) * 100)} % of ${s.title}`);
  return parts.length === 0 ? '' : ` · coverage ${parts.join(', ')}`;
}

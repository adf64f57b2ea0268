// DiffFinding (rich, with fix data) → the shared wire `Finding` of core/src/messages.

import type { Finding, FindingSeverity as WireSeverity } from '../messages/finding';
import { fixTitle } from '../patch/plan';
import type { DiffFinding, FindingSeverity } from './finding';

const WIRE_SEVERITY: Record<FindingSeverity, WireSeverity> = { error: 'error', warning: 'warning', info: 'information', hint: 'hint' };

export function toWireSeverity(s: FindingSeverity): WireSeverity {
  return WIRE_SEVERITY[s];
}

export function toFinding(d: DiffFinding): Finding {
  return {
    id: d.id,
    code: d.code,
    severity: WIRE_SEVERITY[d.severity],
    message: d.message,
    method: d.method,
    path: d.path,
    service: d.service,
    location: d.location ? { uri: d.location.uri, range: d.location.range } : undefined,
    fixes: d.fixes.map((f) => ({ title: fixTitle(f), kind: f.kind })),
  };
}

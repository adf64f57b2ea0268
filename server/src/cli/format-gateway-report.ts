// The policy report (`tapline gateway … --har`): text for people, JSON for CI.

import { logReason } from '../../../core/src/gateway/decide';
import type { PolicyReport } from '../../../core/src/gateway/policy-report';
import { sanitize } from './format-text';

/** `judged`: what the requests are — every one of a recording (the CLI), or what the engine holds. */
export function formatPolicyReport(report: PolicyReport, format: 'text' | 'json', judged = 'recorded request(s)'): string {
  if (format === 'json') {
    return JSON.stringify({
      mode: report.mode,
      allowed: report.allowed,
      blocked: report.blocked,
      flagged: report.flagged,
      endpoints: report.endpoints,
      requests: report.requests.map((r) => ({
        index: r.index, id: r.id, method: r.method, target: r.target, clientIp: r.clientIp,
        ...(r.observedStatus !== undefined ? { observedStatus: r.observedStatus } : {}),
        decision: r.verdict.decision,
        ...(r.verdict.reason ? { reason: logReason(r.verdict), status: r.verdict.status } : {}),
        ...(r.verdict.operation ? { operation: r.verdict.operation } : {}),
        ...(r.undecidable.length > 0 ? { undecidable: r.undecidable } : {}),
      })),
    }, null, 2) + '\n';
  }
  const lines = [`Policy (${report.mode} mode) against ${report.requests.length} ${judged}: ${report.allowed} allowed, ${report.blocked} ${report.mode === 'enforce' ? 'blocked' : 'would be blocked'}.`];
  for (const e of report.endpoints) {
    const blocked = Object.entries(e.blocked).map(([why, n]) => `${n} ${why}`).join(', ');
    lines.push(`${e.flags.length > 0 ? '!' : ' '} ${sanitize(e.endpoint)}${e.documented ? '' : ' (undocumented)'}: ${e.requests} request(s), ${e.allowed} allowed${blocked ? `, blocked: ${blocked}` : ''}`);
    for (const f of e.flags) lines.push(`    documented, but blocked: ${sanitize(f)}`);
  }
  const undecidable = report.requests.filter((r) => r.undecidable.length > 0).length;
  if (undecidable > 0) lines.push(`${undecidable} request(s) had a header the sensor redacted, so header/JWT blocks on them could not be judged (they count as not blocked).`);
  lines.push(report.flagged.length === 0 ? 'No documented operation would be blocked.' : `${report.flagged.length} documented operation(s) would be blocked: the description or the policy is wrong.`);
  return lines.join('\n') + '\n';
}

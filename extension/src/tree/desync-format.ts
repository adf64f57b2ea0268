// How the Endpoints view words a service's request-smuggling attempts (vscode-free, unit-tested).
// Every string in a ServiceDesyncs comes from traffic: it goes into plain-text labels and
// tooltips only, never into markdown or HTML.
import type { ServiceDesyncs } from '../../../core/src/messages';

export function describeDesyncs(d: ServiceDesyncs): { description: string; tooltip: string } {
  const attempts = d.count === 1 ? '1 smuggling attempt' : `${d.count} smuggling attempts`;
  const bytes = d.latest.firstBytes.length > 200 ? `${d.latest.firstBytes.slice(0, 200)}…` : d.latest.firstBytes;
  return {
    description: `⚠ ${attempts}`,
    tooltip: [
      `Request-smuggling attempts: ${d.count} (rules: ${d.rules.join(', ')})`,
      `Clients: ${d.clients.join(', ')}`,
      `Latest: ${d.latest.client} at ${new Date(d.latest.at).toISOString()}, ${d.latest.rule}: ${d.latest.reason}`,
      `First bytes (redacted): ${bytes}`,
      'Strict HTTP servers reject or frame these bytes differently; the sensor derived no transactions from those connections after them.',
    ].join('\n'),
  };
}

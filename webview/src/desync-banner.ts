// The Explorer's warning about request-smuggling attempts, one line per service: how many, which
// rules, which clients, and the latest attempt's redacted first bytes. Text bindings only: every
// string here comes from traffic.
import { html, nothing, type TemplateResult } from 'lit';
import type { ServiceDesyncs } from '../../core/src/messages/desync-summary';

export function desyncBanner(services: readonly ServiceDesyncs[]): TemplateResult | typeof nothing {
  if (services.length === 0) return nothing;
  return html`<div class="desyncs" role="status" aria-label="Request-smuggling attempts">
    <strong>Request-smuggling attempts</strong>
    <span class="muted">strict HTTP servers reject or frame these requests differently; no transactions were derived from those connections after them</span>
    <ul>
      ${services.map(
        (d) => html`<li>
          <span class="service">${d.service}</span>: ${d.count === 1 ? '1 attempt' : `${d.count} attempts`} (${d.rules.join(', ')}) from ${d.clients.join(', ')};
          latest from ${d.latest.client}, ${d.latest.reason}
          <div class="mono first-bytes" title="First bytes, redacted">${d.latest.firstBytes}</div>
        </li>`,
      )}
    </ul>
  </div>`;
}

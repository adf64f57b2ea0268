// One sample transaction: request line, headers and body, then the response's. Everything is
// traffic, so it goes through Lit text bindings only; redaction markers become <mark> elements
// whose content is still text.
import { LitElement, css, html, nothing } from 'lit';
import type { CapturedBody, HttpHeader, Transaction } from '../../core/src/protocol/transaction';
import { displayBody } from './body-text';
import { redactedText } from './redacted-text';
import { formatDateTime, formatMs } from './format';
import { statusClassOf } from './stream';
import { baseStyles } from './styles';

export function headersTable(headers: readonly HttpHeader[], label: string): unknown {
  if (headers.length === 0) return html`<p class="muted">No headers.</p>`;
  return html`<table class="headers mono" aria-label=${label}>
    <tbody>
      ${headers.map((h) => html`<tr><th scope="row">${h.name}</th><td>${redactedText(h.value)}</td></tr>`)}
    </tbody>
  </table>`;
}

function bodyBlock(body: CapturedBody | undefined, label: string): unknown {
  const shown = displayBody(body);
  const notes = shown.notes.length > 0 ? html`<span class="muted notes">${shown.notes.join(' · ')}</span>` : nothing;
  if (shown.kind === 'empty') return html`<div class="body-head"><span class="muted">No body</span>${notes}</div>`;
  return html`<div class="body-head"><span>${label}</span>${notes}</div>
    ${shown.text !== '' ? html`<pre class="body mono ${shown.kind}" tabindex="0" aria-label=${label}>${redactedText(shown.text)}</pre>` : nothing}`;
}

/** `client → server (process)`, leaving out what an import does not know (empty address, port 0). */
function peers(tx: Transaction): string {
  const peer = (p: Transaction['client']): string => (p.address === '' ? '' : p.port > 0 ? `${p.address}:${p.port}` : p.address);
  const client = peer(tx.client);
  const server = peer(tx.server);
  const process = tx.server.process ? ` (${tx.server.process})` : '';
  if (client === '' && server === '') return '';
  return `${client === '' ? '' : `${client} → `}${server === '' ? tx.service : server}${process}`;
}

/** What the sensor removed from this transaction, by kind and place (the values never arrive). */
export function redactionsLine(tx: Transaction): unknown {
  const redactions = tx.redactions.filter((r) => r.count > 0);
  if (redactions.length === 0) return nothing;
  return html`<p class="redactions">${redactions.map((r) => html`<mark class="redacted">${r.kind}</mark> <span class="muted">${r.location}${r.name ? ` ${r.name}` : ''} ×${r.count}</span> `)}</p>`;
}

/** Shared by the HTTP and the gRPC sample views. */
export const sampleStyles = css`
      :host { display: block; }
      .meta { margin: 4px 0 8px; }
      .redactions { margin: 0 0 8px; }
      .pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; }
      section { min-width: 0; }
      h3 { font-size: 1em; font-weight: 600; margin: 0 0 6px; overflow-wrap: anywhere; }
      table.headers { border-collapse: collapse; width: 100%; table-layout: fixed; margin-bottom: 8px; }
      table.headers th { text-align: left; font-weight: normal; color: var(--vscode-descriptionForeground); width: 34%; vertical-align: top; padding: 1px 8px 1px 0; overflow-wrap: anywhere; }
      table.headers td { overflow-wrap: anywhere; padding: 1px 0; }
      .body-head { display: flex; gap: 8px; align-items: baseline; margin: 4px 0; }
      .notes { font-size: 0.9em; }
      pre.body {
        margin: 0;
        padding: 8px;
        font-size: var(--vscode-editor-font-size);
        max-height: 360px;
        overflow: auto;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        background: var(--vscode-textCodeBlock-background);
        border: 1px solid var(--vscode-panel-border);
        border-radius: 2px;
      }
    `;

export class SampleView extends LitElement {
  static override properties = { transaction: { attribute: false } };
  declare transaction: Transaction | undefined;

  constructor() {
    super();
    this.transaction = undefined;
  }

  protected override render(): unknown {
    const tx = this.transaction;
    if (!tx) return html`<p class="empty">No sample selected.</p>`;
    const res = tx.response;
    return html`
      <p class="meta muted">
        ${[formatDateTime(tx.startedAt), formatMs(tx.durationMs), tx.origin, tx.tls ? 'TLS' : '', peers(tx)].filter((part) => part !== '').join(' · ')}
      </p>
      ${redactionsLine(tx)}
      <div class="pair">
        <section aria-label="Request">
          <h3 class="mono"><span class="method ${tx.request.method}">${tx.request.method}</span> <span class="target">${redactedText(tx.request.target)}</span> <span class="muted">HTTP/${tx.httpVersion}</span></h3>
          ${headersTable(tx.request.headers, 'Request headers')}
          ${bodyBlock(tx.request.body, 'Request body')}
        </section>
        <section aria-label="Response">
          ${res
            ? html`<h3 class="mono"><span class="status-${statusClassOf(res.status)}">${res.status}</span> ${res.reason ?? ''}</h3>
                ${headersTable(res.headers, 'Response headers')}
                ${bodyBlock(res.body, 'Response body')}`
            : html`<h3 class="status-none">No response (connection closed first)</h3>`}
        </section>
      </div>`;
  }

  static override styles = [baseStyles, sampleStyles];
}

customElements.define('tapline-sample-view', SampleView);

declare global {
  interface HTMLElementTagNameMap {
    'tapline-sample-view': SampleView;
  }
}

// One gRPC call's sample: its status by name, metadata (request headers and response headers plus
// trailers, as the sensor redacted them) and its messages, decoded by the engine from the
// workspace's .proto files or shown as hex with the reason. All of it is traffic: text only.
import { LitElement, css, html, nothing } from 'lit';
import type { GrpcMessageView, GrpcSampleMessages } from '../../core/src/messages/grpc-detail';
import type { HttpHeader, Transaction } from '../../core/src/protocol/transaction';
import { formatDateTime, formatMs } from './format';
import { redactedText } from './redacted-text';
import { headersTable, redactionsLine, sampleStyles } from './sample-view';
import { baseStyles } from './styles';

/** gRPC metadata is the headers without HTTP/2 pseudo-headers (`:path`, `:status`, …). */
function metadata(headers: readonly HttpHeader[], label: string): unknown {
  const shown = headers.filter((h) => !h.name.startsWith(':'));
  return shown.length === 0 ? html`<p class="muted">No metadata.</p>` : headersTable(shown, label);
}

function message(m: GrpcMessageView, direction: string): unknown {
  const head = `${direction} message ${m.index + 1}${m.typeName ? ` · ${m.typeName}` : ''} · ${m.length} bytes${m.compressed ? ' · compressed' : ''}`;
  if (m.decoded !== undefined) {
    return html`<div class="msg"><div class="body-head">${head}</div><pre class="body mono json" tabindex="0" aria-label=${head}>${redactedText(m.decoded)}</pre></div>`;
  }
  return html`<div class="msg"><div class="body-head">${head} <span class="muted reason">hex: ${m.reason ?? 'not decoded'}</span></div>
    <pre class="body mono hex" tabindex="0" aria-label=${head}>${m.hex ?? ''}</pre></div>`;
}

function messages(list: readonly GrpcMessageView[], direction: string): unknown {
  if (list.length === 0) return html`<p class="muted">No ${direction.toLowerCase()} messages captured.</p>`;
  return list.map((m) => message(m, direction));
}

export class GrpcSampleView extends LitElement {
  static override properties = { transaction: { attribute: false }, messages: { attribute: false } };
  declare transaction: Transaction | undefined;
  declare messages: GrpcSampleMessages | undefined;

  constructor() {
    super();
    this.transaction = undefined;
    this.messages = undefined;
  }

  protected override render(): unknown {
    const tx = this.transaction;
    if (!tx) return html`<p class="empty">No sample selected.</p>`;
    const m = this.messages;
    const status = tx.grpc?.status;
    const failed = status !== undefined && status !== 0;
    return html`
      <p class="meta muted">${[formatDateTime(tx.startedAt), formatMs(tx.durationMs), tx.origin, tx.tls ? 'TLS' : '', `HTTP/${tx.httpVersion} ${tx.response?.status ?? 'no response'}`].filter((p) => p !== '').join(' · ')}</p>
      <h3 class="mono grpc-status ${failed ? 'status-5xx' : status === 0 ? 'status-2xx' : 'status-none'}">
        ${status === undefined ? 'No grpc-status (the call did not finish)' : `grpc-status ${status} ${m?.statusName ?? ''}`}${tx.grpc?.message ? html`: <span>${redactedText(tx.grpc.message)}</span>` : nothing}
      </h3>
      ${redactionsLine(tx)}
      ${m && m.notes.length > 0 ? html`<p class="muted notes">${m.notes.join(' · ')}</p>` : nothing}
      <div class="pair">
        <section aria-label="Request">
          <h3>Request metadata</h3>${metadata(tx.request.headers, 'Request metadata')}
          ${m ? messages(m.request, 'Request') : nothing}
        </section>
        <section aria-label="Response">
          <h3>Response metadata and trailers</h3>${tx.response ? metadata(tx.response.headers, 'Response metadata') : html`<p class="status-none">No response (connection closed first)</p>`}
          ${m ? messages(m.response, 'Response') : nothing}
        </section>
      </div>`;
  }

  static override styles = [
    baseStyles,
    sampleStyles,
    css`
      .body-head { display: block; margin: 6px 0 4px; }
      pre.body { max-height: 280px; }
    `,
  ];
}

customElements.define('tapline-grpc-sample-view', GrpcSampleView);

declare global {
  interface HTMLElementTagNameMap {
    'tapline-grpc-sample-view': GrpcSampleView;
  }
}

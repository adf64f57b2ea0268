// The live transaction stream: newest first, bounded, pausable, filtered by text, method and
// status class. The list is bounded (STREAM_CAPACITY) so it is rendered whole.
import { LitElement, css, html, type PropertyValues } from 'lit';
import { formatClock, formatCount, formatMs } from './format';
import type { StatusClass, StreamFilter, StreamItem } from './model';
import { redactedText } from './redacted-text';
import { filterStream, outcomeOf } from './stream';
import { baseStyles } from './styles';

const METHODS = ['', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const STATUSES: { value: StatusClass; label: string }[] = [
  { value: 'all', label: 'Any status' },
  { value: '2xx', label: '2xx' },
  { value: '3xx', label: '3xx' },
  { value: '4xx', label: '4xx' },
  { value: '5xx', label: '5xx' },
  { value: 'none', label: 'No response' },
];

export class TransactionStreamView extends LitElement {
  static override properties = {
    items: { attribute: false },
    filter: { attribute: false },
    paused: { attribute: false },
    waiting: { attribute: false },
    active: { attribute: false },
  };

  declare items: readonly StreamItem[];
  declare filter: StreamFilter;
  declare paused: boolean;
  declare waiting: number;
  /** False while another tab shows: arrivals are kept but not rendered until the tab is back. */
  declare active: boolean;

  constructor() {
    super();
    this.items = [];
    this.filter = { text: '', method: '', status: 'all' };
    this.paused = false;
    this.waiting = 0;
    this.active = true;
  }

  protected override shouldUpdate(changed: PropertyValues<this>): boolean {
    return this.active || changed.has('active');
  }

  focusSearch(): void {
    const input = this.renderRoot.querySelector<HTMLInputElement>('#stream-search');
    input?.focus();
    input?.select();
  }

  private emit<T>(name: string, detail: T): void {
    this.dispatchEvent(new CustomEvent<T>(name, { detail, bubbles: true, composed: true }));
  }

  private change(patch: Partial<StreamFilter>): void {
    this.emit('stream-filter-change', { ...this.filter, ...patch });
  }

  private onOpen(e: Event): void {
    const li = (e.target as Element).closest<HTMLElement>('[data-index]');
    if (!li) return;
    const item = this.items[Number(li.dataset['index'])];
    if (item) this.emit('open-transaction', item.transaction);
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    this.onOpen(e);
  }

  private renderItem(item: StreamItem, index: number): unknown {
    const tx = item.transaction;
    const outcome = outcomeOf(tx);
    const redacted = tx.redactions.reduce((n, r) => n + r.count, 0);
    return html`<li role="listitem" tabindex="0" title="Open this transaction's endpoint" data-index=${index}>
      <span class="time muted mono">${formatClock(tx.startedAt)}</span>
      <span class="method ${tx.request.method}">${tx.request.method}</span>
      <span class="status status-${outcome.cls}">${outcome.text}</span>
      <span class="service muted" title=${tx.service}>${tx.service}</span>
      <span class="target mono" title=${tx.request.target}>${redactedText(tx.request.target)}</span>
      <span class="muted num">${formatMs(tx.durationMs)}</span>
      <span class="muted small">${redacted > 0 ? `${redacted} redacted` : ''}</span>
    </li>`;
  }

  protected override render(): unknown {
    // Indices refer to `items`, so filtered rows keep their position for the click handler.
    const shown = filterStream(this.items, this.filter);
    const indexOf = new Map(this.items.map((item, i) => [item, i]));
    return html`
      <div class="toolbar" role="search">
        <input id="stream-search" type="search" aria-label="Filter transactions" spellcheck="false" placeholder="Filter transactions (/)"
          .value=${this.filter.text} @input=${(e: Event) => this.change({ text: (e.target as HTMLInputElement).value })}>
        <select aria-label="Method" @change=${(e: Event) => this.change({ method: (e.target as HTMLSelectElement).value })}>
          ${METHODS.map((m) => html`<option value=${m} ?selected=${m === this.filter.method}>${m === '' ? 'Any method' : m}</option>`)}
        </select>
        <select aria-label="Status" @change=${(e: Event) => this.change({ status: (e.target as HTMLSelectElement).value as StatusClass })}>
          ${STATUSES.map((s) => html`<option value=${s.value} ?selected=${s.value === this.filter.status}>${s.label}</option>`)}
        </select>
        <button class=${this.paused ? '' : 'secondary'} aria-pressed=${this.paused ? 'true' : 'false'} @click=${() => this.emit('toggle-pause', !this.paused)}>
          ${this.paused ? 'Resume' : 'Pause'}
        </button>
        <span class="muted" role="status">${this.paused ? `Paused · ${formatCount(this.waiting)} new` : `${formatCount(shown.length)} of ${formatCount(this.items.length)} shown`}</span>
      </div>
      ${shown.length === 0
        ? html`<p class="empty box">${this.items.length === 0 ? 'Waiting for traffic…' : 'No transactions match the filter.'}</p>`
        : html`<ul role="list" aria-label="Transactions, newest first" @click=${this.onOpen} @keydown=${this.onKey}>
            ${shown.map((item) => this.renderItem(item, indexOf.get(item) ?? -1))}
          </ul>`}`;
  }

  static override styles = [
    baseStyles,
    css`
      :host { display: flex; flex-direction: column; min-height: 0; height: 100%; }
      .toolbar { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; padding: 0 0 8px; }
      #stream-search { flex: 1; max-width: 420px; }
      .box { flex: 1; margin: 0; padding: 16px; border: 1px solid var(--vscode-panel-border); }
      ul { list-style: none; margin: 0; padding: 0; overflow-y: auto; flex: 1; min-height: 0; border: 1px solid var(--vscode-panel-border); }
      li {
        display: grid;
        grid-template-columns: 96px 64px 40px minmax(80px, 1fr) minmax(160px, 4fr) 72px 88px;
        gap: 8px;
        align-items: center;
        height: 22px;
        padding: 0 6px;
      }
      li { cursor: pointer; }
      li:hover { background: var(--vscode-list-hoverBackground); }
      li > span { overflow: hidden; white-space: nowrap; text-overflow: ellipsis; min-width: 0; line-height: 22px; }
      .num { text-align: right; font-variant-numeric: tabular-nums; }
      .small { font-size: 0.9em; }
    `,
  ];
}

customElements.define('tapline-transaction-stream', TransactionStreamView);

declare global {
  interface HTMLElementTagNameMap {
    'tapline-transaction-stream': TransactionStreamView;
  }
}

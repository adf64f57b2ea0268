// The endpoints table: a virtualized ARIA grid. Only the rows in (and just around) the viewport
// exist in the DOM, so 10,000+ endpoints scroll as smoothly as 10. Rows have a fixed height; the
// scroll content gets the full height so the scrollbar tells the truth.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { styleProps } from './style-props';
import { SPEC_LABEL, formatCount, formatMs } from './format';
import type { EndpointRow, SortKey, SortSpec } from './model';
import { filterEndpoints, nextSort, sortEndpoints } from './sort-filter';
import { baseStyles } from './styles';
import { computeWindow, isNavigationKey, moveIndex, scrollTopFor } from './virtual-window';

export const ROW_HEIGHT = 24;

interface Column {
  key: SortKey;
  label: string;
  numeric?: boolean;
}

const COLUMNS: readonly Column[] = [
  { key: 'service', label: 'Service' },
  { key: 'method', label: 'Method' },
  { key: 'template', label: 'Path' },
  { key: 'calls', label: 'Calls', numeric: true },
  { key: 'p50', label: 'p50', numeric: true },
  { key: 'p95', label: 'p95', numeric: true },
  { key: 'p99', label: 'p99', numeric: true },
  { key: 'errors4xx', label: '4xx', numeric: true },
  { key: 'errors5xx', label: '5xx', numeric: true },
  { key: 'spec', label: 'Spec' },
];

/** The spec column; a gRPC method is not compared with a spec and shows its failed calls instead. */
function specBadge(row: EndpointRow): unknown {
  if (row.grpc && row.grpc.failed > 0) {
    return html`<span class="badge grpc failing" title="Calls with a non-zero grpc-status (their HTTP status was 200)">gRPC · ${formatCount(row.grpc.failed)} failed</span>`;
  }
  return html`<span class="badge ${row.specState}">${SPEC_LABEL[row.specState] ?? '—'}</span>`;
}

export class EndpointTable extends LitElement {
  static override properties = {
    rows: { attribute: false },
    query: { attribute: false },
    sort: { attribute: false },
    selectedId: { attribute: false },
    active: { attribute: false },
  };

  declare rows: readonly EndpointRow[];
  declare query: string;
  declare sort: SortSpec;
  declare selectedId: string | undefined;
  /** False while another tab shows: deltas then cost nothing here (no re-sort) until it is back. */
  declare active: boolean;

  private listScrollTop = 0;
  private viewportHeight = 0;
  private activeId: string | undefined;
  private resizeObserver: ResizeObserver | undefined;
  // Sorting 10k rows costs far more than filtering them: sort once per data or sort change, and
  // let each keystroke only filter the sorted rows (filtering keeps their order).
  private sorted: { rows: readonly EndpointRow[]; sort: SortSpec; result: EndpointRow[] } | undefined;
  private filtered: { sorted: readonly EndpointRow[]; query: string; result: EndpointRow[] } | undefined;

  constructor() {
    super();
    this.rows = [];
    this.query = '';
    this.sort = { key: 'calls', direction: 'desc' };
    this.selectedId = undefined;
    this.active = true;
  }

  protected override shouldUpdate(changed: PropertyValues<this>): boolean {
    return this.active || changed.has('active');
  }

  get visible(): EndpointRow[] {
    if (!this.sorted || this.sorted.rows !== this.rows || this.sorted.sort !== this.sort) {
      this.sorted = { rows: this.rows, sort: this.sort, result: sortEndpoints(this.rows, this.sort) };
    }
    const sorted = this.sorted.result;
    if (!this.filtered || this.filtered.sorted !== sorted || this.filtered.query !== this.query) {
      this.filtered = { sorted, query: this.query, result: filterEndpoints(sorted, this.query) };
    }
    return this.filtered.result;
  }

  focusSearch(): void {
    const input = this.renderRoot.querySelector<HTMLInputElement>('#search');
    input?.focus();
    input?.select();
  }

  focusGrid(): void {
    this.renderRoot.querySelector<HTMLElement>('[role=grid]')?.focus();
  }

  private get viewport(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.viewport');
  }

  protected override firstUpdated(): void {
    const viewport = this.viewport;
    if (!viewport) return;
    this.resizeObserver = new ResizeObserver(() => {
      if (viewport.clientHeight !== this.viewportHeight) {
        this.viewportHeight = viewport.clientHeight;
        this.requestUpdate();
      }
    });
    this.resizeObserver.observe(viewport);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
  }

  protected override updated(changed: PropertyValues<this>): void {
    // A new filter or sort starts at the top; the browser keeps scrollTop otherwise.
    if ((changed.has('query') || changed.has('sort')) && this.viewport && this.viewport.scrollTop !== 0) {
      this.viewport.scrollTop = 0;
    }
  }

  private emit<T>(name: string, detail: T): void {
    this.dispatchEvent(new CustomEvent<T>(name, { detail, bubbles: true, composed: true }));
  }

  private onScroll(e: Event): void {
    this.listScrollTop = (e.target as HTMLElement).scrollTop;
    this.requestUpdate();
  }

  private onSearch(e: Event): void {
    this.emit('query-change', (e.target as HTMLInputElement).value);
  }

  private onSearchKey(e: KeyboardEvent): void {
    if (e.key === 'ArrowDown' || e.key === 'Enter') {
      e.preventDefault();
      if (this.activeId === undefined) this.activeId = this.visible[0]?.id;
      this.focusGrid();
      this.requestUpdate();
    } else if (e.key === 'Escape' && this.query !== '') {
      this.emit('query-change', '');
    }
  }

  private onSort(key: SortKey): void {
    this.emit('sort-change', nextSort(this.sort, key));
  }

  private activeIndex(visible: readonly EndpointRow[]): number {
    if (this.activeId === undefined) return -1;
    return visible.findIndex((r) => r.id === this.activeId);
  }

  private onKey(e: KeyboardEvent): void {
    const visible = this.visible;
    const index = this.activeIndex(visible);
    if (isNavigationKey(e.key)) {
      e.preventDefault();
      const page = Math.max(1, Math.floor(this.viewportHeight / ROW_HEIGHT));
      const next = moveIndex(index, e.key, visible.length, page);
      if (next < 0) return;
      this.activeId = visible[next]!.id;
      const viewport = this.viewport;
      if (viewport) {
        const top = scrollTopFor(next, viewport.scrollTop, viewport.clientHeight, ROW_HEIGHT);
        if (top !== undefined) {
          viewport.scrollTop = top;
          this.listScrollTop = top;
        }
      }
      this.requestUpdate();
    } else if ((e.key === 'Enter' || e.key === ' ') && index >= 0) {
      e.preventDefault();
      this.emit('open-endpoint', visible[index]!.id);
    }
  }

  private onRowClick(e: Event): void {
    const row = (e.target as Element).closest<HTMLElement>('[data-index]');
    const id = row ? this.visible[Number(row.dataset['index'])]?.id : undefined;
    if (id === undefined) return;
    this.activeId = id;
    this.emit('open-endpoint', id);
  }

  private renderHeader(): unknown {
    return html`<div class="row header" role="row" aria-rowindex="1">
      ${COLUMNS.map((c) => {
        const sorted = this.sort.key === c.key;
        const ariaSort = sorted ? (this.sort.direction === 'asc' ? 'ascending' : 'descending') : 'none';
        return html`<div role="columnheader" class="cell ${c.numeric ? 'num' : ''}" aria-sort=${ariaSort}>
          <button class="sort" title="Sort by ${c.label}" @click=${() => this.onSort(c.key)}>${c.label}${sorted ? (this.sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}</button>
        </div>`;
      })}
    </div>`;
  }

  private renderRow(row: EndpointRow, index: number, activeIndex: number): unknown {
    const classes = ['row', index === activeIndex ? 'active' : '', row.id === this.selectedId ? 'selected' : ''].join(' ');
    return html`<div role="row" id="row-${index}" class=${classes} data-index=${index} aria-rowindex=${index + 2} aria-selected=${row.id === this.selectedId ? 'true' : 'false'}>
      <div role="gridcell" class="cell" title=${row.service}>${row.service}</div>
      ${row.grpc
        ? html`<div role="gridcell" class="cell method grpc" title="gRPC (HTTP/2 ${row.method})">gRPC</div>`
        : html`<div role="gridcell" class="cell method ${row.method}">${row.method}</div>`}
      <div role="gridcell" class="cell mono" title=${row.template}>${row.template}</div>
      <div role="gridcell" class="cell num">${formatCount(row.calls)}</div>
      <div role="gridcell" class="cell num">${formatMs(row.p50)}</div>
      <div role="gridcell" class="cell num">${formatMs(row.p95)}</div>
      <div role="gridcell" class="cell num">${formatMs(row.p99)}</div>
      <div role="gridcell" class="cell num ${row.errors4xx > 0 ? 'status-4xx' : 'muted'}">${formatCount(row.errors4xx)}</div>
      <div role="gridcell" class="cell num ${row.errors5xx > 0 ? 'status-5xx' : 'muted'}">${formatCount(row.errors5xx)}</div>
      <div role="gridcell" class="cell">${specBadge(row)}</div>
    </div>`;
  }

  protected override render(): unknown {
    const visible = this.visible;
    const win = computeWindow(this.listScrollTop, this.viewportHeight, ROW_HEIGHT, visible.length);
    const activeIndex = this.activeIndex(visible);
    const slice = visible.slice(win.start, win.end);
    const summary = this.rows.length === visible.length
      ? `${formatCount(visible.length)} endpoints`
      : `${formatCount(visible.length)} of ${formatCount(this.rows.length)} endpoints`;
    return html`
      <div class="toolbar">
        <input id="search" type="search" aria-label="Filter endpoints" spellcheck="false"
          placeholder="Filter (/): text, method:GET, service:…, status:5xx, spec:undocumented"
          .value=${this.query} @input=${this.onSearch} @keydown=${this.onSearchKey}>
        <span class="muted count" role="status">${summary}</span>
      </div>
      <div class="grid" role="grid" tabindex="0" aria-label="Endpoints" aria-rowcount=${visible.length + 1} aria-colcount=${COLUMNS.length}
        aria-activedescendant=${activeIndex >= win.start && activeIndex < win.end ? `row-${activeIndex}` : nothing}
        @keydown=${this.onKey}>
        <div role="rowgroup" class="head">${this.renderHeader()}</div>
        <div role="rowgroup" class="viewport" @scroll=${this.onScroll} @click=${this.onRowClick}>
          <div class="spacer" ${styleProps({ height: `${win.totalHeight}px` })}>
            <div class="window" ${styleProps({ transform: `translateY(${win.offset}px)` })}>
              ${slice.map((row, i) => this.renderRow(row, win.start + i, activeIndex))}
            </div>
          </div>
          ${visible.length === 0
            ? html`<p class="empty">${this.rows.length === 0 ? 'No endpoints yet. Connect to a sensor or import a HAR file to see your API endpoints here.' : 'No endpoints match the filter.'}</p>`
            : nothing}
        </div>
      </div>`;
  }

  static override styles = [
    baseStyles,
    css`
      :host { display: flex; flex-direction: column; min-height: 0; height: 100%; }
      .toolbar { display: flex; gap: 8px; align-items: center; padding: 0 0 8px; }
      #search { flex: 1; max-width: 560px; }
      .count { white-space: nowrap; }
      .grid { display: flex; flex-direction: column; flex: 1; min-height: 0; border: 1px solid var(--vscode-panel-border); }
      .grid:focus { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
      .viewport { flex: 1; min-height: 0; overflow-y: auto; overflow-x: hidden; position: relative; }
      .spacer { position: relative; }
      .window { position: absolute; top: 0; left: 0; right: 0; will-change: transform; }
      .row {
        display: grid;
        grid-template-columns: minmax(90px, 1.1fr) 64px minmax(160px, 3fr) 72px 64px 64px 64px 48px 48px 108px;
        align-items: center;
        height: ${ROW_HEIGHT}px;
        padding: 0 6px;
        gap: 8px;
        cursor: pointer;
      }
      .head .row { cursor: default; border-bottom: 1px solid var(--vscode-panel-border); background: var(--vscode-editorGroupHeader-tabsBackground, var(--vscode-editor-background)); }
      .viewport .row:hover { background: var(--vscode-list-hoverBackground); }
      .row.selected { background: var(--vscode-list-inactiveSelectionBackground); }
      .grid:focus-within .row.active {
        background: var(--vscode-list-activeSelectionBackground);
        color: var(--vscode-list-activeSelectionForeground);
        outline: 1px solid var(--vscode-list-focusOutline, var(--vscode-focusBorder));
        outline-offset: -1px;
      }
      .cell { overflow: hidden; white-space: nowrap; text-overflow: ellipsis; min-width: 0; }
      .num { text-align: right; font-variant-numeric: tabular-nums; }
      button.sort {
        all: unset;
        cursor: pointer;
        font-weight: 600;
        color: var(--vscode-foreground);
        width: 100%;
      }
      .num button.sort { text-align: right; }
      button.sort:hover { color: var(--vscode-textLink-foreground); }
      .empty { padding: 16px; }
    `,
  ];
}

customElements.define('tapline-endpoint-table', EndpointTable);

declare global {
  interface HTMLElementTagNameMap {
    'tapline-endpoint-table': EndpointTable;
  }
}

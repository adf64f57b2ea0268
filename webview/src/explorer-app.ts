// The API Explorer's root element: keeps the data the extension sends, the UI state that survives
// a reload (vscode.setState), and switches between the endpoints table, the live stream and the
// endpoint detail.
import { LitElement, css, html } from 'lit';
import './endpoint-detail';
import './endpoint-table';
import './transaction-stream';
import type { Transaction } from '../../core/src/protocol/transaction';
import { isUnusedId } from './adapt';
import { ExplorerData } from './explorer-data';
import { desyncBanner } from './desync-banner';
import { coverageText, formatCount } from './format';
import { readInbound, type Inbound } from './messages';
import type { PersistedState, SortSpec, StreamFilter, Tab } from './model';
import { readState } from './state';
import { baseStyles } from './styles';
import type { Host } from './vscode-api';

const TABS: { id: Tab; label: string }[] = [
  { id: 'endpoints', label: 'Endpoints' },
  { id: 'stream', label: 'Live stream' },
  { id: 'detail', label: 'Detail' },
];

export class ExplorerApp extends LitElement {
  private vscode: Host | undefined;
  private state: PersistedState = readState(undefined);
  private readonly data = new ExplorerData();
  private pendingFixes = new Set<string>();
  /** The endpoint whose detail was asked for on restore: its answer must not change the restored tab. */
  private restoring: string | undefined;

  // Messages can arrive many per frame (deltas, transaction batches): render at most once a frame.
  // A hidden panel gets no frames, so it does no work until it is shown again.
  protected override async scheduleUpdate(): Promise<void> {
    await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
    await super.scheduleUpdate();
  }

  /** Wires the element to VS Code (or a test double) and restores the saved UI state. */
  connect(host: Host): void {
    this.vscode = host;
    this.state = readState(host.getState());
    window.addEventListener('message', (e: MessageEvent<unknown>) => this.receive(e.data));
    window.addEventListener('keydown', (e) => this.onGlobalKey(e));
    host.post({ type: 'ready' });
    const selected = this.state.selectedEndpointId;
    if (selected !== undefined && !isUnusedId(selected)) {
      this.restoring = selected;
      host.post({ type: 'selectEndpoint', endpointId: selected });
    }
    this.requestUpdate();
  }

  private receive(raw: unknown): void {
    const message = readInbound(raw);
    if (!message) return;
    try {
      this.apply(message);
    } catch (error) {
      // One bad message must not take the panel down; the next snapshot or delta heals the view.
      console.error('Tapline explorer: dropped a message it could not apply', error);
    }
  }

  /** Applies one message from the extension. */
  apply(message: Inbound): void {
    if (message.type === 'findings') {
      // A fix either removed its finding or failed; either way its button is usable again.
      this.pendingFixes = new Set();
    }
    const change = this.data.apply(message);
    if (change) {
      if (change.endpointId === null) {
        const { selectedEndpointId: _deselected, ...rest } = this.state;
        this.state = { ...rest, tab: rest.tab === 'detail' ? 'endpoints' : rest.tab };
      } else if (change.endpointId === this.restoring || !change.reveal) {
        // A restored page, or the selected endpoint's detail refreshed: stay on the tab the user is on.
        this.state = { ...this.state, selectedEndpointId: change.endpointId };
      } else {
        // The extension chose an endpoint (the tree's "Open in Explorer"): show it.
        this.state = { ...this.state, selectedEndpointId: change.endpointId, tab: 'detail' };
      }
      this.restoring = undefined;
      this.save();
    }
    this.requestUpdate();
  }

  private save(): void {
    this.vscode?.setState(this.state);
  }

  private setTab(tab: Tab): void {
    if (tab === 'detail' && this.state.selectedEndpointId === undefined) return;
    this.state = { ...this.state, tab };
    this.save();
    this.requestUpdate();
  }

  private openEndpoint(id: string): void {
    this.restoring = undefined;
    this.state = { ...this.state, selectedEndpointId: id, tab: 'detail' };
    this.save();
    // Spec operations never observed have nothing to fetch: their row and findings are the detail.
    if (!isUnusedId(id)) this.vscode?.post({ type: 'selectEndpoint', endpointId: id });
    this.requestUpdate();
    // The grid that had focus is now hidden: give it to the detail so the keyboard is not lost.
    void this.updateComplete.then(() => this.renderRoot.querySelector('tapline-endpoint-detail')?.focusStart());
  }

  private openTransaction(tx: Transaction): void {
    const id = this.data.endpointFor(tx);
    if (id !== undefined) this.openEndpoint(id);
  }

  private onQuery(query: string): void {
    this.state = { ...this.state, filter: query };
    this.save();
    this.requestUpdate();
  }

  private onSort(sort: SortSpec): void {
    this.state = { ...this.state, sort };
    this.save();
    this.requestUpdate();
  }

  private onStreamFilter(stream: StreamFilter): void {
    this.state = { ...this.state, stream };
    this.save();
    this.requestUpdate();
  }

  private onTogglePause(pause: boolean): void {
    if (pause) this.data.stream.pause();
    else this.data.stream.resume();
    this.requestUpdate();
  }

  private onApplyFix(findingId: string, fixIndex: number): void {
    this.pendingFixes = new Set([...this.pendingFixes, findingId]);
    this.vscode?.post({ type: 'applyFix', findingId, fixIndex });
    this.requestUpdate();
  }

  private onGlobalKey(e: KeyboardEvent): void {
    const target = e.composedPath()[0];
    const typing = target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement;
    if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      if (this.state.tab === 'detail') this.setTab('endpoints');
      void this.updateComplete.then(() => {
        if (this.state.tab === 'stream') this.renderRoot.querySelector('tapline-transaction-stream')?.focusSearch();
        else this.renderRoot.querySelector('tapline-endpoint-table')?.focusSearch();
      });
    } else if (e.key === 'Escape' && this.state.tab === 'detail' && !typing) {
      this.backToTable();
    }
  }

  private backToTable(): void {
    this.setTab('endpoints');
    void this.updateComplete.then(() => this.renderRoot.querySelector('tapline-endpoint-table')?.focusGrid());
  }

  private onTabKey(e: KeyboardEvent): void {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const enabled = TABS.filter((t) => t.id !== 'detail' || this.state.selectedEndpointId !== undefined);
    const at = enabled.findIndex((t) => t.id === this.state.tab);
    const next = enabled[(at + (e.key === 'ArrowRight' ? 1 : enabled.length - 1)) % enabled.length];
    if (!next) return;
    this.setTab(next.id);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${next.id}`)?.focus());
  }

  protected override render(): unknown {
    const rows = this.data.rows();
    const tab = this.state.tab;
    const selected = this.state.selectedEndpointId;
    const stream = this.data.stream;
    return html`
      <header>
        <h1>API Explorer</h1>
        <span class="muted" role="status">${formatCount(rows.length)} endpoints · ${formatCount(this.data.totalCalls)} calls · ${formatCount(this.data.findings.length)} findings${coverageText(this.data.coverage)}</span>
      </header>
      ${desyncBanner(this.data.desyncs)}
      <nav role="tablist" aria-label="Explorer views" @keydown=${this.onTabKey}>
        ${TABS.map((t) => html`<button role="tab" id="tab-${t.id}" class="tab" aria-selected=${t.id === tab ? 'true' : 'false'} aria-controls="panel-${t.id}"
            tabindex=${t.id === tab ? 0 : -1} ?disabled=${t.id === 'detail' && selected === undefined} @click=${() => this.setTab(t.id)}>${t.label}</button>`)}
      </nav>
      <section role="tabpanel" id="panel-endpoints" aria-labelledby="tab-endpoints" ?hidden=${tab !== 'endpoints'}>
        <tapline-endpoint-table .active=${tab === 'endpoints'} .rows=${rows} .query=${this.state.filter} .sort=${this.state.sort} .selectedId=${selected}
          @query-change=${(e: CustomEvent<string>) => this.onQuery(e.detail)}
          @sort-change=${(e: CustomEvent<SortSpec>) => this.onSort(e.detail)}
          @open-endpoint=${(e: CustomEvent<string>) => this.openEndpoint(e.detail)}></tapline-endpoint-table>
      </section>
      <section role="tabpanel" id="panel-stream" aria-labelledby="tab-stream" ?hidden=${tab !== 'stream'}>
        <tapline-transaction-stream .active=${tab === 'stream'} .items=${stream.list} .filter=${this.state.stream} .paused=${stream.paused} .waiting=${stream.waiting}
          @stream-filter-change=${(e: CustomEvent<StreamFilter>) => this.onStreamFilter(e.detail)}
          @toggle-pause=${(e: CustomEvent<boolean>) => this.onTogglePause(e.detail)}
          @open-transaction=${(e: CustomEvent<Transaction>) => this.openTransaction(e.detail)}></tapline-transaction-stream>
      </section>
      <section role="tabpanel" id="panel-detail" aria-labelledby="tab-detail" ?hidden=${tab !== 'detail'}>
        <tapline-endpoint-detail .detail=${selected !== undefined ? this.data.detail(selected) : undefined}
          .endpoint=${selected !== undefined ? this.data.row(selected) : undefined}
          .findings=${this.data.findings} .pendingFixes=${this.pendingFixes}
          .gateway=${selected !== undefined ? this.data.gateway(selected) : undefined}
          @back=${() => this.backToTable()}
          @apply-fix=${(e: CustomEvent<{ findingId: string; fixIndex: number }>) => this.onApplyFix(e.detail.findingId, e.detail.fixIndex)}
          @open-in-spec=${(e: CustomEvent<string>) => this.vscode?.post({ type: 'openInSpec', endpointId: e.detail })}></tapline-endpoint-detail>
      </section>`;
  }

  static override styles = [
    baseStyles,
    css`
      :host { display: flex; flex-direction: column; height: 100%; min-height: 0; padding: 8px 0 12px; }
      header { display: flex; align-items: baseline; gap: 16px; }
      h1 { font-size: 1.3em; font-weight: 600; margin: 0 0 6px; }
      nav { display: flex; gap: 2px; border-bottom: 1px solid var(--vscode-panel-border); margin-bottom: 10px; }
      button.tab {
        color: var(--vscode-panelTitle-inactiveForeground);
        background: none;
        border: none;
        border-bottom: 1px solid transparent;
        border-radius: 0;
        padding: 4px 10px;
        text-transform: uppercase;
        font-size: 0.85em;
        letter-spacing: 0.04em;
      }
      button.tab:hover { color: var(--vscode-panelTitle-activeForeground); background: none; }
      button.tab[aria-selected='true'] { color: var(--vscode-panelTitle-activeForeground); border-bottom-color: var(--vscode-panelTitle-activeBorder); }
      section[role='tabpanel'] { flex: 1; min-height: 0; }
      .desyncs { border-left: 3px solid var(--vscode-editorError-foreground); background: var(--vscode-inputValidation-errorBackground); padding: 6px 10px; margin-bottom: 8px; }
      .desyncs ul { margin: 4px 0 0; padding-left: 18px; max-height: 8em; overflow: auto; }
      .desyncs .service { font-weight: 600; }
      .desyncs .first-bytes { white-space: pre-wrap; word-break: break-all; color: var(--vscode-descriptionForeground); }
      section[hidden] { display: none; }
    `,
  ];
}

customElements.define('tapline-explorer', ExplorerApp);

declare global {
  interface HTMLElementTagNameMap {
    'tapline-explorer': ExplorerApp;
  }
}

// The detail of one endpoint: numbers, latency over time, status breakdown, findings with their
// fixes, and sample requests/responses.
import { LitElement, css, html, nothing } from 'lit';
import { styleProps } from './style-props';
import { SPEC_LABEL, formatCount, formatDateTime, formatMs } from './format';
import { gatewayLabel, isUnusedId } from './adapt';
import type { GatewayVerdict } from '../../core/src/messages/lsp';
import type { GrpcDetail, GrpcSampleMessages } from '../../core/src/messages/grpc-detail';
import { statusBars } from './chart-geometry';
import { buildLatencyChart } from './latency-chart';
import type { EndpointDetail, EndpointRow, FindingView, LatencyPoint } from './model';
import './sample-view';
import './grpc-sample-view';
import { redactedText } from './redacted-text';
import { statusClassOf } from './stream';
import { baseStyles } from './styles';

function grpcClass(status: number | undefined): string {
  return status === undefined ? 'status-none' : status === 0 ? 'status-2xx' : 'status-5xx';
}

function grpcSample(grpc: GrpcDetail, sampleId: string): GrpcSampleMessages | undefined {
  return grpc.samples.find((s) => s.sampleId === sampleId);
}

/** Calls by grpc-status name, and which .proto decodes the messages (or why none does). */
function grpcStatuses(grpc: GrpcDetail): unknown {
  const total = grpc.statuses.reduce((n, s) => n + s.count, 0);
  const schema = 'unavailable' in grpc.schema
    ? html`<p class="muted schema">Messages shown as hex: ${grpc.schema.unavailable}</p>`
    : html`<p class="muted schema">Messages decoded with <span class="mono">${grpc.schema.file}</span> (<span class="mono">${grpc.schema.requestType}</span> → <span class="mono">${grpc.schema.responseType}</span>)</p>`;
  return html`<section aria-label="grpc-status"><h3>grpc-status</h3>
    <ul class="bars">${grpc.statuses.map((s) => html`<li>
      <span class="code grpc-name ${grpcClass(s.code ?? undefined)}" title=${s.code === null ? 'no grpc-status' : `grpc-status ${s.code}`}>${s.name}</span>
      <span class="track"><span class="bar ${grpcClass(s.code ?? undefined)}" ${styleProps({ width: `${Math.max(1, Math.round((s.count / Math.max(1, total)) * 100))}%` })}></span></span>
      <span class="n">${formatCount(s.count)}</span>
    </li>`)}</ul>${schema}</section>`;
}

export class EndpointDetailView extends LitElement {
  static override properties = {
    detail: { attribute: false },
    endpoint: { attribute: false },
    findings: { attribute: false },
    pendingFixes: { attribute: false },
    gateway: { attribute: false },
  };

  declare detail: EndpointDetail | undefined;
  /** The endpoint's live row (fresher numbers than the detail snapshot). */
  declare endpoint: EndpointRow | undefined;
  declare findings: readonly FindingView[];
  declare pendingFixes: ReadonlySet<string>;
  /** What the workspace's gateway policy does with this endpoint. */
  declare gateway: GatewayVerdict | undefined;

  private sampleIndex = 0;
  private chart: { latency: readonly LatencyPoint[]; p95: number | undefined; svg: SVGSVGElement } | undefined;

  constructor() {
    super();
    this.detail = undefined;
    this.endpoint = undefined;
    this.findings = [];
    this.pendingFixes = new Set();
    this.gateway = undefined;
  }

  /** Focuses the first control (the way back), after the element has rendered. */
  focusStart(): void {
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('header button')?.focus());
  }

  private emit<T>(name: string, detail: T): void {
    this.dispatchEvent(new CustomEvent<T>(name, { detail, bubbles: true, composed: true }));
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    const before = changed.get('detail') as EndpointDetail | undefined;
    if (changed.has('detail') && before?.endpoint.id !== this.detail?.endpoint.id) this.sampleIndex = 0;
  }

  /** The SVG is rebuilt only when its data changes; Lit places the node as a child. */
  private latencyChart(latency: readonly LatencyPoint[], p95: number | undefined): SVGSVGElement {
    if (!this.chart || this.chart.latency !== latency || this.chart.p95 !== p95) {
      this.chart = { latency, p95, svg: buildLatencyChart(latency, p95) };
    }
    return this.chart.svg;
  }

  private renderFinding(f: FindingView): unknown {
    const pending = this.pendingFixes.has(f.id);
    return html`<li class="finding ${f.severity}">
      <span class="sev">${f.severity}</span>
      <span class="msg">${f.message} <span class="muted mono">${f.code}</span></span>
      ${f.fixes.map((fix, fixIndex) => html`<button ?disabled=${pending} title=${fix.title}
          @click=${() => this.emit('apply-fix', { findingId: f.id, fixIndex })}>${pending ? 'Applying…' : fix.title}</button>`)}
    </li>`;
  }

  private gatewayBadge(): unknown {
    if (!this.gateway) return nothing;
    const label = gatewayLabel(this.gateway);
    return html`<span class="badge ${label.blocked ? 'undocumented' : 'documented'}" data-gateway=${this.gateway.decision} title=${label.title}>${label.text}</span>`;
  }

  protected override render(): unknown {
    const d = this.detail;
    const row = this.endpoint ?? d?.endpoint;
    if (!row) return html`<p class="empty">Select an endpoint in the table to see its traffic.</p>`;
    const findings = this.findings.filter((f) => f.endpointId === row.id);
    const bars = d ? statusBars(d.statuses) : [];
    const samples = d?.samples ?? [];
    const sample = samples[Math.min(this.sampleIndex, samples.length - 1)];
    return html`
      <header>
        <button class="secondary" @click=${() => this.emit('back', undefined)} title="Back to endpoints (Escape)">← Endpoints</button>
        ${row.grpc
          ? html`<h2 class="mono"><span class="method grpc">gRPC</span> <span>${row.grpc.service}</span>/<span>${row.grpc.method}</span></h2>`
          : html`<h2 class="mono"><span class="method ${row.method}">${row.method}</span> <span>${row.template}</span></h2>`}
        <span class="muted">${row.service}</span>
        <span class="badge ${row.specState}">${SPEC_LABEL[row.specState] ?? '—'}</span>
        ${this.gatewayBadge()}
        <span class="spacer"></span>
        ${row.specState === 'documented' || row.specState === 'mismatching'
          ? html`<button class="secondary" @click=${() => this.emit('open-in-spec', row.id)}>Open in spec</button>`
          : nothing}
      </header>
      <dl class="stats">
        <div><dt>Calls</dt><dd>${formatCount(row.calls)}</dd></div>
        <div><dt>p50</dt><dd>${formatMs(row.p50)}</dd></div>
        <div><dt>p95</dt><dd>${formatMs(row.p95)}</dd></div>
        <div><dt>p99</dt><dd>${formatMs(row.p99)}</dd></div>
        ${row.grpc ? html`<div><dt>Failed (grpc-status ≠ 0)</dt><dd class=${row.grpc.failed > 0 ? 'status-5xx' : ''}>${formatCount(row.grpc.failed)}</dd></div>` : nothing}
        <div><dt>4xx</dt><dd class=${row.errors4xx > 0 ? 'status-4xx' : ''}>${formatCount(row.errors4xx)}</dd></div>
        <div><dt>5xx</dt><dd class=${row.errors5xx > 0 ? 'status-5xx' : ''}>${formatCount(row.errors5xx)}</dd></div>
        ${d ? html`<div><dt>First seen</dt><dd>${formatDateTime(d.firstSeen)}</dd></div>` : nothing}
        <div><dt>Last seen</dt><dd>${formatDateTime(row.lastSeen)}</dd></div>
      </dl>
      ${d?.contentTypes?.length || d?.authSchemes?.length
        ? html`<p class="muted">${d.contentTypes?.length ? html`Content types: <span class="mono">${d.contentTypes.join(', ')}</span>` : nothing}
            ${d.authSchemes?.length ? html` · Auth: <span class="mono">${d.authSchemes.join(', ')}</span>` : nothing}</p>`
        : nothing}
      ${!d
        ? html`<p class="empty">${isUnusedId(row.id) ? 'This operation is in the spec but has not been seen in traffic.' : 'Loading the endpoint’s samples…'}</p>`
        : html`<div class="charts">
            <section aria-label="Latency over time"><h3>Latency</h3>${this.latencyChart(d.latency, row.p95)}</section>
            ${d.grpc ? grpcStatuses(d.grpc) : nothing}
            <section aria-label="Status codes"><h3>${d.grpc ? 'HTTP status codes' : 'Status codes'}</h3>
              ${bars.length === 0 ? html`<p class="muted">No responses yet.</p>` : html`<ul class="bars">
                ${bars.map((b) => html`<li>
                  <span class="code status-${statusClassOf(Number(b.status))}">${b.status}</span>
                  <span class="track"><span class="bar status-${statusClassOf(Number(b.status))}" ${styleProps({ width: `${Math.max(1, Math.round(b.share * 100))}%` })}></span></span>
                  <span class="n">${formatCount(b.count)}</span>
                </li>`)}
              </ul>`}
            </section>
          </div>`}
      <section aria-label="Findings"><h3>Findings${findings.length > 0 ? ` (${findings.length})` : ''}</h3>
        ${findings.length === 0 ? html`<p class="muted">No findings for this endpoint.</p>` : html`<ul class="findings">${findings.map((f) => this.renderFinding(f))}</ul>`}
      </section>
      ${d
        ? html`<section aria-label="Samples"><h3>Samples (${samples.length})</h3>
            ${samples.length === 0 ? html`<p class="muted">No samples kept.</p>` : html`
              <div class="chips" role="tablist" aria-label="Samples">
                ${samples.map((s, i) => html`<button role="tab" class="chip ${s === sample ? 'on' : ''}" aria-selected=${s === sample ? 'true' : 'false'}
                    @click=${() => { this.sampleIndex = i; this.requestUpdate(); }}>
                  ${d.grpc
                    ? html`<span class=${grpcClass(s.grpc?.status)}>${grpcSample(d.grpc, s.id)?.statusName ?? 'unfinished'}</span>`
                    : html`<span class="status-${statusClassOf(s.response?.status)}">${s.response?.status ?? '—'}</span>
                  <span class="mono">${redactedText(s.request.target)}</span>`}
                  <span class="muted">${formatMs(s.durationMs)}</span>
                </button>`)}
              </div>
              ${d.grpc
                ? html`<tapline-grpc-sample-view role="tabpanel" .transaction=${sample} .messages=${sample ? grpcSample(d.grpc, sample.id) : undefined}></tapline-grpc-sample-view>`
                : html`<tapline-sample-view role="tabpanel" .transaction=${sample}></tapline-sample-view>`}`}
          </section>`
        : nothing}`;
  }

  static override styles = [
    baseStyles,
    css`
      :host { display: block; overflow-y: auto; height: 100%; padding-right: 4px; }
      header { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; margin-bottom: 8px; }
      header .spacer { flex: 1; }
      h2 { font-size: 1.15em; margin: 0; overflow-wrap: anywhere; }
      h3 { font-size: 1em; font-weight: 600; margin: 14px 0 6px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--vscode-descriptionForeground); }
      .stats { display: flex; flex-wrap: wrap; gap: 6px 22px; margin: 8px 0; }
      .stats dt { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
      .stats dd { margin: 0; font-size: 1.2em; font-variant-numeric: tabular-nums; }
      .charts { display: grid; grid-template-columns: minmax(280px, 3fr) minmax(200px, 2fr); gap: 24px; }
      svg.latency-chart { width: 100%; max-width: 640px; height: auto; display: block; }
      svg .grid { stroke: var(--vscode-panel-border); stroke-width: 1; }
      svg .axis { fill: var(--vscode-descriptionForeground); font-size: 10px; font-family: var(--vscode-font-family); }
      svg .series { fill: none; stroke: var(--vscode-charts-blue); stroke-width: 1.5; opacity: 0.7; }
      svg .dot { fill: var(--vscode-charts-blue); }
      svg .reference { stroke: var(--vscode-charts-orange); stroke-dasharray: 4 3; }
      ul.bars, ul.findings { list-style: none; margin: 0; padding: 0; }
      ul.bars li { display: grid; grid-template-columns: 40px 1fr 64px; gap: 8px; align-items: center; height: 20px; }
      ul.bars li:has(.grpc-name) { grid-template-columns: 150px 1fr 64px; }
      .grpc-name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      .track { height: 10px; background: var(--vscode-editorWidget-background, var(--vscode-input-background)); }
      .bar { display: block; height: 100%; background: currentColor; }
      .n { text-align: right; font-variant-numeric: tabular-nums; }
      li.finding { display: flex; gap: 10px; align-items: center; padding: 4px 0; border-bottom: 1px solid var(--vscode-panel-border); }
      li.finding .msg { flex: 1; overflow-wrap: anywhere; }
      .sev { font-size: 0.85em; text-transform: uppercase; min-width: 80px; }
      .finding.error .sev { color: var(--vscode-errorForeground); }
      .finding.warning .sev { color: var(--vscode-editorWarning-foreground); }
      .finding.information .sev, .finding.hint .sev { color: var(--vscode-editorInfo-foreground); }
      /* Up to 200 samples per endpoint (a setting): the picker scrolls instead of pushing the sample away. */
      .chips { display: flex; gap: 6px; flex-wrap: wrap; margin-bottom: 10px; max-height: 96px; overflow-y: auto; }
      button.chip {
        display: inline-flex; gap: 6px; max-width: 360px; overflow: hidden; white-space: nowrap;
        color: var(--vscode-foreground); background: none; border: 1px solid var(--vscode-panel-border);
      }
      button.chip:hover { background: var(--vscode-list-hoverBackground); }
      button.chip.on { border-color: var(--vscode-focusBorder); background: var(--vscode-list-inactiveSelectionBackground); }
      button.chip .mono { overflow: hidden; text-overflow: ellipsis; }
    `,
  ];
}

customElements.define('tapline-endpoint-detail', EndpointDetailView);

declare global {
  interface HTMLElementTagNameMap {
    'tapline-endpoint-detail': EndpointDetailView;
  }
}

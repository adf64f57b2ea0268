// Code lenses above each described operation ("observed 1,204 calls · p95 38 ms · last seen
// 2 min ago" or "no traffic seen") and hovers on a path with its status breakdown.
import type { CodeLens, Hover, Position } from 'vscode-languageserver/node';
import { formatDuration } from '../../core/src/format/duration';
import type { OperationModel } from '../../core/src/openapi/model';
import type { Analyzer } from './analyzer';

export function ago(ms: number, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} days ago`;
}


export function codeLenses(analyzer: Analyzer, uri: string, hasTraffic: boolean): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const analysis of analyzer.forDocument(uri)) {
    const document = analysis.spec.documents.get(uri);
    if (!document) continue;
    for (const op of analysis.spec.model?.operations ?? []) {
      if (op.ref.uri !== uri) continue;
      // Above the method's key (`get:`), where the eye looks for the operation.
      const span = document.positions.spanOf(op.ref.pointer);
      const at = span?.key ?? span?.value;
      if (!at) continue;
      const location = { range: document.lines.rangeOf(at) };
      const stats = analysis.operations.get(op.key);
      const p95 = stats?.sketch.quantile(0.95);
      const title = stats
        ? `observed ${stats.count.toLocaleString('en-US')} calls${p95 === undefined ? '' : ` · p95 ${formatDuration(p95)}`} · last seen ${ago(stats.lastSeen)}`
        : hasTraffic
          ? 'no traffic seen'
          : 'no traffic observed yet';
      const line = location.range.start.line;
      lenses.push({ range: { start: { line, character: 0 }, end: { line, character: 0 } }, command: { title, command: '' } });
    }
  }
  return lenses;
}

function contains(range: { start: Position; end: Position }, p: Position): boolean {
  const after = p.line > range.start.line || (p.line === range.start.line && p.character >= range.start.character);
  const before = p.line < range.end.line || (p.line === range.end.line && p.character <= range.end.character);
  return after && before;
}

export function hover(analyzer: Analyzer, uri: string, position: Position): Hover | undefined {
  for (const analysis of analyzer.forDocument(uri)) {
    const model = analysis.spec.model;
    if (!model) continue;
    const document = analysis.spec.documents.get(uri);
    if (!document) continue;
    for (const item of model.paths.values()) {
      if (item.ref.uri !== uri) continue;
      // The path's key (`/pets:`), not its value, is what the user hovers.
      const key = document.positions.spanOf(item.ref.pointer)?.key;
      const keyRange = key ? { range: document.lines.rangeOf(key) } : undefined;
      if (!keyRange || keyRange.range.start.line !== position.line) continue;
      const lines = [...item.operations.values()].map((op: OperationModel) => {
        const stats = analysis.operations.get(op.key);
        if (!stats) return `- \`${op.method.toUpperCase()}\`: no traffic seen`;
        const statuses = Object.entries(stats.statuses)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([status, n]) => `${status === '0' ? 'no response' : status} ×${n.toLocaleString('en-US')}`)
          .join(', ');
        return `- \`${op.method.toUpperCase()}\`: ${stats.count.toLocaleString('en-US')} calls — ${statuses}`;
      });
      if (!contains({ start: keyRange.range.start, end: { line: keyRange.range.start.line, character: Number.MAX_SAFE_INTEGER } }, position)) continue;
      return { contents: { kind: 'markdown', value: [`**Tapline: traffic for \`${item.path}\`**`, '', ...lines].join('\n') } };
    }
  }
  return undefined;
}

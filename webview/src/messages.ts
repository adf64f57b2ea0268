// The messages this panel speaks, as the panel sees them. The shared union lives in core/ (see
// core/src/messages); `readInbound` narrows whatever arrives on `window.message` to this shape so a
// malformed message is dropped instead of breaking the panel.
import type { EndpointDetail, EndpointRow, FindingView, StreamItem } from './model';

/** Extension → webview. */
export type Inbound =
  | { type: 'snapshot'; endpoints: EndpointRow[]; transactions: StreamItem[]; findings: FindingView[] }
  | { type: 'delta'; upserted: EndpointRow[]; removed: string[] }
  | { type: 'transactions'; items: StreamItem[] }
  | { type: 'findings'; findings: FindingView[] }
  /** The extension asks the panel to show an endpoint (tree "Open in Explorer"), with its detail when known. */
  | { type: 'selection'; endpointId: string; detail?: EndpointDetail }
  | { type: 'detail'; detail: EndpointDetail };

/** Webview → extension. */
export type Outbound =
  | { type: 'ready' }
  | { type: 'selectEndpoint'; endpointId: string }
  | { type: 'applyFix'; findingId: string; endpointId: string; fixKind: string }
  | { type: 'filterChanged'; query: string }
  | { type: 'openInSpec'; endpointId: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function array<T>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}

function isRow(v: unknown): v is EndpointRow {
  return isRecord(v) && typeof v['id'] === 'string' && typeof v['service'] === 'string' && typeof v['method'] === 'string' && typeof v['template'] === 'string' && typeof v['calls'] === 'number';
}

function isStreamItem(v: unknown): v is StreamItem {
  if (!isRecord(v) || !isRecord(v['transaction'])) return false;
  const tx = v['transaction'];
  return typeof tx['id'] === 'string' && typeof tx['service'] === 'string' && isRecord(tx['request']) && typeof tx['request']['method'] === 'string' && typeof tx['request']['target'] === 'string';
}

function isFinding(v: unknown): v is FindingView {
  return isRecord(v) && typeof v['id'] === 'string' && typeof v['endpointId'] === 'string' && typeof v['message'] === 'string' && Array.isArray(v['fixes']);
}

function isDetail(v: unknown): v is EndpointDetail {
  return isRecord(v) && isRow(v['endpoint']) && Array.isArray(v['samples']);
}

/** Narrows a posted message; rows and items of the wrong shape are dropped one by one. */
export function readInbound(data: unknown): Inbound | undefined {
  if (!isRecord(data)) return undefined;
  switch (data['type']) {
    case 'snapshot':
      return {
        type: 'snapshot',
        endpoints: array(data['endpoints']).filter(isRow),
        transactions: array(data['transactions']).filter(isStreamItem),
        findings: array(data['findings']).filter(isFinding),
      };
    case 'delta':
      return { type: 'delta', upserted: array(data['upserted']).filter(isRow), removed: array(data['removed']).filter((x): x is string => typeof x === 'string') };
    case 'transactions':
      return { type: 'transactions', items: array(data['items']).filter(isStreamItem) };
    case 'findings':
      return { type: 'findings', findings: array(data['findings']).filter(isFinding) };
    case 'selection': {
      if (typeof data['endpointId'] !== 'string') return undefined;
      const detail = isDetail(data['detail']) ? data['detail'] : undefined;
      return detail ? { type: 'selection', endpointId: data['endpointId'], detail } : { type: 'selection', endpointId: data['endpointId'] };
    }
    case 'detail':
      return isDetail(data['detail']) ? { type: 'detail', detail: data['detail'] } : undefined;
    default:
      return undefined;
  }
}

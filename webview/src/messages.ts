// The messages this panel speaks are defined once in core/src/messages/webview.ts. Messages from
// the extension are ours, but the panel still checks their shape so that one malformed message is
// dropped instead of breaking the panel.
import type { ExtensionToWebviewMessage, WebviewToExtensionMessage } from '../../core/src/messages/webview';

export type Inbound = ExtensionToWebviewMessage;
export type Outbound = WebviewToExtensionMessage;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks the parts the panel indexes into; deeper fields are read defensively where used. */
export function readInbound(data: unknown): Inbound | undefined {
  if (!isRecord(data)) return undefined;
  switch (data['type']) {
    case 'snapshot': {
      const s = data['snapshot'];
      return isRecord(s) && Array.isArray(s['services']) ? (data as unknown as Inbound) : undefined;
    }
    case 'transactions':
      return Array.isArray(data['transactions']) ? (data as unknown as Inbound) : undefined;
    case 'findings':
      return Array.isArray(data['endpoints']) ? (data as unknown as Inbound) : undefined;
    case 'desyncs':
      return Array.isArray(data['services']) ? (data as unknown as Inbound) : undefined;
    case 'coverage':
      return Array.isArray(data['specs']) && data['specs'].every((s) => isRecord(s) && isRecord(s['total'])) ? (data as unknown as Inbound) : undefined;
    case 'selection': {
      const id = data['endpointId'];
      const detail = data['detail'];
      if (id !== null && typeof id !== 'string') return undefined;
      if (detail !== undefined && !(isRecord(detail) && Array.isArray(detail['samples']) && typeof detail['id'] === 'string')) return undefined;
      const grpc = data['grpc'];
      if (grpc !== undefined && !(isRecord(grpc) && Array.isArray(grpc['statuses']) && Array.isArray(grpc['samples']) && isRecord(grpc['schema']))) return undefined;
      return data as unknown as Inbound;
    }
    default:
      return undefined;
  }
}

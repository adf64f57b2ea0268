// gRPC over HTTP/2 (grpc/doc/PROTOCOL-HTTP2.md): the call's service and method from the path,
// its status and message from the trailers (or the headers of a trailers-only answer).
import type { GrpcCall, HttpHeader } from '../../../core/src/protocol/transaction';

const GRPC_PATH = /^\/([^/?]+)\/([^/?]+)$/;

export function isGrpc(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/grpc(?:$|[+;])/i.test(contentType);
}

/** Undefined when the path is not `/pkg.Service/Method`. `answer`: response headers then trailers. */
export function grpcCall(path: string, answer: readonly HttpHeader[] | undefined): GrpcCall | undefined {
  const m = GRPC_PATH.exec(path);
  if (!m) return undefined;
  const call: GrpcCall = { service: m[1], method: m[2] };
  // The last one wins: trailers come after the headers.
  const status = lastValue(answer, 'grpc-status');
  if (status !== undefined && /^\d{1,10}$/.test(status.trim())) call.status = Number(status.trim());
  const message = lastValue(answer, 'grpc-message');
  if (message !== undefined) call.message = percentDecoded(message);
  return call;
}

function percentDecoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // not valid percent-encoding: shown as sent
  }
}

function lastValue(headers: readonly HttpHeader[] | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (let i = headers.length - 1; i >= 0; i--) if (headers[i].name.toLowerCase() === name) return headers[i].value;
  return undefined;
}

// An endpoint observation's gRPC detail for display: calls by grpc-status name, and each sample's
// messages decoded through a schema lookup (the engine's .proto index) or shown as hex with why.
// Pure: the lookup is handed in, so core knows nothing of protobufjs or the file system.
import type { EndpointObservation } from '../inventory/inventory-types';
import type { GrpcDetail, GrpcMessageView, GrpcSampleMessages, GrpcStatusCount } from '../messages/grpc-detail';
import { grpcStatusName } from '../protocol/grpc-status';
import type { CapturedBody, HttpHeader, Transaction } from '../protocol/transaction';
import { bodyBytes, splitFrames, toHex, type GrpcFrame } from './frames';

/** One method's message types, able to turn message bytes into display text (or throw why not). */
export interface GrpcMethodSchema {
  file: string;
  requestType: string;
  responseType: string;
  decodeRequest(bytes: Uint8Array): string;
  decodeResponse(bytes: Uint8Array): string;
}

export type GrpcSchemaLookup = (service: string, method: string) => GrpcMethodSchema | { unavailable: string };

export function grpcDetail(o: EndpointObservation, lookup: GrpcSchemaLookup): GrpcDetail | undefined {
  if (!o.grpc) return undefined;
  const found = lookup(o.grpc.service, o.grpc.method);
  const schema = 'unavailable' in found ? found : undefined;
  const methodSchema = 'unavailable' in found ? undefined : found;
  return {
    service: o.grpc.service,
    method: o.grpc.method,
    statuses: Object.entries(o.grpc.statuses).map(([key, count]): GrpcStatusCount => {
      const code = key === 'none' ? null : Number(key);
      return { code, name: code === null ? 'unfinished' : grpcStatusName(code), count };
    }),
    schema: methodSchema ? { file: methodSchema.file, requestType: methodSchema.requestType, responseType: methodSchema.responseType } : schema!,
    samples: o.samples.map((t) => sampleMessages(t, methodSchema, schema?.unavailable ?? '')),
  };
}

function sampleMessages(t: Transaction, schema: GrpcMethodSchema | undefined, unavailable: string): GrpcSampleMessages {
  const notes: string[] = [];
  const side = (body: CapturedBody | undefined, headers: readonly HttpHeader[], label: string, typeName: string | undefined, decode: ((b: Uint8Array) => string) | undefined): GrpcMessageView[] => {
    if (body && body.encoding === 'none' && body.size > 0) notes.push(`${label}: ${body.size} bytes not captured`);
    const split = splitFrames(bodyBytes(body));
    if (split.invalid) notes.push(`${label}: not gRPC framing (${split.invalid})`);
    else if (split.leftover > 0) notes.push(`${label}: ${split.leftover} bytes after the last whole message (the body was cut)`);
    const encoding = headers.find((h) => h.name.toLowerCase() === 'grpc-encoding')?.value;
    return split.frames.map((f, index) => view(f, index, { typeName, decode, encoding, unavailable, cut: body?.truncated === true }));
  };
  const out: GrpcSampleMessages = {
    sampleId: t.id,
    request: side(t.request.body, t.request.headers, 'request', schema?.requestType, schema ? (b) => schema.decodeRequest(b) : undefined),
    response: side(t.response?.body, t.response?.headers ?? [], 'response', schema?.responseType, schema ? (b) => schema.decodeResponse(b) : undefined),
    notes,
  };
  if (t.grpc?.status !== undefined) out.statusName = grpcStatusName(t.grpc.status);
  return out;
}

interface ViewContext {
  typeName: string | undefined;
  decode: ((bytes: Uint8Array) => string) | undefined;
  encoding: string | undefined;
  unavailable: string;
  cut: boolean;
}

function view(f: GrpcFrame, index: number, ctx: ViewContext): GrpcMessageView {
  const base: GrpcMessageView = { index, compressed: f.compressed, length: f.length };
  if (ctx.typeName !== undefined) base.typeName = ctx.typeName;
  const hex = (reason: string): GrpcMessageView => ({ ...base, hex: toHex(f.data), reason });
  if (!f.complete) return hex(`cut ${ctx.cut ? 'by the capture cap' : 'short'}: ${f.data.length} of ${f.length} bytes kept`);
  if (f.compressed) return hex(`compressed (grpc-encoding ${ctx.encoding ?? 'unknown'}): shown as sent`);
  if (!ctx.decode) return hex(ctx.unavailable);
  try {
    return { ...base, decoded: ctx.decode(f.data) };
  } catch (e) {
    return hex(`not a valid ${ctx.typeName ?? 'message'}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

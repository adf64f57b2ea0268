// What the engine adds to an endpoint's detail when it is a gRPC method (ENDPOINT_DETAIL): its
// calls by grpc-status name, and each sample's messages, decoded with the workspace's .proto
// files when one declares the method, as hex with the reason otherwise. Everything in here came
// from traffic or from workspace files: render it as text.

export interface GrpcStatusCount {
  /** null for calls that ended without a grpc-status. */
  code: number | null;
  /** `OK`, `NOT_FOUND`, … (`code 42` outside the specification, `unfinished` for null). */
  name: string;
  count: number;
}

export interface GrpcMessageView {
  /** Position of the message in its direction (0 first). */
  index: number;
  /** The frame's compressed flag (grpc-encoding applies). */
  compressed: boolean;
  /** The length the frame declared, in bytes. */
  length: number;
  /** The message as indented JSON text (protobufjs `toObject`), when it was decoded. */
  decoded?: string;
  /** The message type used (or that would have been), e.g. `shop.v1.Item`. */
  typeName?: string;
  /** The message bytes as hex (`0a 03 66 6f 6f`), when not decoded; at most MAX_HEX_BYTES of them. */
  hex?: string;
  /** Why the message is shown as hex: no .proto declares the method, compressed, cut by a cap, undecodable. */
  reason?: string;
}

export interface GrpcSampleMessages {
  sampleId: string;
  /** `NOT_FOUND` for the sample's grpc-status; absent when the call did not finish. */
  statusName?: string;
  request: GrpcMessageView[];
  response: GrpcMessageView[];
  /** About the bodies as a whole: bytes past the last whole frame, a body not captured. */
  notes: string[];
}

export interface GrpcDetail {
  service: string;
  method: string;
  statuses: GrpcStatusCount[];
  /** Which .proto declares the method (`shop.proto`), or why messages cannot be decoded. */
  schema: { file: string; requestType: string; responseType: string } | { unavailable: string };
  samples: GrpcSampleMessages[];
}

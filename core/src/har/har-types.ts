// The parts of HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) that Tapline reads and
// writes. Chromium's DevTools adds `_`-prefixed fields; they are allowed and mostly ignored.
import type { GrpcCall, KubernetesRef, Redaction } from '../protocol/transaction';

export interface HarNameValue {
  name: string;
  value: string;
}

export interface HarPostData {
  mimeType: string;
  text?: string;
  params?: Array<{ name: string; value?: string; fileName?: string; contentType?: string }>;
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarNameValue[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  postData?: HarPostData;
  headersSize: number;
  bodySize: number;
}

export interface HarContent {
  size: number;
  compression?: number;
  mimeType: string;
  text?: string;
  encoding?: string;
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarNameValue[];
  headers: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
}

/** What Tapline adds to an exported entry so that an import gives the same transaction back. */
export interface HarTaplineExtension {
  id: string;
  origin: 'ebpf' | 'replay' | 'import';
  service: string;
  client: { address: string; port: number; pid?: number; process?: string; containerId?: string };
  server: { address: string; port: number; pid?: number; process?: string; containerId?: string };
  redactions: Redaction[];
  /** The serving pod, when the sensor attributed it (validated on import like the rest). */
  k8s?: KubernetesRef;
  /** The gRPC call (service, method, grpc-status): HAR has no field for it. */
  grpc?: GrpcCall;
  requestTruncated?: boolean;
  responseTruncated?: boolean;
  requestBodySize?: number;
  /** HAR's postData has no encoding field: set when `postData.text` holds base64 (a binary request body). */
  requestBodyEncoding?: 'base64';
  responseBodySize?: number;
  noResponse?: boolean;
}

export interface HarEntry {
  pageref?: string;
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, unknown>;
  timings: { blocked?: number; dns?: number; connect?: number; send: number; wait: number; receive: number; ssl?: number };
  serverIPAddress?: string;
  connection?: string;
  _tapline?: HarTaplineExtension;
}

export interface Har {
  log: {
    version: string;
    creator: { name: string; version: string };
    pages?: unknown[];
    entries: HarEntry[];
  };
}

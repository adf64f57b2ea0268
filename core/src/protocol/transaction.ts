// One observed HTTP exchange, as a sensor reports it (protocol tapline/1) and as the extension,
// the language server and the HAR import/export work with it. Everything in here came from the
// wire and is attacker-controlled: render it as text, never as markup.

export interface HttpHeader {
  name: string;
  value: string;
}

export interface QueryParam {
  name: string;
  value: string;
}

/** A message body as captured. `text` holds decoded text (after Content-Encoding), `base64` holds binary. */
export interface CapturedBody {
  /** Size in bytes on the wire (after transfer decoding, before content decoding) as far as it was seen. */
  size: number;
  /** True when the sensor's per-message cap cut the body; `text`/`base64` then hold the first part only. */
  truncated: boolean;
  contentType?: string;
  /** The Content-Encoding that was decoded for inspection (gzip, deflate, br), if any. */
  contentEncoding?: string;
  encoding: 'text' | 'base64' | 'none';
  text?: string;
  base64?: string;
}

export type RedactionKind =
  | 'authorization'
  | 'cookie'
  | 'set-cookie'
  | 'api-key'
  | 'jwt'
  | 'email'
  | 'card-number'
  | 'national-id'
  | 'credential'
  | 'private-key'
  | 'iban'
  | 'phone'
  | 'custom';

export type RedactionLocation =
  | 'request.path'
  | 'request.query'
  | 'request.header'
  | 'request.body'
  | 'response.header'
  | 'response.body';

/** What the sensor removed before the transaction left the node, and where. The value itself is never sent. */
export interface Redaction {
  kind: RedactionKind;
  location: RedactionLocation;
  /** Header or query parameter name, or a JSON pointer into the body when known. */
  name?: string;
  count: number;
}

export interface Peer {
  address: string;
  port: number;
  pid?: number;
  process?: string;
  containerId?: string;
}

/** The Kubernetes workload that owns a process, from its cgroup and the node's pods (sensor/src/k8s/). */
export interface KubernetesWorkload {
  /** The top owner: Deployment (through its ReplicaSet), StatefulSet, DaemonSet, Job, CronJob, or Pod when none. */
  kind: string;
  name: string;
}

/** Where the serving process runs in Kubernetes; present only when the sensor could attribute it. */
export interface KubernetesRef {
  namespace: string;
  pod: string;
  /** The container's name in the pod spec, when its status names the container id. */
  container?: string;
  workload?: KubernetesWorkload;
}

export interface TransactionRequest {
  method: string;
  /** The request-target exactly as sent (path and query), after redaction. */
  target: string;
  /** The path part of the target, percent-encoding kept as sent. */
  path: string;
  /** The raw query string without the leading `?` ('' when there is none). */
  query: string;
  /** The query parsed into name/value pairs (decoded), in order, repeats kept. */
  queryParams: QueryParam[];
  headers: HttpHeader[];
  body?: CapturedBody;
}

export interface TransactionResponse {
  status: number;
  reason?: string;
  headers: HttpHeader[];
  body?: CapturedBody;
}

export interface Transaction {
  id: string;
  /** Milliseconds since the Unix epoch when the first request byte was seen. */
  startedAt: number;
  /** From the first request byte to the last response byte, in milliseconds (kernel timestamps). */
  durationMs: number;
  /** Where the transaction came from: live capture or a replayed HAR file. */
  origin: 'ebpf' | 'replay' | 'import';
  /** Service name: the Host header or server host:port unless the sensor was told better. */
  service: string;
  client: Peer;
  /** The server side; `pid`/`process`/`containerId` name the process that served it when seen. */
  server: Peer;
  tls: boolean;
  httpVersion: '1.0' | '1.1' | '2';
  request: TransactionRequest;
  /** Absent when the connection closed before a response arrived. */
  response?: TransactionResponse;
  redactions: Redaction[];
  /** The server side's pod, when the sensor runs in Kubernetes and knew it; absent elsewhere. */
  k8s?: KubernetesRef;
  /** Present when the exchange is a gRPC call (HTTP/2, `application/grpc` content type). */
  grpc?: GrpcCall;
}

/** A gRPC call read from its HTTP/2 exchange; its messages stay in the bodies as bytes. */
export interface GrpcCall {
  /** The fully qualified service from the path `/pkg.Service/Method`. */
  service: string;
  method: string;
  /** `grpc-status` from the trailers (or a trailers-only response); absent when the call did not end. */
  status?: number;
  /** `grpc-message`, percent-decoded. */
  message?: string;
}

/** A gRPC call that ended with a non-zero status failed, whatever its HTTP status (200 for gRPC). */
export function grpcFailed(t: Pick<Transaction, 'grpc'>): boolean {
  return t.grpc?.status !== undefined && t.grpc.status !== 0;
}

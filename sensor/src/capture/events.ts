// The contract between capture (the eBPF loader's frames, decoded) and the daemon's HTTP
// pipeline. Capture sources produce these; the pipeline reassembles, parses and pairs them.

export interface SocketTuple {
  family: 4 | 6;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
}

interface EventBase {
  /** Stable for the life of one connection in one process: `${pid}:${fd}:${generation}`. */
  connectionId: string;
  pid: number;
  /** Process name (comm), at most 16 bytes. */
  comm: string;
  /** Kernel monotonic timestamp in nanoseconds. */
  timestampNs: bigint;
}

/** A TCP connection was accepted (server role) or connected (client role) by a traced process. */
export interface OpenEvent extends EventBase {
  kind: 'open';
  role: 'client' | 'server';
  tuple: SocketTuple;
  cgroupId: bigint;
  /**
   * The local process at the other end, when both ends are on this host and that end is traced.
   * The eBPF source copies only the server side of such connections, so this is how the client
   * process is known. (Optional: added compatibly after the first version of this contract.)
   */
  peer?: { pid: number; comm: string };
}

/** Bytes a traced process read from or wrote to a connection (plaintext: TLS comes from the uprobes). */
export interface DataEvent extends EventBase {
  kind: 'data';
  direction: 'read' | 'write';
  tls: boolean;
  data: Uint8Array;
  /** How many bytes the call really moved; larger than `data.length` when the copy was capped. */
  originalLength: number;
  /** The role and tuple when the kernel knew them at the time of the call. */
  role?: 'client' | 'server';
  tuple?: SocketTuple;
}

export interface CloseEvent extends EventBase {
  kind: 'close';
}

/** The kernel dropped events (ring buffer full); the connections involved may be incomplete. */
export interface LostEvent {
  kind: 'lost';
  count: number;
}

export type CaptureEvent = OpenEvent | DataEvent | CloseEvent | LostEvent;

/** Anything that yields capture events: the eBPF loader, or a recorded event file. */
export interface CaptureSource {
  start(onEvent: (event: CaptureEvent) => void, onError: (error: Error) => void): Promise<void>;
  stop(): Promise<void>;
}

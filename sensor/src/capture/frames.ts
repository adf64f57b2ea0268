// Decodes the loader's stdout (docs/capture.md): frames of [u32 magic "TPL1"][u32 length]
// [record], little-endian, records laid out as in sensor/bpf/tapline.h (offsets in layout.ts). Input arrives in
// arbitrary chunks; a malformed frame is counted and skipped (resynchronising on the magic),
// never thrown, because the byte stream is the only thing between the kernel and the daemon.
import type { CaptureEvent, DataEvent, OpenEvent, SocketTuple } from './events';
import { CLOSE, COMM_LEN, COUNTER, DATA_HDR, OPEN, PROC, PROC_FLAG, READY, REC, STATS, TUPLE } from './layout';

export const FRAME_MAGIC = 0x314c5054;
const MAGIC_BYTES = Buffer.from([0x54, 0x50, 0x4c, 0x31]);
/** Larger than any record the loader writes (a data record holds at most 1 MiB of payload). */
const MAX_RECORD = (1 << 20) + 4096;


/** Cumulative counters from the loader's periodic stats record. */
export interface LoaderStats {
  records: bigint;
  lost: bigint;
  lostBytes: bigint;
  truncated: bigint;
  tlsUnmapped: bigint;
  mergeDropped: bigint;
  sslTargets: number;
}

/** What the loader found in one process: its TLS library (a TLS_LIB value) and Go version. */
export interface LoaderProcess {
  pid: number;
  comm: string;
  lib: number;
  version: string;
  /** The kernel saw TLS records on one of its traced sockets. */
  ciphertext: boolean;
}

export type LoaderFrame =
  | { type: 'event'; event: CaptureEvent }
  | { type: 'stats'; stats: LoaderStats }
  | { type: 'ready'; loaderPid: number; sslTargets: number }
  | { type: 'process'; process: LoaderProcess };

/** What a connection's data records repeat; decoded once per connection. */
interface ConnInfo {
  id: string;
  comm: string;
  tuple: SocketTuple | undefined;
}

const MAX_CACHED_CONNECTIONS = 65536;

export class FrameDecoder {
  /** Frames that were malformed and skipped (including runs of bytes skipped to resynchronise). */
  badFrames = 0;
  private pending: Buffer = Buffer.alloc(0);
  private lastLost = 0n;
  /** Inside a run of skipped bytes (which may span chunks): counted once. */
  private skipping = false;
  private readonly conns = new Map<string, ConnInfo>();

  /**
   * @param copyPayload false: data events view the input chunks instead of copying them. Only
   *   for callers that never reuse a chunk after push() (a child process's stdout does not).
   */
  constructor(private readonly copyPayload = true) {}

  push(chunk: Uint8Array): LoaderFrame[] {
    const input = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const buf = this.pending.length ? Buffer.concat([this.pending, input]) : input;
    const out: LoaderFrame[] = [];
    let off = 0;
    while (buf.length - off >= 8) {
      if (buf.readUInt32LE(off) !== FRAME_MAGIC) {
        off = this.resync(buf, off + 1);
        continue;
      }
      const len = buf.readUInt32LE(off + 4);
      if (len < 1 || len > MAX_RECORD) {
        off = this.resync(buf, off + 1);
        continue;
      }
      if (buf.length - off - 8 < len) break;
      const frame = this.decode(buf, off + 8, len);
      this.skipping = false;
      if (frame) out.push(frame);
      else this.badFrames++;
      off += 8 + len;
    }
    // Keep the unconsumed tail (copied, so the caller's chunk is not retained).
    this.pending = off === buf.length ? EMPTY : Buffer.from(buf.subarray(off));
    return out;
  }

  /** Skips to the next magic; counts one bad frame per skipped run. */
  private resync(buf: Buffer, from: number): number {
    if (!this.skipping) this.badFrames++;
    this.skipping = true;
    const next = buf.indexOf(MAGIC_BYTES, from);
    // Not found: keep the last 3 bytes, they may be the start of a magic split across chunks.
    return next >= 0 ? next : Math.max(from, buf.length - 3);
  }

  /** Decodes the record at buf[at, at + len) in place. */
  private decode(buf: Buffer, at: number, len: number): LoaderFrame | undefined {
    switch (buf[at]) {
      case REC.data:
        return this.data(buf, at, len);
      case REC.open:
        return len === OPEN.size ? this.open(buf, at) : undefined;
      case REC.close:
        return len === CLOSE.size ? this.close(buf, at) : undefined;
      case REC.stats:
        return len === STATS.size ? stats(buf, at) : undefined;
      case REC.ready:
        return len === READY.size
          ? { type: 'ready', loaderPid: buf.readUInt32LE(at + READY.loader_pid), sslTargets: Number(buf.readBigUInt64LE(at + READY.ssl_targets)) }
          : undefined;
      case REC.proc:
        return len === PROC.size ? proc(buf, at) : undefined;
      default:
        return undefined;
    }
  }

  private conn(buf: Buffer, pid: number, fd: number, gen: number, commAt: number, tupleAt_: number): ConnInfo {
    const id = connectionId(pid, fd, gen);
    let info = this.conns.get(id);
    if (!info) {
      if (this.conns.size >= MAX_CACHED_CONNECTIONS) this.conns.clear(); // closes were lost: start over
      info = { id, comm: cstring(buf, commAt), tuple: tupleAt(buf, tupleAt_) };
      this.conns.set(id, info);
    }
    return info;
  }

  private open(buf: Buffer, at: number): LoaderFrame | undefined {
    const role = roleOf(buf[at + OPEN.role]);
    const tuple = tupleAt(buf, at + OPEN.tuple);
    if (!role || !tuple) return undefined;
    const pid = buf.readUInt32LE(at + OPEN.tgid);
    const id = connectionId(pid, buf.readInt32LE(at + OPEN.fd), buf.readUInt32LE(at + OPEN.gen));
    const comm = cstring(buf, at + OPEN.comm);
    this.conns.set(id, { id, comm, tuple });
    const event: OpenEvent = {
      kind: 'open',
      connectionId: id,
      pid,
      comm,
      timestampNs: buf.readBigUInt64LE(at + OPEN.ts),
      role,
      tuple,
      cgroupId: buf.readBigUInt64LE(at + OPEN.cgroup),
    };
    const peerPid = buf.readUInt32LE(at + OPEN.peer_pid);
    if (peerPid) event.peer = { pid: peerPid, comm: cstring(buf, at + OPEN.peer_comm) };
    return { type: 'event', event };
  }

  private data(buf: Buffer, at: number, len: number): LoaderFrame | undefined {
    if (len < DATA_HDR.size) return undefined;
    const payload = buf.readUInt32LE(at + DATA_HDR.len);
    const dir = buf[at + DATA_HDR.dir];
    const tls = buf[at + DATA_HDR.tls]!;
    if (len !== DATA_HDR.size + payload || (dir !== 0 && dir !== 1) || tls > 1) return undefined;
    const originalLength = buf.readUInt32LE(at + DATA_HDR.orig_len);
    if (originalLength < payload) return undefined;
    const pid = buf.readUInt32LE(at + DATA_HDR.tgid);
    const info = this.conn(buf, pid, buf.readInt32LE(at + DATA_HDR.fd), buf.readUInt32LE(at + DATA_HDR.gen), at + DATA_HDR.comm, at + DATA_HDR.tuple);
    const start = at + DATA_HDR.size;
    const event: DataEvent = {
      kind: 'data',
      connectionId: info.id,
      pid,
      comm: info.comm,
      timestampNs: buf.readBigUInt64LE(at + DATA_HDR.ts),
      direction: dir === 1 ? 'write' : 'read',
      tls: tls === 1,
      data: this.copyPayload ? Uint8Array.prototype.slice.call(buf, start, start + payload) : new Uint8Array(buf.buffer, buf.byteOffset + start, payload),
      originalLength,
    };
    const role = roleOf(buf[at + DATA_HDR.role]);
    if (role) event.role = role;
    if (info.tuple) event.tuple = info.tuple;
    return { type: 'event', event };
  }

  private close(buf: Buffer, at: number): LoaderFrame {
    const pid = buf.readUInt32LE(at + CLOSE.tgid);
    const id = connectionId(pid, buf.readInt32LE(at + CLOSE.fd), buf.readUInt32LE(at + CLOSE.gen));
    this.conns.delete(id);
    return {
      type: 'event',
      event: { kind: 'close', connectionId: id, pid, comm: cstring(buf, at + CLOSE.comm), timestampNs: buf.readBigUInt64LE(at + CLOSE.ts) },
    };
  }

  /**
   * How many records were lost since the previous call: by the kernel (ring buffer full), by
   * the loader (chunks it could not merge) and here (frames that did not decode). All three are
   * drops the stream's `droppedEvents` and the status bar must show (from cumulative stats).
   */
  lostSince(stats: LoaderStats): number {
    const lost = stats.lost + stats.mergeDropped + BigInt(this.badFrames);
    const delta = lost > this.lastLost ? lost - this.lastLost : 0n;
    this.lastLost = lost;
    return Number(delta);
  }
}

const EMPTY = Buffer.alloc(0);

function stats(buf: Buffer, at: number): LoaderFrame {
  const c = (i: number): bigint => buf.readBigUInt64LE(at + STATS.counters + i * 8);
  return {
    type: 'stats',
    stats: {
      records: c(COUNTER.records),
      lost: c(COUNTER.lost),
      lostBytes: c(COUNTER.lostBytes),
      truncated: c(COUNTER.truncated),
      tlsUnmapped: c(COUNTER.tlsUnmapped),
      mergeDropped: buf.readBigUInt64LE(at + STATS.frames_merged_dropped),
      sslTargets: Number(buf.readBigUInt64LE(at + STATS.ssl_targets)),
    },
  };
}

function proc(buf: Buffer, at: number): LoaderFrame {
  return {
    type: 'process',
    process: {
      pid: buf.readUInt32LE(at + PROC.tgid),
      comm: cstring(buf, at + PROC.comm),
      lib: buf[at + PROC.lib]!,
      version: cstring(buf, at + PROC.version),
      ciphertext: (buf[at + PROC.flags]! & PROC_FLAG.TL_PROC_CIPHERTEXT) !== 0,
    },
  };
}

/** `${pid}:${fd}:${generation}`, as events.ts promises. */
export function connectionId(pid: number, fd: number, gen: number): string {
  return `${pid}:${fd}:${gen}`;
}

function roleOf(b: number | undefined): 'client' | 'server' | undefined {
  return b === 1 ? 'client' : b === 2 ? 'server' : undefined;
}

/** A NUL-padded char[16]; decoded as UTF-8 (invalid bytes become U+FFFD, it is rendered as text). */
function cstring(buf: Buffer, at: number): string {
  const field = buf.subarray(at, at + COMM_LEN);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? COMM_LEN : nul).toString('utf8');
}

/** tl_tuple: laddr[16] raddr[16] lport u16 rport u16 family u8; undefined when empty or invalid. */
function tupleAt(buf: Buffer, at: number): SocketTuple | undefined {
  const family = buf[at + TUPLE.family];
  if (family !== 4 && family !== 6) return undefined;
  const l = at + TUPLE.laddr;
  const r = at + TUPLE.raddr;
  return {
    family,
    // IPv4 is stored as ::ffff:a.b.c.d: its 4 bytes are the last of the 16.
    localAddress: family === 4 ? ipv4(buf, l + 12) : ipv6(buf.subarray(l, l + 16)),
    localPort: buf.readUInt16LE(at + TUPLE.lport),
    remoteAddress: family === 4 ? ipv4(buf, r + 12) : ipv6(buf.subarray(r, r + 16)),
    remotePort: buf.readUInt16LE(at + TUPLE.rport),
  };
}

function ipv4(buf: Buffer, at: number): string {
  return `${buf[at]}.${buf[at + 1]}.${buf[at + 2]}.${buf[at + 3]}`;
}

/** RFC 5952 text form: lower case, longest run of zero groups (two or more) as "::". */
export function ipv6(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  let bestAt = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestAt < 0) return hex.join(':');
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLen).join(':')}`;
}

// Decodes the loader's stdout (docs/capture.md): frames of [u32 magic "TPL1"][u32 length]
// [record], little-endian, records laid out as in sensor/bpf/tapline.h. Input arrives in
// arbitrary chunks; a malformed frame is counted and skipped (resynchronising on the magic),
// never thrown, because the byte stream is the only thing between the kernel and the daemon.
import type { CaptureEvent, DataEvent, OpenEvent, SocketTuple } from './events';

export const FRAME_MAGIC = 0x314c5054;
const MAGIC_BYTES = Buffer.from([0x54, 0x50, 0x4c, 0x31]);
/** Larger than any record the loader writes (a data record holds at most 1 MiB of payload). */
const MAX_RECORD = (1 << 20) + 4096;

const REC_OPEN = 1;
const REC_DATA = 2;
const REC_CLOSE = 3;
const REC_STATS = 4;
const REC_READY = 5;

const OPEN_SIZE = 112;
const DATA_HDR_SIZE = 104;
const CLOSE_SIZE = 40;
const STATS_SIZE = 88;
const READY_SIZE = 16;
const COMM_LEN = 16;

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

export type LoaderFrame =
  | { type: 'event'; event: CaptureEvent }
  | { type: 'stats'; stats: LoaderStats }
  | { type: 'ready'; loaderPid: number; sslTargets: number };

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
      case REC_DATA:
        return this.data(buf, at, len);
      case REC_OPEN:
        return len === OPEN_SIZE ? this.open(buf, at) : undefined;
      case REC_CLOSE:
        return len === CLOSE_SIZE ? this.close(buf, at) : undefined;
      case REC_STATS:
        return len === STATS_SIZE ? stats(buf, at) : undefined;
      case REC_READY:
        return len === READY_SIZE
          ? { type: 'ready', loaderPid: buf.readUInt32LE(at + 4), sslTargets: Number(buf.readBigUInt64LE(at + 8)) }
          : undefined;
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
    const role = roleOf(buf[at + 1]);
    const tuple = tupleAt(buf, at + 40);
    if (!role || !tuple) return undefined;
    const pid = buf.readUInt32LE(at + 4);
    const id = connectionId(pid, buf.readInt32LE(at + 8), buf.readUInt32LE(at + 12));
    const comm = cstring(buf, at + 80);
    this.conns.set(id, { id, comm, tuple });
    const event: OpenEvent = {
      kind: 'open',
      connectionId: id,
      pid,
      comm,
      timestampNs: buf.readBigUInt64LE(at + 16),
      role,
      tuple,
      cgroupId: buf.readBigUInt64LE(at + 24),
    };
    const peerPid = buf.readUInt32LE(at + 32);
    if (peerPid) event.peer = { pid: peerPid, comm: cstring(buf, at + 96) };
    return { type: 'event', event };
  }

  private data(buf: Buffer, at: number, len: number): LoaderFrame | undefined {
    if (len < DATA_HDR_SIZE) return undefined;
    const payload = buf.readUInt32LE(at + 32);
    const dir = buf[at + 1];
    const tls = buf[at + 2]!;
    if (len !== DATA_HDR_SIZE + payload || (dir !== 0 && dir !== 1) || tls > 1) return undefined;
    const originalLength = buf.readUInt32LE(at + 24);
    if (originalLength < payload) return undefined;
    const pid = buf.readUInt32LE(at + 8);
    const info = this.conn(buf, pid, buf.readInt32LE(at + 16), buf.readUInt32LE(at + 20), at + 88, at + 48);
    const start = at + DATA_HDR_SIZE;
    const event: DataEvent = {
      kind: 'data',
      connectionId: info.id,
      pid,
      comm: info.comm,
      timestampNs: buf.readBigUInt64LE(at + 40),
      direction: dir === 1 ? 'write' : 'read',
      tls: tls === 1,
      data: this.copyPayload ? Uint8Array.prototype.slice.call(buf, start, start + payload) : new Uint8Array(buf.buffer, buf.byteOffset + start, payload),
      originalLength,
    };
    const role = roleOf(buf[at + 3]);
    if (role) event.role = role;
    if (info.tuple) event.tuple = info.tuple;
    return { type: 'event', event };
  }

  private close(buf: Buffer, at: number): LoaderFrame {
    const pid = buf.readUInt32LE(at + 4);
    const id = connectionId(pid, buf.readInt32LE(at + 8), buf.readUInt32LE(at + 12));
    this.conns.delete(id);
    return {
      type: 'event',
      event: { kind: 'close', connectionId: id, pid, comm: cstring(buf, at + 24), timestampNs: buf.readBigUInt64LE(at + 16) },
    };
  }

  /** How many records the kernel lost since the previous call (from cumulative stats). */
  lostSince(stats: LoaderStats): number {
    const delta = stats.lost > this.lastLost ? stats.lost - this.lastLost : 0n;
    this.lastLost = stats.lost;
    return Number(delta);
  }
}

const EMPTY = Buffer.alloc(0);

function stats(buf: Buffer, at: number): LoaderFrame {
  const c = (i: number): bigint => buf.readBigUInt64LE(at + 8 + i * 8);
  return {
    type: 'stats',
    stats: {
      records: c(0),
      lost: c(1),
      lostBytes: c(2),
      truncated: c(3),
      tlsUnmapped: c(4),
      mergeDropped: buf.readBigUInt64LE(at + 72),
      sslTargets: Number(buf.readBigUInt64LE(at + 80)),
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

function cstring(buf: Buffer, at: number): string {
  const field = buf.subarray(at, at + COMM_LEN);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? COMM_LEN : nul).toString('utf8');
}

/** tl_tuple: laddr[16] raddr[16] lport u16 rport u16 family u8; undefined when empty or invalid. */
function tupleAt(buf: Buffer, at: number): SocketTuple | undefined {
  const family = buf[at + 36];
  if (family !== 4 && family !== 6) return undefined;
  return {
    family,
    localAddress: family === 4 ? ipv4(buf, at + 12) : ipv6(buf.subarray(at, at + 16)),
    localPort: buf.readUInt16LE(at + 32),
    remoteAddress: family === 4 ? ipv4(buf, at + 28) : ipv6(buf.subarray(at + 16, at + 32)),
    remotePort: buf.readUInt16LE(at + 34),
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

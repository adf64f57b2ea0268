// Decodes the loader's stdout (docs/capture.md): frames of [u32 magic "TPL1"][u32 length]
// [record], little-endian, records laid out as in sensor/bpf/tapline.h. Input arrives in
// arbitrary chunks; a malformed frame is counted and skipped (resynchronising on the magic),
// never thrown, because the byte stream is the only thing between the kernel and the daemon.
import type { CaptureEvent, SocketTuple } from './events';

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

export class FrameDecoder {
  /** Frames that were malformed and skipped (including runs of bytes skipped to resynchronise). */
  badFrames = 0;
  private pending: Buffer = Buffer.alloc(0);
  private lastLost = 0n;

  push(chunk: Uint8Array): LoaderFrame[] {
    const input = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
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
      const frame = this.decode(buf.subarray(off + 8, off + 8 + len));
      if (frame) out.push(frame);
      else this.badFrames++;
      off += 8 + len;
    }
    // Keep the unconsumed tail (copied, so the caller's chunk is not retained).
    this.pending = Buffer.from(buf.subarray(off));
    return out;
  }

  /** Skips to the next magic; counts one bad frame per skipped run. */
  private resync(buf: Buffer, from: number): number {
    this.badFrames++;
    const next = buf.indexOf(MAGIC_BYTES, from);
    // Not found: keep the last 3 bytes, they may be the start of a magic split across chunks.
    return next >= 0 ? next : Math.max(from, buf.length - 3);
  }

  private decode(rec: Buffer): LoaderFrame | undefined {
    switch (rec[0]) {
      case REC_OPEN:
        return rec.length === OPEN_SIZE ? this.open(rec) : undefined;
      case REC_DATA:
        return this.data(rec);
      case REC_CLOSE:
        return rec.length === CLOSE_SIZE ? this.close(rec) : undefined;
      case REC_STATS:
        return rec.length === STATS_SIZE ? this.stats(rec) : undefined;
      case REC_READY:
        return rec.length === READY_SIZE
          ? { type: 'ready', loaderPid: rec.readUInt32LE(4), sslTargets: Number(rec.readBigUInt64LE(8)) }
          : undefined;
      default:
        return undefined;
    }
  }

  private open(rec: Buffer): LoaderFrame | undefined {
    const role = roleOf(rec[1]);
    const tuple = tupleAt(rec, 40);
    if (!role || !tuple) return undefined;
    const pid = rec.readUInt32LE(4);
    const peerPid = rec.readUInt32LE(32);
    return {
      type: 'event',
      event: {
        kind: 'open',
        connectionId: connectionId(pid, rec.readInt32LE(8), rec.readUInt32LE(12)),
        pid,
        comm: cstring(rec, 80),
        timestampNs: rec.readBigUInt64LE(16),
        role,
        tuple,
        cgroupId: rec.readBigUInt64LE(24),
        ...(peerPid ? { peer: { pid: peerPid, comm: cstring(rec, 96) } } : {}),
      },
    };
  }

  private data(rec: Buffer): LoaderFrame | undefined {
    if (rec.length < DATA_HDR_SIZE) return undefined;
    const len = rec.readUInt32LE(32);
    const dir = rec[1];
    if (rec.length !== DATA_HDR_SIZE + len || (dir !== 0 && dir !== 1) || rec[2]! > 1) return undefined;
    const originalLength = rec.readUInt32LE(24);
    if (originalLength < len) return undefined;
    const pid = rec.readUInt32LE(8);
    const role = roleOf(rec[3]);
    const tuple = tupleAt(rec, 48);
    return {
      type: 'event',
      event: {
        kind: 'data',
        connectionId: connectionId(pid, rec.readInt32LE(16), rec.readUInt32LE(20)),
        pid,
        comm: cstring(rec, 88),
        timestampNs: rec.readBigUInt64LE(40),
        direction: dir === 1 ? 'write' : 'read',
        tls: rec[2] === 1,
        data: new Uint8Array(rec.subarray(DATA_HDR_SIZE)), // a copy: `rec` is a view of the stream buffer
        originalLength,
        ...(role ? { role } : {}),
        ...(tuple ? { tuple } : {}),
      },
    };
  }

  private close(rec: Buffer): LoaderFrame {
    const pid = rec.readUInt32LE(4);
    return {
      type: 'event',
      event: {
        kind: 'close',
        connectionId: connectionId(pid, rec.readInt32LE(8), rec.readUInt32LE(12)),
        pid,
        comm: cstring(rec, 24),
        timestampNs: rec.readBigUInt64LE(16),
      },
    };
  }

  private stats(rec: Buffer): LoaderFrame {
    const c = (i: number): bigint => rec.readBigUInt64LE(8 + i * 8);
    return {
      type: 'stats',
      stats: {
        records: c(0),
        lost: c(1),
        lostBytes: c(2),
        truncated: c(3),
        tlsUnmapped: c(4),
        mergeDropped: rec.readBigUInt64LE(72),
        sslTargets: Number(rec.readBigUInt64LE(80)),
      },
    };
  }

  /** How many records the kernel lost since the previous call (from cumulative stats). */
  lostSince(stats: LoaderStats): number {
    const delta = stats.lost > this.lastLost ? stats.lost - this.lastLost : 0n;
    this.lastLost = stats.lost;
    return Number(delta);
  }
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
  const addr = (o: number): string =>
    family === 4 ? Array.from(buf.subarray(at + o + 12, at + o + 16)).join('.') : ipv6(buf.subarray(at + o, at + o + 16));
  return {
    family,
    localAddress: addr(0),
    localPort: buf.readUInt16LE(at + 32),
    remoteAddress: addr(16),
    remotePort: buf.readUInt16LE(at + 34),
  };
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

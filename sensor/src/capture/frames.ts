// Decodes the loader's stdout (docs/capture.md): frames of [u32 magic "TPL1"][u32 length]
// [record], little-endian, records laid out as in sensor/bpf/tapline.h (offsets in layout.ts). Input arrives in
// arbitrary chunks; a malformed frame is counted and skipped (resynchronising on the magic),
// never thrown, because the byte stream is the only thing between the kernel and the daemon.
// This file is the framing and the per-record dispatch, with the connection cache that data
// records read; what a frame is and the sink it goes to are in frame-sink.ts, the readers of the
// rarer records' fields (stats, process, names, tuples) in record-fields.ts.
import type { CaptureEvent, CloseEvent, DataEvent, OpenEvent, SocketTuple } from './events';
import { Collect, type FrameSink, type LoaderFrame, type LoaderStats } from './frame-sink';
import { CLOSE, DATA_HDR, OPEN, PROC, READY, REC, STATS } from './layout';
import { connectionId, cstring, proc, stats, tupleAt } from './record-fields';

export type { FrameSink, LoaderFrame, LoaderProcess, LoaderStats } from './frame-sink';
export { connectionId, ipv6 } from './record-fields';

export const FRAME_MAGIC = 0x314c5054;
const MAGIC_BYTES = Buffer.from([0x54, 0x50, 0x4c, 0x31]);
/** Larger than any record the loader writes (a data record holds at most 1 MiB of payload). */
const MAX_RECORD = (1 << 20) + 4096;

/** What a connection's data records repeat; decoded once per connection. */
interface ConnInfo {
  id: string;
  gen: number;
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
  /**
   * Per process, per fd, the connection's decoded id, name and tuple (the generation tells a
   * reused fd apart): two small-integer lookups per data record instead of building its id string.
   */
  private readonly conns = new Map<number, Map<number, ConnInfo>>();
  private cached = 0;
  /** A view of the buffer being decoded (`run`). */
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

  /**
   * @param copyPayload false: data events view the input chunks instead of copying them. Only
   *   for callers that never reuse a chunk after push() (a child process's stdout does not).
   */
  constructor(private readonly copyPayload = true) {}

  /** The frames in `chunk` (and what earlier chunks left unfinished), in order. */
  push(chunk: Uint8Array): LoaderFrame[] {
    const sink = new Collect();
    this.feed(chunk, sink);
    return sink.frames;
  }

  /** As `push`, handing each frame to `sink` as it is decoded. */
  feed(chunk: Uint8Array, sink: FrameSink): void {
    const input = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let at = 0;
    // A frame cut by the end of the last chunk is completed from the first bytes of this one, so
    // that the rest of this chunk is decoded where it lies instead of copied whole behind the tail.
    while (this.pending.length > 0 && at < input.length) {
      const tail = this.pending;
      if (tail.length < 8) {
        const take = Math.min(8 - tail.length, input.length - at);
        this.pending = Buffer.concat([tail, input.subarray(at, at + take)]);
        at += take;
        continue;
      }
      const len = tail.readUInt32LE(4);
      if (tail.readUInt32LE(0) !== FRAME_MAGIC || len < 1 || len > MAX_RECORD) {
        // Not the start of a frame: resynchronise over the tail and the rest of the chunk together.
        this.pending = EMPTY;
        this.run(Buffer.concat([tail, input.subarray(at)]), 0, sink);
        return;
      }
      const need = 8 + len - tail.length;
      if (input.length - at < need) {
        this.pending = Buffer.concat([tail, input.subarray(at)]);
        return;
      }
      this.pending = EMPTY;
      this.run(Buffer.concat([tail, input.subarray(at, at + need)]), 0, sink);
      at += need;
    }
    if (at < input.length) this.run(input, at, sink);
  }

  /** Decodes the frames of `buf` from `from`; what is left (an unfinished frame) becomes `pending`. */
  private run(buf: Buffer, from: number, sink: FrameSink): void {
    // Data records are read through a DataView: its reads cost a third of Buffer's (measured here).
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.length);
    let off = from;
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
      this.skipping = false;
      if (!this.decode(buf, off + 8, len, sink)) this.badFrames++;
      off += 8 + len;
    }
    // Keep the unconsumed tail (copied, so the caller's chunk is not retained).
    this.pending = off === buf.length ? EMPTY : Buffer.from(buf.subarray(off));
  }

  /** Skips to the next magic; counts one bad frame per skipped run. */
  private resync(buf: Buffer, from: number): number {
    if (!this.skipping) this.badFrames++;
    this.skipping = true;
    const next = buf.indexOf(MAGIC_BYTES, from);
    // Not found: keep the last 3 bytes, they may be the start of a magic split across chunks.
    return next >= 0 ? next : Math.max(from, buf.length - 3);
  }

  /** Decodes the record at buf[at, at + len) in place and hands it to `sink`; false when it is malformed. */
  private decode(buf: Buffer, at: number, len: number, sink: FrameSink): boolean {
    let event: CaptureEvent | undefined;
    switch (buf[at]) {
      case REC.data:
        event = this.data(buf, at, len);
        break;
      case REC.open:
        event = len === OPEN.size ? this.open(buf, at) : undefined;
        break;
      case REC.close:
        event = len === CLOSE.size ? this.close(buf, at) : undefined;
        break;
      case REC.stats:
        if (len !== STATS.size) return false;
        sink.stats(stats(buf, at));
        return true;
      case REC.ready:
        if (len !== READY.size) return false;
        sink.ready(buf.readUInt32LE(at + READY.loader_pid), Number(buf.readBigUInt64LE(at + READY.ssl_targets)));
        return true;
      case REC.proc:
        if (len !== PROC.size) return false;
        sink.process(proc(buf, at));
        return true;
      default:
        return false;
    }
    if (!event) return false;
    sink.event(event);
    return true;
  }

  private conn(buf: Buffer, pid: number, fd: number, gen: number, commAt: number, tupleAt_: number): ConnInfo {
    let fds = this.conns.get(pid);
    let info = fds?.get(fd);
    if (info && info.gen === gen) return info;
    if (!fds) this.conns.set(pid, (fds = new Map()));
    if (!info) {
      if (this.cached >= MAX_CACHED_CONNECTIONS) {
        // Closes were lost: start over.
        this.conns.clear();
        this.cached = 0;
        this.conns.set(pid, fds);
      }
      this.cached++;
    }
    info = { id: connectionId(pid, fd, gen), gen, comm: cstring(buf, commAt), tuple: tupleAt(buf, tupleAt_) };
    fds.set(fd, info);
    return info;
  }

  private forget(pid: number, fd: number): void {
    const fds = this.conns.get(pid);
    if (!fds?.delete(fd)) return;
    this.cached--;
    if (fds.size === 0) this.conns.delete(pid);
  }

  private open(buf: Buffer, at: number): OpenEvent | undefined {
    const role = roleOf(buf[at + OPEN.role]);
    const tuple = tupleAt(buf, at + OPEN.tuple);
    if (!role || !tuple) return undefined;
    const pid = buf.readUInt32LE(at + OPEN.tgid);
    const fd = buf.readInt32LE(at + OPEN.fd);
    const gen = buf.readUInt32LE(at + OPEN.gen);
    const id = connectionId(pid, fd, gen);
    const comm = cstring(buf, at + OPEN.comm);
    let fds = this.conns.get(pid);
    if (!fds) this.conns.set(pid, (fds = new Map()));
    if (!fds.has(fd)) this.cached++;
    fds.set(fd, { id, gen, comm, tuple });
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
    return event;
  }

  private data(buf: Buffer, at: number, len: number): DataEvent | undefined {
    if (len < DATA_HDR.size) return undefined;
    const view = this.view;
    const payload = view.getUint32(at + DATA_HDR.len, true);
    const dir = buf[at + DATA_HDR.dir];
    const tls = buf[at + DATA_HDR.tls]!;
    if (len !== DATA_HDR.size + payload || (dir !== 0 && dir !== 1) || tls > 1) return undefined;
    const originalLength = view.getUint32(at + DATA_HDR.orig_len, true);
    if (originalLength < payload) return undefined;
    const pid = view.getUint32(at + DATA_HDR.tgid, true);
    const info = this.conn(buf, pid, view.getInt32(at + DATA_HDR.fd, true), view.getUint32(at + DATA_HDR.gen, true), at + DATA_HDR.comm, at + DATA_HDR.tuple);
    const start = at + DATA_HDR.size;
    // One object shape for every data event (role and tuple always present, possibly undefined):
    // the pipeline's property reads stay monomorphic.
    return new DataRecord(
      info.id,
      pid,
      info.comm,
      view.getBigUint64(at + DATA_HDR.ts, true),
      dir === 1 ? 'write' : 'read',
      tls === 1,
      this.copyPayload ? Uint8Array.prototype.slice.call(buf, start, start + payload) : new Uint8Array(buf.buffer, buf.byteOffset + start, payload),
      originalLength,
      roleOf(buf[at + DATA_HDR.role]),
      info.tuple,
    );
  }

  private close(buf: Buffer, at: number): CloseEvent {
    const pid = buf.readUInt32LE(at + CLOSE.tgid);
    const fd = buf.readInt32LE(at + CLOSE.fd);
    const id = connectionId(pid, fd, buf.readUInt32LE(at + CLOSE.gen));
    this.forget(pid, fd);
    return { kind: 'close', connectionId: id, pid, comm: cstring(buf, at + CLOSE.comm), timestampNs: buf.readBigUInt64LE(at + CLOSE.ts) };
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

/** A DataEvent as the decoder makes it: `role` and `tuple` are own properties even when unknown. */
class DataRecord implements DataEvent {
  readonly kind = 'data';
  constructor(
    readonly connectionId: string,
    readonly pid: number,
    readonly comm: string,
    readonly timestampNs: bigint,
    readonly direction: 'read' | 'write',
    readonly tls: boolean,
    readonly data: Uint8Array,
    readonly originalLength: number,
    readonly role: 'client' | 'server' | undefined,
    readonly tuple: SocketTuple | undefined,
  ) {}
}

function roleOf(b: number | undefined): 'client' | 'server' | undefined {
  return b === 1 ? 'client' : b === 2 ? 'server' : undefined;
}

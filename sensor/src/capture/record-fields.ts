// Reading the loader's record fields (sensor/bpf/tapline.h, offsets in layout.ts) into the
// daemon's values: the stats and process records, connection ids, NUL-padded names, socket
// tuples and their address text. Used by frames.ts once per connection or per rare record, not
// per data record.
import type { SocketTuple } from './events';
import type { LoaderProcess, LoaderStats } from './frame-sink';
import { COMM_LEN, COUNTER, PROC, PROC_FLAG, STATS, TUPLE } from './layout';

export function stats(buf: Buffer, at: number): LoaderStats {
  const c = (i: number): bigint => buf.readBigUInt64LE(at + STATS.counters + i * 8);
  return {
    records: c(COUNTER.records),
    lost: c(COUNTER.lost),
    lostBytes: c(COUNTER.lostBytes),
    truncated: c(COUNTER.truncated),
    tlsUnmapped: c(COUNTER.tlsUnmapped),
    mergeDropped: buf.readBigUInt64LE(at + STATS.frames_merged_dropped),
    sslTargets: Number(buf.readBigUInt64LE(at + STATS.ssl_targets)),
  };
}

export function proc(buf: Buffer, at: number): LoaderProcess {
  return {
    pid: buf.readUInt32LE(at + PROC.tgid),
    comm: cstring(buf, at + PROC.comm),
    lib: buf[at + PROC.lib]!,
    version: cstring(buf, at + PROC.version),
    ciphertext: (buf[at + PROC.flags]! & PROC_FLAG.TL_PROC_CIPHERTEXT) !== 0,
  };
}

/** `${pid}:${fd}:${generation}`, as events.ts promises. */
export function connectionId(pid: number, fd: number, gen: number): string {
  return `${pid}:${fd}:${gen}`;
}

/** A NUL-padded char[16]; decoded as UTF-8 (invalid bytes become U+FFFD, it is rendered as text). */
export function cstring(buf: Buffer, at: number): string {
  const field = buf.subarray(at, at + COMM_LEN);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? COMM_LEN : nul).toString('utf8');
}

/** tl_tuple: laddr[16] raddr[16] lport u16 rport u16 family u8; undefined when empty or invalid. */
export function tupleAt(buf: Buffer, at: number): SocketTuple | undefined {
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

// Byte offsets of the records in sensor/bpf/tapline.h, named as the C fields are. This is the
// TypeScript side's only copy of the layout: the decoder (frames.ts) and the tests' record
// builders read it, and test/unit/capture-layout.test.ts compiles tapline.h and checks every
// offset and size here against offsetof/sizeof, so a change to the header that is not made here
// fails a test that needs no root.

export const TUPLE = { laddr: 0, raddr: 16, lport: 32, rport: 34, family: 36, size: 40 } as const;

export const OPEN = {
  type: 0, role: 1, tgid: 4, fd: 8, gen: 12, ts: 16, cgroup: 24, peer_pid: 32, tuple: 40, comm: 80, peer_comm: 96,
  size: 112,
} as const;

/** struct tl_data_hdr; the payload follows at `size`. */
export const DATA_HDR = {
  type: 0, dir: 1, tls: 2, role: 3, last: 4, tgid: 8, tid: 12, fd: 16, gen: 20, orig_len: 24, offset: 28, len: 32,
  ts: 40, tuple: 48, comm: 88,
  size: 104,
} as const;

export const CLOSE = { type: 0, tgid: 4, fd: 8, gen: 12, ts: 16, comm: 24, size: 40 } as const;

export const STATS = { type: 0, counters: 8, frames_merged_dropped: 72, ssl_targets: 80, size: 88 } as const;

export const READY = { type: 0, loader_pid: 4, ssl_targets: 8, size: 16 } as const;

export const PROC = { type: 0, lib: 1, flags: 2, tgid: 4, version: 8, comm: 24, size: 40 } as const;

/** tl_proc.flags */
export const PROC_FLAG = { TL_PROC_CIPHERTEXT: 1 } as const;

/** The C struct each table describes (for the layout test). */
export const STRUCTS = {
  tl_tuple: TUPLE,
  tl_open: OPEN,
  tl_data_hdr: DATA_HDR,
  tl_close: CLOSE,
  tl_stats: STATS,
  tl_ready: READY,
  tl_proc: PROC,
} as const;

/** enum tl_record_type */
export const REC = { open: 1, data: 2, close: 3, stats: 4, ready: 5, proc: 6 } as const;

export const COMM_LEN = 16;

/** enum tl_counter: index of each counter in tl_stats.counters. */
export const COUNTER = { records: 0, lost: 1, lostBytes: 2, truncated: 3, tlsUnmapped: 4 } as const;

/** enum tl_tls_lib, by value: what the loader found in a process (docs/capture.md). */
export const TLS_LIB = {
  TL_LIB_NONE: 0,
  TL_LIB_OPENSSL_DYNAMIC: 1,
  TL_LIB_OPENSSL_STATIC: 2,
  TL_LIB_GO_TLS: 3,
  TL_LIB_GO_STRIPPED: 4,
  TL_LIB_GO_OLD: 5,
  TL_LIB_GO_PLAIN: 6,
  TL_LIB_GO_UNSUPPORTED: 7,
  TL_LIB_JAVA: 8,
  TL_LIB_GNUTLS: 9,
  TL_LIB_NSS: 10,
  TL_LIB_RUSTLS: 11,
  TL_LIB_BORINGSSL: 12,
} as const;

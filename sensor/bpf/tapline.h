/* Records shared by the kernel programs (tapline.bpf.c) and the loader (loader.c).
 * The loader writes each record to stdout behind an 8-byte frame header (docs/capture.md);
 * data chunks of one call are merged by the loader first, so the TypeScript side sees one
 * record per call. All integers are host order (the loader and daemon run on the same host). */
#ifndef TAPLINE_H
#define TAPLINE_H

#define TL_CHUNK 32768          /* bytes copied per ring-buffer record */
#define TL_MAX_CAP (1u << 20)   /* upper bound for the per-call cap */
#define TL_MAX_IOV 16           /* iovec entries inspected per readv/writev/sendmsg/recvmsg */
#define TL_MAX_FILTER 8
#define TL_COMM_LEN 16
#define TL_FRAME_MAGIC 0x314c5054u /* "TPL1" */

enum tl_record_type {
  TL_REC_OPEN = 1,
  TL_REC_DATA = 2,
  TL_REC_CLOSE = 3,
  TL_REC_STATS = 4,  /* written by the loader only */
  TL_REC_READY = 5,  /* written by the loader only, once programs are attached */
  TL_REC_PROC = 6,   /* written by the loader only: what it found in one process (visibility) */
};

/* What the loader found in a process's executable and mappings: the TLS library it uses and
 * whether the sensor can read that library's plaintext (docs/capture.md lists each). */
enum tl_tls_lib {
  TL_LIB_NONE = 0,
  TL_LIB_OPENSSL_DYNAMIC = 1, /* libssl.so mapped: uprobes on the library file */
  TL_LIB_OPENSSL_STATIC = 2,  /* SSL_read/SSL_write defined in the executable (node) */
  TL_LIB_GO_TLS = 3,          /* Go >= 1.17 with symbols: crypto/tls uprobes attached */
  TL_LIB_GO_STRIPPED = 4,     /* Go without a symbol table: crypto/tls cannot be found */
  TL_LIB_GO_OLD = 5,          /* Go < 1.17 (stack ABI): not supported */
  TL_LIB_GO_PLAIN = 6,        /* Go without crypto/tls linked in: plaintext only */
  TL_LIB_GO_UNSUPPORTED = 7,  /* Go crypto/tls found but not attachable (arch, decoding) */
  TL_LIB_JAVA = 8,            /* a JVM: JSSE is Java code, no native symbols to hook */
  TL_LIB_GNUTLS = 9,
  TL_LIB_NSS = 10,
  TL_LIB_RUSTLS = 11,
  TL_LIB_BORINGSSL = 12,      /* BoringSSL linked into another binary (no exported SSL_write) */
};

/* One per process the loader inspected that uses (or is built with) a TLS library. */
#define TL_PROC_CIPHERTEXT 1 /* the kernel saw TLS records on one of its traced sockets */

struct tl_proc {
  __u8 type; /* TL_REC_PROC */
  __u8 lib;  /* enum tl_tls_lib */
  __u8 flags; /* TL_PROC_* */
  __u8 _pad;
  __u32 tgid;
  char version[TL_COMM_LEN]; /* the Go version ("go1.19.8") when known */
  char comm[TL_COMM_LEN];
};

enum tl_role { TL_ROLE_UNKNOWN = 0, TL_ROLE_CLIENT = 1, TL_ROLE_SERVER = 2 };
enum tl_dir { TL_DIR_READ = 0, TL_DIR_WRITE = 1 };

/* Addresses are 16 bytes; IPv4 (and IPv4-mapped IPv6) are stored as ::ffff:a.b.c.d with family 4. */
struct tl_tuple {
  __u8 laddr[16];
  __u8 raddr[16];
  __u16 lport;
  __u16 rport;
  __u8 family; /* 4 or 6 */
  __u8 _pad[3];
};

struct tl_open {
  __u8 type; /* TL_REC_OPEN */
  __u8 role;
  __u16 _pad;
  __u32 tgid;
  __s32 fd;
  __u32 gen;
  __u64 ts;
  __u64 cgroup;
  __u32 peer_pid; /* the local client process when both ends are on this host, else 0 */
  __u32 _pad2;
  struct tl_tuple tuple;
  char comm[TL_COMM_LEN];
  char peer_comm[TL_COMM_LEN];
};

struct tl_data_hdr {
  __u8 type; /* TL_REC_DATA */
  __u8 dir;
  __u8 tls;
  __u8 role;
  __u8 last;  /* 1 on the final chunk of a call */
  __u8 _pad[3];
  __u32 tgid;
  __u32 tid;
  __s32 fd;
  __u32 gen;
  __u32 orig_len; /* bytes the call moved */
  __u32 offset;   /* of this chunk within the call */
  __u32 len;      /* bytes in this chunk (after merging: in the whole record) */
  __u32 _pad2;
  __u64 ts;
  struct tl_tuple tuple;
  char comm[TL_COMM_LEN];
};

struct tl_data {
  struct tl_data_hdr h;
  __u8 data[TL_CHUNK];
};

struct tl_close {
  __u8 type; /* TL_REC_CLOSE */
  __u8 _pad[3];
  __u32 tgid;
  __s32 fd;
  __u32 gen;
  __u64 ts;
  char comm[TL_COMM_LEN];
};

enum tl_counter {
  TL_CNT_RECORDS = 0,   /* ring-buffer records the loader received (counted by the loader) */
  TL_CNT_LOST = 1,      /* records the ring buffer refused (full) */
  TL_CNT_LOST_BYTES = 2,
  TL_CNT_TRUNCATED = 3, /* calls cut at the cap */
  TL_CNT_TLS_UNMAPPED = 4, /* TLS calls whose socket was not known */
  TL_CNT_MAX = 8,
};

/* Written by the loader every --stats-ms; counters are cumulative. */
struct tl_stats {
  __u8 type; /* TL_REC_STATS */
  __u8 _pad[7];
  __u64 counters[TL_CNT_MAX];
  __u64 frames_merged_dropped; /* chunks the loader could not merge (gaps) */
  __u64 ssl_targets;           /* files with SSL uprobes attached */
};

struct tl_ready {
  __u8 type; /* TL_REC_READY */
  __u8 _pad[3];
  __u32 loader_pid;
  __u64 ssl_targets;
};

#endif

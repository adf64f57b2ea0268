/* Configuration, maps and per-connection decisions for tapline.bpf.c. */
#ifndef TAPLINE_STATE_BPF_H
#define TAPLINE_STATE_BPF_H

/* Set by the loader before load (read-only afterwards, so the verifier folds them). */
const volatile __u32 self_pids[TL_MAX_FILTER] = {};
const volatile __u32 n_self = 0;
const volatile __u32 filter_pids[TL_MAX_FILTER] = {};
const volatile __u32 n_filter_pids = 0;
const volatile char filter_comms[4][TL_COMM_LEN] = {};
const volatile __u32 n_filter_comms = 0;
const volatile __u64 filter_cgroup = 0;
const volatile __u16 filter_ports[TL_MAX_FILTER] = {};
const volatile __u32 n_filter_ports = 0;
const volatile __u32 cap_bytes = 65536;
const volatile __u64 wakeup_bytes = 262144;

__u32 gen_counter = 0;

enum { TLOP_READ = 1, TLOP_WRITE, TLOP_READV, TLOP_WRITEV, TLOP_RECVFROM, TLOP_SENDTO, TLOP_RECVMSG, TLOP_SENDMSG };
enum { K_NOT_TCP = 1, K_TCP = 2 };
enum { C_UNKNOWN = 0, C_HTTP = 1, C_IGNORE = 2, C_TLS = 3 };
/* V_PEER: a local client whose server is traced too; the server side reports the exchange. */
enum { V_NONE = 0, V_ADMIT = 1, V_IGNORE = 2, V_PEER = 3 };
enum { P_OTHER = 0, P_TLS = 1, P_REQUEST = 2, P_RESPONSE = 3 };
enum { LST_TRACED = 1, LST_UNTRACED = 2, LST_SELF = 3 };

static __always_inline int op_is_write(__u8 op) { return op == TLOP_WRITE || op == TLOP_WRITEV || op == TLOP_SENDTO || op == TLOP_SENDMSG; }
static __always_inline int op_is_vec(__u8 op) { return op == TLOP_READV || op == TLOP_WRITEV || op == TLOP_RECVMSG || op == TLOP_SENDMSG; }

struct tl_sock_key {
  __u32 tgid;
  __s32 fd;
};

struct tl_sock_info {
  __u64 ssl; /* the SSL object bound to this socket, to forget it on close */
  __u32 gen;
  __u32 peer_pid;
  __u8 kind;
  __u8 role;
  __u8 sock_class; /* what the socket's own bytes are */
  __u8 tls_class;  /* what the plaintext from SSL calls is */
  __u8 verdict;
  __u8 opened;
  __u8 tries;
  __u8 tls_tries;
  __u8 owner_registered;
  __u8 _pad[7];
  struct tl_tuple tuple;
  char comm[TL_COMM_LEN];
  char peer_comm[TL_COMM_LEN];
};

struct tl_io_args {
  __u64 buf;
  __u64 cnt;
  __s32 fd;
  __u8 op;
  __u8 copy; /* the socket was admitted HTTP at entry: `si` holds what its records need */
  __u8 _pad[2];
  /* A copy taken at entry, so that the exit of a call on an admitted socket (the calls that are
   * copied) needs no second hash lookup. */
  struct tl_sock_info si;
};

struct tl_ssl_args {
  __u64 ssl;
  __u64 buf;
  __u64 done_ptr;
  __u8 dir;
  __u8 depth;
  __u8 active; /* inside an SSL call (the entry stays allocated between calls) */
  __u8 _pad[5];
};

struct tl_ssl_key {
  __u32 tgid;
  __u32 _pad;
  __u64 ssl;
};

struct tl_listener {
  __u32 tgid;
  __u32 kind;
};

struct tl_owner {
  __u32 tgid;
  char comm[TL_COMM_LEN];
};

struct { __uint(type, BPF_MAP_TYPE_LRU_HASH); __uint(max_entries, 65536); __type(key, struct tl_sock_key); __type(value, struct tl_sock_info); } socks SEC(".maps");
/* fds known not to be TCP sockets, apart from `socks` so that churn on files and pipes never
 * evicts a live connection's state. */
struct { __uint(type, BPF_MAP_TYPE_LRU_HASH); __uint(max_entries, 65536); __type(key, struct tl_sock_key); __type(value, __u8); } not_tcp SEC(".maps");
/* Per-thread in-flight syscall arguments: task storage costs a pointer walk where a hash map
 * would take a bucket lock on every enter and exit of every traced call. */
struct { __uint(type, BPF_MAP_TYPE_TASK_STORAGE); __uint(map_flags, BPF_F_NO_PREALLOC); __type(key, int); __type(value, struct tl_io_args); } io_inflight SEC(".maps");
/* Per-thread SSL call in flight: task storage for the same reason as io_inflight (a hash update
 * and delete per SSL call took a bucket lock twice). */
struct { __uint(type, BPF_MAP_TYPE_TASK_STORAGE); __uint(map_flags, BPF_F_NO_PREALLOC); __type(key, int); __type(value, struct tl_ssl_args); } ssl_inflight SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 4096); __type(key, __u64); __type(value, __s32); } connect_inflight SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_LRU_HASH); __uint(max_entries, 16384); __type(key, struct tl_ssl_key); __type(value, __s32); } ssl_fds SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_LRU_HASH); __uint(max_entries, 16384); __type(key, __u64); __type(value, __s32); } thread_tls_fd SEC(".maps");
/* Local TCP ports with a listening process, by whether that process is traced (the loader seeds it). */
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8192); __type(key, __u16); __type(value, struct tl_listener); } listeners SEC(".maps");
/* Processes seen inside hooked SSL calls: only their TLS plaintext is visible to us. */
struct { __uint(type, BPF_MAP_TYPE_LRU_HASH); __uint(max_entries, 16384); __type(key, __u32); __type(value, __u8); } ssl_procs SEC(".maps");
/* Traced processes seen sending or receiving TLS records on a socket (set once per connection,
 * when its first bytes are classified): the loader reports them, so that a TLS library nobody
 * hooks still shows up in the visibility report. */
struct { __uint(type, BPF_MAP_TYPE_LRU_HASH); __uint(max_entries, 16384); __type(key, __u32); __type(value, __u8); } cipher_procs SEC(".maps");
/* Local client sockets by tuple, so the server side can name its client process. */
struct { __uint(type, BPF_MAP_TYPE_LRU_HASH); __uint(max_entries, 16384); __type(key, struct tl_tuple); __type(value, struct tl_owner); } owners SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, TL_CNT_MAX); __type(key, __u32); __type(value, __u64); } counters SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 8 << 20); } rb SEC(".maps");

static __always_inline void count(__u32 idx, __u64 n)
{
  __u64 *v = bpf_map_lookup_elem(&counters, &idx);
  if (v)
    *v += n;
}

static __always_inline int is_self(__u32 tgid)
{
  for (int i = 0; i < TL_MAX_FILTER; i++) {
    if (i >= n_self)
      break;
    if (self_pids[i] == tgid)
      return 1;
  }
  return 0;
}

static __always_inline void leader_comm(char *comm)
{
  struct task_struct *task = (struct task_struct *)bpf_get_current_task();
  struct task_struct *leader = BPF_CORE_READ(task, group_leader);
  bpf_core_read(comm, TL_COMM_LEN, &leader->comm);
}

static __always_inline int comm_eq(const char *comm, int idx)
{
  for (int j = 0; j < TL_COMM_LEN; j++) {
    char want = filter_comms[idx & 3][j];
    if (comm[j] != want)
      return 0;
    if (want == 0)
      return 1;
  }
  return 1;
}

static __always_inline int passes_filters(__u32 tgid, const char *comm, const struct tl_tuple *t)
{
  if (n_filter_pids) {
    int ok = 0;
    for (int i = 0; i < TL_MAX_FILTER; i++)
      if (i < n_filter_pids && filter_pids[i] == tgid)
        ok = 1;
    if (!ok)
      return 0;
  }
  if (n_filter_comms) {
    int ok = 0;
    for (int i = 0; i < 4; i++)
      if (i < n_filter_comms && comm_eq(comm, i))
        ok = 1;
    if (!ok)
      return 0;
  }
  if (filter_cgroup && bpf_get_current_cgroup_id() != filter_cgroup)
    return 0;
  if (n_filter_ports) {
    int ok = 0;
    for (int i = 0; i < TL_MAX_FILTER; i++)
      if (i < n_filter_ports && (filter_ports[i] == t->lport || filter_ports[i] == t->rport))
        ok = 1;
    if (!ok)
      return 0;
  }
  return 1;
}

static __always_inline void register_listener(__u16 port, __u32 tgid, __u32 kind)
{
  struct tl_listener l = { .tgid = tgid, .kind = kind };
  bpf_map_update_elem(&listeners, &port, &l, BPF_ANY);
}

/* First sight of (process, fd): is it a TCP socket, and which tuple? Cached either way. */
static __always_inline struct tl_sock_info *probe_sock(struct tl_sock_key *k, __u8 role)
{
  struct tl_sock_info si = {};
  struct sock *sk = fd_to_tcp_sock(k->fd);
  if (!sk) {
    __u8 one = 1;
    bpf_map_update_elem(&not_tcp, k, &one, BPF_ANY);
    return NULL;
  }
  {
    si.kind = K_TCP;
    si.role = role;
    si.gen = __sync_fetch_and_add(&gen_counter, 1) + 1;
    read_tuple(sk, &si.tuple);
    leader_comm(si.comm);
    if (role != TL_ROLE_SERVER && remote_is_local(&si.tuple)) {
      struct tl_owner o = { .tgid = k->tgid };
      __builtin_memcpy(o.comm, si.comm, TL_COMM_LEN);
      bpf_map_update_elem(&owners, &si.tuple, &o, BPF_ANY);
      si.owner_registered = 1;
    }
  }
  bpf_map_update_elem(&socks, k, &si, BPF_ANY);
  return bpf_map_lookup_elem(&socks, k);
}

static __always_inline void forget_sock(struct tl_sock_key *k)
{
  struct tl_sock_info *si = bpf_map_lookup_elem(&socks, k);
  if (!si) {
    bpf_map_delete_elem(&not_tcp, k);
    return;
  }
  if (si->ssl) {
    struct tl_ssl_key sk = { .tgid = k->tgid, .ssl = si->ssl };
    bpf_map_delete_elem(&ssl_fds, &sk);
  }
  if (si->owner_registered)
    bpf_map_delete_elem(&owners, &si->tuple);
  bpf_map_delete_elem(&socks, k);
}

static __always_inline void bind_ssl(__u32 tgid, __u64 ssl, __s32 fd, struct tl_sock_info *si)
{
  struct tl_ssl_key sk = { .tgid = tgid, .ssl = ssl };
  bpf_map_update_elem(&ssl_fds, &sk, &fd, BPF_ANY);
  si->ssl = ssl;
  si->sock_class = C_TLS; /* its own bytes are ciphertext from now on */
}

static __always_inline int has_prefix(const __u8 *b, __u64 len, const char *s, int n)
{
  if (len < (__u64)n)
    return 0;
#pragma unroll
  for (int i = 0; i < 8; i++)
    if (i < n && b[i] != (__u8)s[i])
      return 0;
  return 1;
}

/* A server's first HTTP/2 frame (RFC 9113 §3.4): SETTINGS, not an ACK, on stream 0, with a
 * length that is a multiple of 6 and below 64 KiB. Go and node write it before they have read the
 * client's preface, so it can be the first thing a connection carries in either direction. */
static __always_inline int is_h2_settings(const __u8 *b, __u64 len)
{
  __u32 n = ((__u32)b[1] << 8) | b[2];
  return len >= 9 && b[0] == 0 && n % 6 == 0 && b[3] == 0x04 && b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] == 0;
}

/* Looks at the first bytes only: HTTP/1.x request line, status line, HTTP/2's client preface
 * ("PRI * HTTP/2.0", a request) or a server's first SETTINGS frame (an answer), or a TLS record. */
static __always_inline int classify_payload(__u64 ptr, __u64 len)
{
  __u8 b[8] = {};
  if (len == 0 || bpf_probe_read_user(b, sizeof(b), (void *)ptr)) {
    if (len == 0 || len >= 8 || bpf_probe_read_user(b, 4, (void *)ptr))
      return P_OTHER;
  }
  if (len >= 3 && b[0] >= 0x14 && b[0] <= 0x17 && b[1] == 0x03 && b[2] <= 0x04)
    return P_TLS;
  if (has_prefix(b, len, "HTTP/1.", 7))
    return P_RESPONSE;
  if (has_prefix(b, len, "GET ", 4) || has_prefix(b, len, "POST ", 5) || has_prefix(b, len, "PUT ", 4) ||
      has_prefix(b, len, "DELETE ", 7) || has_prefix(b, len, "HEAD ", 5) || has_prefix(b, len, "PATCH ", 6) ||
      has_prefix(b, len, "OPTIONS ", 8) || has_prefix(b, len, "CONNECT ", 8) || has_prefix(b, len, "TRACE ", 6))
    return P_REQUEST;
  /* h2c with prior knowledge, and h2 over TLS (ALPN) once the uprobes hand over the plaintext. */
  if (has_prefix(b, len, "PRI * HT", 8))
    return P_REQUEST;
  if (is_h2_settings(b, len))
    return P_RESPONSE;
  return P_OTHER;
}

static __always_inline void set_role(struct tl_sock_info *si, int cls, __u8 dir)
{
  if (si->role != TL_ROLE_UNKNOWN)
    return;
  int request = cls == P_REQUEST;
  int reading = dir == TL_DIR_READ;
  si->role = (request == reading) ? TL_ROLE_SERVER : TL_ROLE_CLIENT;
}

static __always_inline __u64 wake_flags(void)
{
  return bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA) >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

static __always_inline void emit_open(struct tl_sock_key *k, struct tl_sock_info *si)
{
  struct tl_open *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
  if (!e) {
    count(TL_CNT_LOST, 1);
    return;
  }
  e->type = TL_REC_OPEN;
  e->role = si->role;
  e->_pad = 0;
  e->tgid = k->tgid;
  e->fd = k->fd;
  e->gen = si->gen;
  e->ts = bpf_ktime_get_ns();
  e->cgroup = bpf_get_current_cgroup_id();
  e->peer_pid = si->peer_pid;
  e->_pad2 = 0;
  e->tuple = si->tuple;
  __builtin_memcpy(e->comm, si->comm, TL_COMM_LEN);
  __builtin_memcpy(e->peer_comm, si->peer_comm, TL_COMM_LEN);
  bpf_ringbuf_submit(e, wake_flags());
}

/* Decided once per connection, at its first HTTP bytes: filters, then the one-side rule for
 * connections between two local processes. Emits the open record when admitted. */
static __always_inline int admit(struct tl_sock_key *k, struct tl_sock_info *si, int tls)
{
  if (si->verdict == V_NONE) {
    if (!passes_filters(k->tgid, si->comm, &si->tuple)) {
      si->verdict = V_IGNORE;
    } else if (remote_is_local(&si->tuple) && si->role == TL_ROLE_CLIENT) {
      struct tl_listener *l = bpf_map_lookup_elem(&listeners, &si->tuple.rport);
      /* The server reports it only if it is traced and, for TLS, its TLS library is hooked
       * (a Go server's plaintext is invisible: then this client's side is the only one). */
      si->verdict = !l ? V_ADMIT
                  : l->kind == LST_SELF ? V_IGNORE
                  : l->kind != LST_TRACED ? V_ADMIT
                  : !tls || bpf_map_lookup_elem(&ssl_procs, &l->tgid) ? V_PEER
                  : V_ADMIT;
    } else {
      si->verdict = V_ADMIT;
      if (si->role == TL_ROLE_SERVER && remote_is_local(&si->tuple)) {
        struct tl_tuple rev = {};
        __builtin_memcpy(rev.laddr, si->tuple.raddr, 16);
        __builtin_memcpy(rev.raddr, si->tuple.laddr, 16);
        rev.lport = si->tuple.rport;
        rev.rport = si->tuple.lport;
        rev.family = si->tuple.family;
        struct tl_owner *o = bpf_map_lookup_elem(&owners, &rev);
        if (o) {
          si->peer_pid = o->tgid;
          __builtin_memcpy(si->peer_comm, o->comm, TL_COMM_LEN);
        }
      }
    }
  }
  if (si->verdict != V_ADMIT)
    return 0;
  if (!si->opened) {
    si->opened = 1;
    emit_open(k, si);
  }
  return 1;
}

#endif
